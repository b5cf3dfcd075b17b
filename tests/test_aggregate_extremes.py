"""The report's extremes: the k lowest and highest values of a score over a stream of batches, earlier records
first among ties, equal to sorting the whole column (the partition shortcut must pick the same records)."""
from __future__ import annotations

import numpy as np
import pytest

from biasaudit.report.aggregate import Extremes, _smallest


def _batches(rng: np.random.Generator, n_batches: int) -> list[np.ndarray]:
    out = []
    for _ in range(n_batches):
        size = int(rng.integers(0, 40))
        kind = rng.integers(0, 3)
        if kind == 0:  # heavy ties, as sentiment's 0.0 on neutral text
            values = rng.choice([0.0, -0.0, 0.5, -0.5, 1.0], size=size)
        elif kind == 1:
            values = rng.normal(size=size).round(1)
        else:
            values = rng.normal(size=size)
        values[rng.random(size) < 0.1] = np.nan
        values[rng.random(size) < 0.03] = np.inf
        out.append(values)
    return out


@pytest.mark.parametrize("seed", range(30))
def test_smallest_is_the_head_of_a_stable_sort(seed):
    rng = np.random.default_rng(seed)
    for values in _batches(rng, 20):
        values = values[~np.isnan(values)]
        for k in (1, 3, 5, 50):
            expected = np.argsort(values, kind="stable")[:k]
            assert sorted(_smallest(values, k).tolist()) == sorted(expected.tolist())


@pytest.mark.parametrize("seed", range(30))
def test_extremes_equal_a_sort_of_the_whole_stream(seed):
    rng = np.random.default_rng(seed)
    ext = Extremes(k=3)
    everything = []  # (value, position in the stream, id)
    for values in _batches(rng, 25):
        ids = [f"r{len(everything) + i}" for i in range(len(values))]
        texts = [f"text {i}" for i in ids]
        ext.update(values, ids, texts)
        everything += [(float(v), len(everything) + i, ids[i]) for i, v in enumerate(values)]
    finite = [e for e in everything if not np.isnan(e[0])]
    lowest = sorted(finite, key=lambda e: (e[0], e[1]))[:3]
    highest = sorted(finite, key=lambda e: (-e[0], e[1]))[:3]
    got = ext.summary()
    assert [(r["id"], r["value"]) for r in got["lowest"]] == [(e[2], e[0]) for e in lowest]
    assert [(r["id"], r["value"]) for r in got["highest"]] == [(e[2], e[0]) for e in highest]
