"""VADER polarity for a list of texts: vaderSentiment 2.5's scores, computed by its faster port.

The scores are the vaderSentiment package's own, to the bit (biasaudit/text/fast_vader.py explains how and
tests/test_fast_vader.py checks it); the package supplies the lexicon and constants and stays the reference.

Why 2.5: the Hutto et al. (2015) coefficients were fitted on its compounds and Henderson et al. (2018) used it;
3.x changes the compound of ~8% of their inputs. Shared by the sentiment and linguistic-bias analyzers.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version

import numpy as np

#: Column order of the array ``polarity`` returns.
POLARITY_KEYS = ("compound", "pos", "neu", "neg")
SHARED_KEY = "vader_polarity"


@lru_cache(maxsize=1)
def _analyzer():
    from biasaudit.text.fast_vader import FastVader

    return FastVader()


def vader_version() -> str:
    try:
        return version("vaderSentiment")
    except PackageNotFoundError:  # pragma: no cover - it is a hard dependency
        return "unknown"


def polarity(texts: list[str]) -> np.ndarray:
    """Return an ``(n, 4)`` float array of compound, pos, neu, neg, one row per text."""
    return np.array(_analyzer().polarity_many(texts), dtype=np.float64).reshape(len(texts), len(POLARITY_KEYS))


def batch_polarity(batch) -> np.ndarray:
    """``polarity`` of a ``TextBatch``, computed once per batch and shared between analyzers."""
    return batch.shared(SHARED_KEY, polarity)
