"""Lazy, cached loading of Pattern 2.6's English tagger data (lexicons/pattern_en/, BSD-3, see its README).

Reads the files once per process into plain dicts and lists; must not modify, pickle or download anything.
"""
from __future__ import annotations

from functools import lru_cache

from biasaudit.resources import lexicon_path

_COMMENT = ";;;"


def _lines(name: str) -> list[str]:
    """Non-empty, stripped, non-comment lines, as Pattern's ``_read`` yields them."""
    with open(lexicon_path("pattern_en", name), encoding="utf-8-sig") as fh:
        stripped = (line.strip() for line in fh)
        return [line for line in stripped if line and not line.startswith(_COMMENT)]


@lru_cache(maxsize=1)
def lexicon() -> dict[str, str]:
    """Known word -> most frequent tag. Pattern keeps the first two space-separated fields; later lines win."""
    out: dict[str, str] = {}
    for line in _lines("en-lexicon.txt"):
        fields = line.split(" ")
        out[fields[0]] = fields[1]
    return out


@lru_cache(maxsize=1)
def morphology() -> list[list[str]]:
    """Brill lexical rules for unknown words, whitespace-split, in file order."""
    return [line.split() for line in _lines("en-morphology.txt")]


@lru_cache(maxsize=1)
def context() -> list[list[str]]:
    """Brill contextual rules, whitespace-split, in file order."""
    return [line.split() for line in _lines("en-context.txt")]


@lru_cache(maxsize=1)
def entities() -> dict[str, list[list[str]]]:
    """First word (lower-cased) -> the lower-cased word lists of the entities starting with it, in file order."""
    out: dict[str, list[list[str]]] = {}
    for line in _lines("en-entities.txt"):
        words = [w.lower() for w in line.split()]
        out.setdefault(words[0], []).append(words)
    return out


@lru_cache(maxsize=1)
def verbs() -> tuple[frozenset[str], dict[str, str]]:
    """(infinitives, inflected form -> infinitive). Later lines overwrite earlier ones, as in Pattern."""
    infinitives: set[str] = set()
    inverse: dict[str, str] = {}
    for line in _lines("en-verbs.txt"):
        forms = line.split(",")
        infinitive = forms[0]
        infinitives.add(infinitive)
        for form in forms:
            if form:
                inverse[form] = infinitive
    return frozenset(infinitives), inverse
