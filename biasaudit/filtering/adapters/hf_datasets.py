"""Hugging Face ``datasets`` adapter: a batched keep function for ``Dataset.filter`` and a tagger for ``.map``.

Picklable (only the policy travels), so ``num_proc`` workers each load the models once; ``datasets`` itself is
not imported here, the functions take and return plain batches.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from biasaudit.filtering.hook import REASON_KEY, FilterHook
from biasaudit.filtering.policy import Policy


class DatasetsFilter:
    """``ds.filter(f, batched=True)`` keeps what the policy keeps; ``ds.map(f.tag, batched=True)`` adds the
    policy's ``tag_key`` column (scores, flagged, reason) and ``filter_reason``."""

    def __init__(self, policy: str | Path | dict[str, Any] | Policy | None = None, text_field: str = "text"):
        self.hook = FilterHook(policy)
        self.text_field = text_field

    def __call__(self, batch: dict[str, list]) -> list[bool]:
        return self.hook.score_and_decide(batch[self.text_field]).keep.tolist()

    def tag(self, batch: dict[str, list]) -> dict[str, list]:
        decisions = self.hook.score_and_decide(batch[self.text_field])
        return {self.hook.policy.tag_key: [decisions.tags(i) for i in range(len(decisions))],
                REASON_KEY: decisions.reasons}
