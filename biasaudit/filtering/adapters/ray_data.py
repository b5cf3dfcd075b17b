"""Ray Data adapter: ``RayFilter``, a callable class for ``Dataset.map_batches`` (actor pool: models load once
per actor), and ``apply_policy``, which scores a dataset and splits it into kept and rejected datasets.

Output columns are flat (Arrow needs one type per column in every block): ``<tag_key>_<column>`` per headline
score, ``<tag_key>_flagged``, ``<tag_key>_keep`` and ``filter_reason`` ("" when no rule fired).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.filtering.hook import REASON_KEY, FilterHook
from biasaudit.filtering.policy import Policy


class RayFilter:
    """``ds.map_batches(RayFilter, fn_constructor_kwargs={"policy": ...}, compute=ActorPoolStrategy(size=N))``."""

    def __init__(self, policy: str | Path | dict[str, Any] | Policy | None = None, text_field: str = "text"):
        self.hook = FilterHook(policy)
        self.text_field = text_field

    @property
    def keep_column(self) -> str:
        return f"{self.hook.policy.tag_key}_keep"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        decisions = self.hook.score_and_decide([str(t) for t in batch[self.text_field]])
        key = self.hook.policy.tag_key
        out = dict(batch)
        for name in decisions.tag_columns:
            values = decisions.columns[name]
            out[f"{key}_{name}"] = np.asarray(values if isinstance(values, np.ndarray) else list(values))
        out[f"{key}_flagged"] = decisions.flagged
        out[self.keep_column] = decisions.keep
        out[REASON_KEY] = np.asarray([r or "" for r in decisions.reasons], dtype=object)
        return out


def apply_policy(ds: Any, policy: str | Path | dict[str, Any] | Policy | None = None, *, text_field: str = "text",
                 concurrency: int = 2, batch_size: int = 1024) -> tuple[Any, Any]:
    """``(kept, rejected)`` datasets: ``ds`` scored by an actor pool of ``concurrency`` RayFilters, then split
    on the keep column (in tag mode ``rejected`` is empty and ``kept`` carries the tags)."""
    from ray.data import ActorPoolStrategy

    policy = Policy.load(policy)
    keep_column = f"{policy.tag_key}_keep"
    scored = ds.map_batches(RayFilter, fn_constructor_kwargs={"policy": policy, "text_field": text_field},
                            compute=ActorPoolStrategy(size=concurrency), batch_size=batch_size, batch_format="numpy")
    return (scored.filter(lambda row: bool(row[keep_column])),
            scored.filter(lambda row: not row[keep_column]))
