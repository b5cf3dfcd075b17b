"""VADER polarity for a list of texts, through the vaderSentiment package (pinned to 2.5).

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
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_version() -> str:
    try:
        return version("vaderSentiment")
    except PackageNotFoundError:  # pragma: no cover - it is a hard dependency
        return "unknown"


def polarity(texts: list[str]) -> np.ndarray:
    """Return an ``(n, 4)`` float array of compound, pos, neu, neg, one row per text."""
    scorer = _analyzer().polarity_scores
    out = np.empty((len(texts), 4), dtype=np.float64)
    for i, text in enumerate(texts):
        s = scorer(text)
        out[i] = (s["compound"], s["pos"], s["neu"], s["neg"])
    return out


def batch_polarity(batch) -> np.ndarray:
    """``polarity`` of a ``TextBatch``, computed once per batch and shared between analyzers."""
    return batch.shared(SHARED_KEY, polarity)
