"""Fold scored batches into report statistics in one streaming pass (bounded memory, deterministic).

Knows columns and their kinds, not files or analyzers; quantiles and histograms are filled in afterwards by
re-reading one column at a time in chunks (``finish_scores``), so nothing ever holds a whole column.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from biasaudit.analyzers.base import Column
from biasaudit.report.quantiles import Passes, histogram, linear_quantiles
from biasaudit.report.stats import Moments, batch_moments, rate

QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
N_EXTREMES = 3
EXTREME_TEXT_CHARS = 300
#: Distinct values tracked per breakdown dimension; later new values are pooled under OTHER.
MAX_GROUPS = 1000
OTHER = "(other)"
MISSING = "(none)"
BREAKDOWNS = ("source", "speaker", "role", "turn_position")
HIST_BINS = 30


def turn_position(turn: Any, n_turns: Any) -> str:
    """first / middle / last / single for a dialogue turn; MISSING outside dialogues."""
    if turn is None or n_turns is None or pd.isna(turn) or pd.isna(n_turns):
        return MISSING
    turn, n_turns = int(turn), int(n_turns)
    if n_turns <= 1:
        return "single"
    if turn == 0:
        return "first"
    return "last" if turn >= n_turns - 1 else "middle"


@dataclass
class _GroupStats:
    """Per-group accumulators: moments per score, label counts, flag counts."""

    n: int = 0
    scores: dict[str, Moments] = field(default_factory=dict)
    labels: dict[str, dict[str, int]] = field(default_factory=dict)
    label_n: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)

    def update(self, batch: _Batch, rows: np.ndarray | None = None) -> None:
        """Add the batch's ``rows`` (positions, in order; None: all of them)."""
        self.n += batch.n if rows is None else len(rows)
        for col in batch.columns:
            part = batch.whole(col) if rows is None else _column_part(col, batch.values[col.name][rows])
            if col.kind == "score":
                self.scores.setdefault(col.name, Moments()).merge(part)
            elif col.kind == "flag":
                self.flags[col.name] = self.flags.get(col.name, 0) + part
            else:
                n_present, label_counts = part
                self.label_n[col.name] = self.label_n.get(col.name, 0) + n_present
                counts = self.labels.setdefault(col.name, {})
                for label, k in label_counts:
                    counts[label] = counts.get(label, 0) + k

    def summary(self, columns: Sequence[Column], detail: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"n": self.n, "scores": {}, "labels": {}, "flags": {}}
        for col in columns:
            if col.kind == "score":
                m = self.scores.get(col.name, Moments())
                s = {"n": m.n, "mean": m.mean if m.n else math.nan, "std": m.std()}
                if detail:
                    s.update(n_nan=m.n_nan, min=m.min if m.n else math.nan, max=m.max if m.n else math.nan)
                out["scores"][col.name] = s
            elif col.kind == "flag":
                out["flags"][col.name] = rate(self.flags.get(col.name, 0), self.n)
            else:
                counts, n = self.labels.get(col.name, {}), self.label_n.get(col.name, 0)
                names = list(col.labels) + sorted(set(counts) - set(col.labels))
                out["labels"][col.name] = {lab: rate(counts.get(lab, 0), n) for lab in names}
        return out


class Extremes:
    """The N lowest and N highest finite values of a score with their record id and text (ties: first seen)."""

    def __init__(self, k: int = N_EXTREMES) -> None:
        self.k = k
        self._low: list[tuple[float, int, str, str]] = []  # max-heap via negation
        self._high: list[tuple[float, int, str, str]] = []  # min-heap
        self._seq = 0

    def update(self, values: np.ndarray, ids: Sequence[str], texts: Sequence[str]) -> None:
        finite = np.flatnonzero(~np.isnan(values))
        if finite.size == 0:
            return
        present = values[finite]
        candidates = set(finite[_smallest(present, self.k)].tolist()) | set(finite[_smallest(-present, self.k)].tolist())
        for i in sorted(candidates):
            seq = self._seq + i
            v, rid, text = float(values[i]), str(ids[i]), str(texts[i])[:EXTREME_TEXT_CHARS]
            # ties keep the earlier record: compare (value, -seq) for the highest, (-value, -seq) for the lowest
            item_low, item_high = (-v, -seq, rid, text), (v, -seq, rid, text)
            if len(self._low) < self.k:
                heapq.heappush(self._low, item_low)
            elif item_low > self._low[0]:
                heapq.heapreplace(self._low, item_low)
            if len(self._high) < self.k:
                heapq.heappush(self._high, item_high)
            elif item_high > self._high[0]:
                heapq.heapreplace(self._high, item_high)
        self._seq += len(values)

    def summary(self) -> dict[str, list[dict[str, Any]]]:
        low = sorted(self._low, reverse=True)
        high = sorted(self._high, reverse=True)
        return {"lowest": [{"id": r, "value": -v, "text": t} for v, _, r, t in low],
                "highest": [{"id": r, "value": v, "text": t} for v, _, r, t in high]}


def _smallest(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` smallest ``values`` (no NaN), earlier positions first among ties: the first ``k``
    of a stable argsort, found by one partition instead of a sort."""
    if k >= len(values):
        return np.arange(len(values))
    kth = np.partition(values, k - 1)[k - 1]
    below = np.flatnonzero(values < kth)  # fewer than k: kth is the k-th smallest
    return np.concatenate([below, np.flatnonzero(values == kth)[:k - len(below)]])


def _column_part(col: Column, values: np.ndarray) -> Any:
    """What a group adds from ``values`` of ``col``: moments (score), a count (flag), or label counts."""
    if col.kind == "score":
        return batch_moments(values)
    if col.kind == "flag":
        return int(values.sum())
    codes, uniques = pd.factorize(values)  # missing labels get code -1 and are not counted
    present = codes[codes >= 0]
    return len(present), [(str(label), int(k))
                          for label, k in zip(uniques, np.bincount(present, minlength=len(uniques)))]


class _Batch:
    """One batch's analyzer columns as numpy arrays (float64 scores, bool flags, object labels), converted once
    and then sliced per group; ``whole`` summarises a column once for every group that takes the whole batch
    (the total, and each breakdown with one value in the batch, e.g. one source and no dialogue turns)."""

    def __init__(self, frame: pd.DataFrame, columns: Sequence[Column]) -> None:
        self.n, self.columns = len(frame), columns
        dtypes = {"score": np.float64, "flag": bool}
        self.values = {c.name: frame[c.name].to_numpy(dtype=dtypes.get(c.kind, object)) for c in columns}
        self._whole: dict[str, Any] = {}

    def whole(self, col: Column) -> Any:
        part = self._whole.get(col.name)
        if part is None:
            part = self._whole[col.name] = _column_part(col, self.values[col.name])
        return part


def _turn_positions(turn: pd.Series, n_turns: pd.Series) -> np.ndarray:
    """``turn_position`` for whole columns at once."""
    missing = (turn.isna() | n_turns.isna()).to_numpy()
    t = turn.to_numpy(dtype=np.float64, na_value=0.0)
    n = n_turns.to_numpy(dtype=np.float64, na_value=0.0)
    out = np.where(n <= 1, "single", np.where(t == 0, "first", np.where(t >= n - 1, "last", "middle")))
    return np.where(missing, MISSING, out).astype(object)


def _group_codes(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Group keys (missing -> MISSING, then str) as codes into the keys in order of first appearance."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keys = [MISSING if pd.isna(u) else str(u) for u in uniques]
    merged, names = pd.factorize(np.asarray(keys, dtype=object))  # distinct raw values with one str form
    return merged[codes], list(names)


class Aggregator:
    """Accumulates everything the report needs from scored record batches, in one pass."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self.total = _GroupStats()
        self.extremes = {c.name: Extremes() for c in self.columns if c.kind == "score"}
        self.groups: dict[str, dict[str, _GroupStats]] = {dim: {} for dim in BREAKDOWNS}

    def update(self, frame: pd.DataFrame) -> None:
        """Add one batch: a DataFrame with record metadata columns plus every analyzer column."""
        if frame.empty:
            return
        batch = _Batch(frame, self.columns)
        self.total.update(batch)
        ids, texts = frame["id"].tolist(), frame["text"].tolist()
        for name, ext in self.extremes.items():
            ext.update(batch.values[name], ids, texts)
        keys = {"source": frame["source"].to_numpy(dtype=object),
                "speaker": frame["speaker"].to_numpy(dtype=object),
                "role": frame["role"].to_numpy(dtype=object),
                "turn_position": _turn_positions(frame["turn"], frame["n_turns"])}
        for dim, key in keys.items():
            codes, names = _group_codes(key)
            groups = self.groups[dim]
            if len(names) == 1:  # the usual case (one source, no dialogue turns): no split needed
                parts = [(names[0], None)]
            else:  # rows of each group in input order, groups in order of first appearance
                order = np.argsort(codes, kind="stable")
                parts = list(zip(names, np.split(order, np.cumsum(np.bincount(codes))[:-1])))
            for value, rows in parts:
                if value not in groups and len(groups) >= MAX_GROUPS:
                    value = OTHER
                groups.setdefault(value, _GroupStats()).update(batch, rows)

    def summary(self) -> dict[str, Any]:
        """Statistics that need no second pass: moments, rates with Wilson intervals, breakdowns, extremes."""
        total = self.total.summary(self.columns, detail=True)
        scores = total["scores"]
        for name, ext in self.extremes.items():
            scores[name]["extremes"] = ext.summary()
        breakdowns: dict[str, Any] = {}
        for dim, groups in self.groups.items():
            if set(groups) <= {MISSING}:
                continue  # the dimension is absent from this corpus (e.g. speaker outside dialogues)
            ordered = sorted(groups.items(), key=lambda kv: (-kv[1].n, kv[0]))
            breakdowns[dim] = {k: g.summary(self.columns, detail=False) for k, g in ordered}
        return {"n": self.total.n, "scores": scores, "labels": total["labels"], "flags": total["flags"],
                "breakdowns": breakdowns}


def finish_scores(summary: dict[str, Any], column_passes: Callable[[str], Passes]) -> None:
    """Add quantiles and a histogram to each score summary, reading one column at a time in chunks.

    ``column_passes(name)`` gives a callable that yields that column's values (NaN = undefined) on every call;
    the figures equal ``np.quantile``/``np.histogram`` of the full column without holding it (report.quantiles).
    """
    for name, s in summary["scores"].items():
        if not s["n"]:
            s["quantiles"] = {f"p{round(q * 100):02d}": math.nan for q in QUANTILES}
            s["histogram"] = {"edges": [], "counts": []}
            continue
        passes = column_passes(name)
        qs = linear_quantiles(passes, QUANTILES, s["n"], s["min"], s["max"])
        s["quantiles"] = {f"p{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, qs)}
        counts, edges = histogram(passes, HIST_BINS, s["min"], s["max"])
        s["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}
