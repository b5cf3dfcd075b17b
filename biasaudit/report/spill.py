"""A float column spilled to a temporary file while a stream is read, for exact statistics at its end.

Holding every score of a stream (8 bytes per record) makes memory grow with the corpus. Appending the values to
an anonymous temporary file and re-reading it in chunks gives the very numbers NumPy gives on the whole column in
memory: quantiles through ``report.quantiles``, counts chunk by chunk, and the mean in NumPy's own pairwise
summation order (``pairwise_sum``). tests/test_spill.py checks them against NumPy bit for bit.
"""
from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from biasaudit.report.quantiles import linear_quantiles

CHUNK = 1 << 16  # values per read (512 KiB)
_BLOCK = 128  # NumPy's pairwise-summation block (PW_BLOCKSIZE): ranges up to it are summed in one loop


def pairwise_sum(read: Callable[[int, int], np.ndarray], start: int, n: int, leaf: int = CHUNK) -> float:
    """``np.sum`` of the ``n`` values from ``start`` (``read(start, n)`` returns them), reading at most ``leaf``.

    NumPy sums a contiguous float64 array by halving it (the first half a multiple of 8 long) down to blocks of
    128; splitting the same way, then letting NumPy sum each range of at most ``leaf`` values, repeats every
    addition in the same order.
    """
    if n <= max(leaf, _BLOCK):
        return float(np.add.reduce(read(start, n)))
    half = n // 2
    half -= half % 8
    return pairwise_sum(read, start, half, leaf) + pairwise_sum(read, start + half, n - half, leaf)


class SpilledColumn:
    """The non-NaN values of a float column, appended batch by batch to a temporary file (deleted on close)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="biasaudit-column-")  # noqa: SIM115 (kept open: appended to)
        self.n = 0
        self.lo, self.hi = math.inf, -math.inf

    def append(self, values: Sequence[float] | np.ndarray) -> None:
        v = np.asarray(values, dtype=np.float64)
        v = v[~np.isnan(v)]
        if not v.size:
            return
        self._file.seek(0, 2)
        self._file.write(v.tobytes())
        self.n += v.size
        self.lo, self.hi = min(self.lo, float(v.min())), max(self.hi, float(v.max()))

    def read(self, start: int, count: int) -> np.ndarray:
        """``count`` values from position ``start``."""
        self._file.seek(start * 8)
        return np.frombuffer(self._file.read(count * 8), dtype=np.float64)

    def chunks(self) -> Iterator[np.ndarray]:
        """Every value, in order, ``CHUNK`` at a time."""
        for start in range(0, self.n, CHUNK):
            yield self.read(start, min(CHUNK, self.n - start))

    def mean(self) -> float:
        """``values.mean()`` of the whole column (NaN when empty)."""
        return pairwise_sum(self.read, 0, self.n) / self.n if self.n else math.nan

    def quantiles(self, qs: Sequence[float]) -> list[float]:
        """``np.quantile(values, q)`` for each q (the column must not be empty)."""
        return [float(v) for v in linear_quantiles(self.chunks, qs, self.n, self.lo, self.hi)]

    def count(self, test: Callable[[np.ndarray], np.ndarray]) -> int:
        """How many values ``test`` (vectorised, returning booleans) accepts."""
        return sum(int(test(chunk).sum()) for chunk in self.chunks())

    def close(self) -> None:
        self._file.close()
