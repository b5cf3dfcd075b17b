"""Small, exact statistics the report and the audits share: Wilson intervals, streaming moments.

Pure functions on numbers; no I/O, no pandas, so every surface computes the same figures the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Z95 = 1.959963984540054  # two-sided 95% normal quantile


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n (Wilson 1927); (nan, nan) when n == 0."""
    if n <= 0:
        return (math.nan, math.nan)
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    lo = 0.0 if k == 0 else max(0.0, centre - half)  # exact endpoints: centre - half is ~1e-17 off at k == 0
    hi = 1.0 if k == n else min(1.0, centre + half)
    return (lo, hi)


def rate(k: int, n: int) -> dict[str, float | int]:
    """A rate with its Wilson 95% interval, as the report stores it."""
    lo, hi = wilson_interval(k, n)
    return {"count": int(k), "n": int(n), "rate": (k / n) if n else math.nan, "ci_low": lo, "ci_high": hi}


@dataclass
class Moments:
    """Streaming count, mean and sum of squared deviations (Chan et al. merge), ignoring NaN.

    Merging batch summaries in a fixed order gives the same result on every run.
    """

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    n_nan: int = 0
    min: float = math.inf
    max: float = -math.inf
    extra: dict = field(default_factory=dict)

    def update(self, values: np.ndarray) -> None:
        self.merge(batch_moments(values))

    def merge(self, batch: tuple[int, int, float, float, float, float]) -> None:
        """Add a ``batch_moments`` summary: the same as ``update`` with its values, so one batch summary can be
        merged into several accumulators (a scan's total and its breakdown groups) at the cost of one."""
        size, nb, mb, m2b, lo, hi = batch
        self.n_nan += size - nb
        if nb == 0:
            return
        n = self.n + nb
        delta = mb - self.mean
        self.mean += delta * nb / n
        self.m2 += m2b + delta * delta * self.n * nb / n
        self.n = n
        self.min = min(self.min, lo)
        self.max = max(self.max, hi)

    def std(self, ddof: int = 1) -> float:
        return math.sqrt(self.m2 / (self.n - ddof)) if self.n > ddof else math.nan


def batch_moments(values: np.ndarray) -> tuple[int, int, float, float, float, float]:
    """(values, finite values, their mean, sum of squared deviations, min, max) of one batch, for ``Moments``."""
    values = np.asarray(values, dtype=np.float64)
    finite = values[~np.isnan(values)]
    nb = int(finite.size)
    if nb == 0:
        return int(values.size), 0, math.nan, math.nan, math.nan, math.nan
    mb = float(finite.mean())
    return int(values.size), nb, mb, float(((finite - mb) ** 2).sum()), float(finite.min()), float(finite.max())
