"""Run a set of analyzers over texts in batches and collect their columns.

The one place where analyzers meet batches; used by ``analyze()``, ``scan()`` and the filter hook alike.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from biasaudit.analyzers.base import Analyzer
from biasaudit.analyzers.registry import build_many
from biasaudit.errors import UsageError
from biasaudit.text.batch import TextBatch

DEFAULT_BATCH_SIZE = 1024


def run_batch(analyzers: Sequence[Analyzer], texts: Sequence[str]) -> dict[str, Any]:
    """Score one batch with every analyzer; return ``{column: values}`` checked for length and names."""
    batch = TextBatch(texts)
    out: dict[str, Any] = {}
    for analyzer in analyzers:
        cols = analyzer.analyze_batch(batch)
        for col in analyzer.columns:
            if col.name not in cols:
                raise RuntimeError(f"analyzer {analyzer.spec} did not return its column {col.name!r}")
            values = cols[col.name]
            if len(values) != len(batch):
                raise RuntimeError(f"analyzer {analyzer.spec} returned {len(values)} values for "
                                   f"{col.name!r}, expected {len(batch)}")
            out[col.name] = values
    return out


def column_frame(analyzers: Sequence[Analyzer], columns: dict[str, Any]) -> pd.DataFrame:
    """Columns as a DataFrame with stable dtypes (float64 scores, object labels, bool flags)."""
    return pd.DataFrame(column_data(analyzers, columns))


def column_data(analyzers: Sequence[Analyzer], columns: dict[str, Any]) -> dict[str, Any]:
    """``column_frame``'s columns as arrays, in order (for a frame that also holds other columns)."""
    data: dict[str, Any] = {}
    for analyzer in analyzers:
        for col in analyzer.columns:
            values = columns[col.name]
            if col.kind == "score":
                data[col.name] = np.asarray(values, dtype=np.float64)
            elif col.kind == "flag":
                data[col.name] = np.asarray(values, dtype=bool)
            else:
                data[col.name] = pd.array(list(values), dtype=object)
    return data


def analyze(texts: Iterable[str], analyzers: str | Sequence[str | Analyzer] | None = None, *,
            batch_size: int = DEFAULT_BATCH_SIZE, analyzer_options: dict[str, dict] | None = None,
            ) -> pd.DataFrame:
    """Score texts with analyzers; one row per input text, in order, one column per analyzer output.

    ``analyzers`` is ``"sentiment,linguistic_bias:henderson2018"``, a list of specs or instances, or None for
    the installed defaults. Non-string items raise ``UsageError`` naming the index.

    >>> analyze(["What a lovely day."], "sentiment")["vader_compound"].round(4).tolist()
    [0.5859]
    """
    if isinstance(texts, str):
        raise UsageError("analyze() takes a list of texts, not a single string")
    if batch_size < 1:
        raise UsageError(f"batch_size must be at least 1, got {batch_size}")
    built = build_many(analyzers, analyzer_options)
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise UsageError(f"text #{i} is {type(t).__name__}, expected str")
    frames = [column_frame(built, run_batch(built, texts[i:i + batch_size]))
              for i in range(0, len(texts), batch_size)]
    if not frames:
        return column_frame(built, {c.name: [] for a in built for c in a.columns})
    return pd.concat(frames, ignore_index=True)
