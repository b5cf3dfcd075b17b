"""The engine-agnostic filter hook: a batch of texts in; scores, keep/drop and a reason per text out.

Every adapter (datatrove, datasets, Ray Data, Dolma, the CLI) calls ``FilterHook.score_and_decide`` and nothing
else, so all engines make the same decisions. Analyzers are built lazily, once per process: a pickled hook
carries only its policy, so each worker loads the models the first time it scores.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.analyzers.base import Analyzer, Column
from biasaudit.analyzers.registry import build_many
from biasaudit.core import run_batch
from biasaudit.filtering.policy import OPERATORS, Policy

REASON_KEY = "filter_reason"  # datatrove's metadata key for a dropped document's reason; reused everywhere


@dataclass
class Decisions:
    """One scored batch: analyzer ``columns``, ``flagged`` (some rule fired), ``keep`` (False only for flagged
    documents in drop mode) and ``reasons`` (the first firing rule, or None)."""

    columns: dict[str, Any]
    flagged: np.ndarray
    keep: np.ndarray
    reasons: list[str | None]
    tag_columns: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.keep)

    def tags(self, i: int) -> dict[str, Any]:
        """JSON-ready metadata of document ``i``: its scores, whether it was flagged, and why."""
        out = {name: _plain(self.columns[name][i]) for name in self.tag_columns}
        out["flagged"] = bool(self.flagged[i])
        out["reason"] = self.reasons[i]
        return out


class FilterHook:
    """Apply a ``Policy`` (a YAML path, a dict, a Policy, or None for the shipped default) to batches of texts.

    >>> hook = FilterHook({"analyzers": ["sentiment"], "rules": ["vader_compound < -0.5"]})
    >>> hook.score_and_decide(["What a lovely day.", "This is awful, terrible and sad."]).reasons
    [None, 'vader_compound<-0.5']
    """

    def __init__(self, policy: str | Path | Mapping[str, Any] | Policy | None = None,
                 analyzers: Sequence[Analyzer] | None = None) -> None:
        """``analyzers``: already-built ones (a scan's) whose columns the rules read, so none are built again."""
        self.policy = Policy.load(policy)
        self._analyzers: list[Analyzer] | None = None
        if analyzers is not None:
            self.policy.check_columns(_columns(analyzers))
            self._analyzers = list(analyzers)

    def __getstate__(self) -> dict[str, Any]:
        return {"policy": self.policy}  # workers rebuild the analyzers; models never travel in pickles

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.policy, self._analyzers = state["policy"], None

    @property
    def analyzers(self) -> list[Analyzer]:
        """The policy's analyzers, built (and the rules checked against their columns) on first use."""
        if self._analyzers is None:
            options = {k: dict(v) for k, v in self.policy.analyzer_options.items()}
            built = build_many(list(self.policy.analyzers), options)
            self.policy.check_columns(_columns(built))
            self._analyzers = built
        return self._analyzers

    @property
    def columns(self) -> list[Column]:
        return _columns(self.analyzers)

    @property
    def tag_columns(self) -> tuple[str, ...]:
        """Columns written into a document's metadata: the analyzers' headline columns."""
        return tuple(c.name for c in self.columns if c.headline)

    def score(self, texts: Sequence[str]) -> dict[str, Any]:
        return run_batch(self.analyzers, list(texts))

    def decide(self, columns: Mapping[str, Any]) -> Decisions:
        """Apply the rules to scored columns; earlier rules win the reason."""
        n = len(next(iter(columns.values()))) if columns else 0
        flagged = np.zeros(n, dtype=bool)
        reasons = np.full(n, None, dtype=object)
        for rule in reversed(self.policy.rules):
            values = columns[rule.column]
            if isinstance(rule.value, float):
                with np.errstate(invalid="ignore"):
                    fired = OPERATORS[rule.op](np.asarray(values, dtype=np.float64), rule.value)
            else:
                fired = OPERATORS[rule.op](np.asarray(values, dtype=object), rule.value).astype(bool)
            flagged |= fired
            reasons[fired] = rule.text
        keep = ~flagged if self.policy.action == "drop" else np.ones(n, dtype=bool)
        return Decisions(dict(columns), flagged, keep, reasons.tolist(), self.tag_columns)

    def score_and_decide(self, texts: Sequence[str]) -> Decisions:
        """Score ``texts`` with the policy's analyzers and decide each."""
        texts = list(texts)
        if not texts:
            return self.decide({c.name: np.array([]) for c in self.columns})
        return self.decide(self.score(texts))

    def info(self) -> dict[str, Any]:
        """Policy and analyzer versions, settings and resource hashes, for every output's metadata."""
        return {"policy": self.policy.as_dict(), "analyzers": [a.info().as_dict() for a in self.analyzers]}


def _columns(analyzers: Sequence[Analyzer]) -> list[Column]:
    return [c for a in analyzers for c in a.columns]


def _plain(value: Any) -> Any:
    """A numpy scalar as a JSON value (NaN as None)."""
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return None if math.isnan(value) else value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    return value

