"""``biasaudit.report.stats.Moments.update`` as it was before the Aggregator shared whole-batch summaries between
groups (main at d9c39aa): the oracle that the refactored ``Moments.merge(batch_moments(...))`` must equal."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np


def moments_reference() -> SimpleNamespace:
    state = SimpleNamespace(n=0, mean=0.0, m2=0.0, n_nan=0, min=math.inf, max=-math.inf)

    def update(values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        finite = values[~np.isnan(values)]
        state.n_nan += int(values.size - finite.size)
        if finite.size == 0:
            return
        nb = int(finite.size)
        mb = float(finite.mean())
        m2b = float(((finite - mb) ** 2).sum())
        n = state.n + nb
        delta = mb - state.mean
        state.mean += delta * nb / n
        state.m2 += m2b + delta * delta * state.n * nb / n
        state.n = n
        state.min = min(state.min, float(finite.min()))
        state.max = max(state.max, float(finite.max()))

    state.update = update
    return state
