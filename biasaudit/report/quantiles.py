"""Exact quantiles and histogram of a column read in chunks, in bounded memory (no full copy of the column).

``np.quantile`` sorts the whole column; it only needs the few order statistics it interpolates between. They are
found by histogram refinement: a pass counts the values per bin, the next pass keeps only the values of the bins
that hold a wanted rank (or splits such a bin again while it is too full). The order statistics are then combined
with NumPy's own 'linear' rule, so every figure equals ``np.quantile``/``np.histogram`` on the full column, bit
for bit (tests/test_quantiles.py checks this). Memory: one chunk plus at most ``max_kept`` values per wanted rank.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: A pass over the column: each call yields its values again, in chunks (NaN = undefined, skipped).
Passes = Callable[[], Iterable[np.ndarray]]

SPLIT_BINS = 4096
MAX_KEPT = 1 << 17  # values kept per wanted rank (1 MiB of float64)
MAX_LEVELS = 8  # splits of one bin before its values are kept whatever their number (only for pathological data)


def _finite(passes: Passes) -> Iterable[np.ndarray]:
    for chunk in passes():
        chunk = np.asarray(chunk, dtype=np.float64)
        yield chunk[~np.isnan(chunk)]


@dataclass
class _Slot:
    """The values ``lo <= v < hi`` (``v <= hi`` when ``closed``), ``below`` values lie under it, ``n`` in it."""

    lo: float
    hi: float
    closed: bool
    below: int
    n: int
    level: int = 0

    def select(self, v: np.ndarray) -> np.ndarray:
        return v[(v >= self.lo) & ((v <= self.hi) if self.closed else (v < self.hi))]


def _bins(lo: float, hi: float, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges of SPLIT_BINS equal bins over [lo, hi] and each value's bin (lo <= v <= hi)."""
    edges = np.linspace(lo, hi, SPLIT_BINS + 1)
    return edges, np.minimum(np.searchsorted(edges, v, side="right") - 1, SPLIT_BINS - 1)


def order_statistics(passes: Passes, ranks: Iterable[int], n: int, lo: float, hi: float, *,
                     max_kept: int = MAX_KEPT) -> dict[int, float]:
    """The values at 0-based ``ranks`` of the sorted finite values (``n`` of them, between ``lo`` and ``hi``)."""
    found: dict[int, float] = {}
    slots = {(lo, hi, True): (_Slot(lo, hi, True, 0, n), sorted(set(ranks)))}
    while slots:
        kept = {key: [] for key, (slot, _) in slots.items() if slot.n <= max_kept or slot.level >= MAX_LEVELS}
        split = {key: (np.zeros(SPLIT_BINS, dtype=np.int64), [np.inf, -np.inf]) for key in slots if key not in kept}
        for v in _finite(passes):
            for key, (slot, _) in slots.items():
                inside = slot.select(v)
                if key in kept:
                    kept[key].append(inside)
                elif inside.size:
                    counts, span = split[key]
                    counts += np.bincount(_bins(slot.lo, slot.hi, inside)[1], minlength=SPLIT_BINS)
                    span[0], span[1] = min(span[0], inside.min()), max(span[1], inside.max())
        following = {}
        for key, (slot, wanted) in slots.items():
            if key in kept:
                values = np.sort(np.concatenate(kept[key]))
                found.update({r: float(values[r - slot.below]) for r in wanted})
                continue
            counts, (vmin, vmax) = split[key]
            if vmin == vmax:  # one value fills the bin: every wanted rank in it is that value
                found.update({r: float(vmin) for r in wanted})
                continue
            edges = np.linspace(slot.lo, slot.hi, SPLIT_BINS + 1)
            starts = slot.below + np.concatenate(([0], np.cumsum(counts)))
            for r in wanted:
                b = int(np.searchsorted(starts, r, side="right") - 1)
                sub = (float(edges[b]), float(edges[b + 1]), slot.closed and b == SPLIT_BINS - 1)
                entry = following.setdefault(sub, (_Slot(*sub, int(starts[b]), int(counts[b]), slot.level + 1), []))
                entry[1].append(r)
        slots = following
    return found


def linear_quantiles(passes: Passes, qs: Sequence[float], n: int, lo: float, hi: float, *,
                     max_kept: int = MAX_KEPT) -> np.ndarray:
    """``np.quantile(finite_values, qs)`` (method 'linear') without holding the values; ``n`` >= 1."""
    q = np.asarray(qs, dtype=np.float64)
    virtual = (n - 1) * q  # NumPy's virtual index, then its neighbours and its lerp, step by step
    previous = np.floor(virtual)
    at_end = virtual >= n - 1
    previous[at_end] = n - 1
    following = np.where(at_end, n - 1, previous + 1)
    stats = order_statistics(passes, (int(i) for i in np.concatenate((previous, following))), n, lo, hi,
                             max_kept=max_kept)
    a = np.array([stats[int(i)] for i in previous])
    b = np.array([stats[int(i)] for i in following])
    gamma = virtual - np.where(at_end, -1.0, previous)  # NumPy points past-the-end indices at -1
    diff = b - a
    out = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


def histogram(passes: Passes, bins: int, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(finite_values, bins)`` summed chunk by chunk over the full column's range [lo, hi]."""
    counts = np.zeros(bins, dtype=np.int64)
    edges = None
    for v in _finite(passes):
        c, edges = np.histogram(v, bins=bins, range=(lo, hi))
        counts += c
    if edges is None:
        edges = np.histogram(np.empty(0), bins=bins, range=(lo, hi))[1]
    return counts, edges
