"""Corpus input: ``iter_records`` streams Record | Rejected from JSONL, dialogue JSONL, ConvoKit, CSV/TSV,
Parquet, plain text and saved Hugging Face datasets; ``example_path`` locates the bundled example corpus.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from biasaudit.errors import UsageError
from biasaudit.io.readers import FORMATS, iter_records
from biasaudit.io.records import RECORD_COLUMNS, Record, Rejected
from biasaudit.io.stats import ReadStats, SourceStats

EXAMPLES = ("dialogues",)


def example_path(name: str = "dialogues") -> Path:
    """Path of a bundled example corpus (``dialogues``: ~40 dialogue-format conversations, CC0-1.0)."""
    if name not in EXAMPLES:
        raise UsageError(f"no example corpus {name!r}; expected one of {', '.join(EXAMPLES)}")
    return Path(str(resources.files("biasaudit.examples").joinpath(f"{name}.jsonl")))


__all__ = ["FORMATS", "RECORD_COLUMNS", "ReadStats", "Record", "Rejected", "SourceStats", "example_path",
           "iter_records"]
