"""Mask profanities and slurs in corpus text shown to people (reports, dashboard), word by word.

Views only: scores, report.json and records.parquet keep the original text. The term list is stored as digests.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from biasaudit.resources import lexicon_path

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@lru_cache(maxsize=1)
def _digests() -> frozenset[str]:
    lines = lexicon_path("masking", "terms.sha256").read_text(encoding="ascii").split()
    return frozenset(lines)


@lru_cache(maxsize=65536)
def is_masked_term(word: str) -> bool:
    """True when the lower-cased word is on the masking list."""
    return hashlib.sha256(word.lower().encode("utf-8")).hexdigest() in _digests()


def mask_word(word: str) -> str:
    return word[0] + "*" * (len(word) - 1)


def mask_text(text: str) -> str:
    """``text`` with every listed word replaced by its first letter and asterisks; the rest untouched."""
    return _WORD.sub(lambda m: mask_word(m.group()) if is_masked_term(m.group()) else m.group(), text)
