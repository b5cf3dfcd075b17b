"""The word lists hard debiasing needs (Bolukbasi et al. 2016): shipped in lexicons/debias/, or the user's own.

Only reads and validates lists; computes nothing. A list is JSON (the authors' shapes) or a ``.txt`` with one
word, or one pair separated by whitespace or a comma, per line (``#`` starts a comment).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from biasaudit.errors import InputError

Pair = tuple[str, str]
_SHIPPED = {"definitional": "definitional_pairs.json", "equalize": "equalize_pairs.json",
            "gender_specific": "gender_specific_full.json", "professions": "professions.json"}


@dataclass(frozen=True)
class DebiasLists:
    """Definitional pairs (define the direction), equalize pairs, gender-specific words (never neutralized),
    professions (DirectBias is measured over those not gender-specific); ``sources`` says where each came from."""

    definitional: tuple[Pair, ...]
    equalize: tuple[Pair, ...]
    gender_specific: frozenset[str]
    professions: tuple[str, ...]
    sources: dict[str, dict]


def _txt_entries(path: Path, text: str) -> list[tuple[int, list[str]]]:
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].replace(",", " ").strip()
        if line:
            out.append((lineno, line.split()))
    return out


def _json_entries(path: Path, text: str) -> list[tuple[int | None, list]]:
    try:
        data = json.loads(text)
    except ValueError as err:
        raise InputError(f"not valid JSON: {err}", file=str(path)) from None
    if not isinstance(data, list):
        raise InputError("expected a JSON list", file=str(path))
    return [(None, entry if isinstance(entry, list) else [entry]) for entry in data]


def _entries(path: Path) -> list[tuple[int | None, list]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read word list: {err}", file=str(path)) from None
    entries = _json_entries(path, text) if path.suffix.lower() == ".json" else _txt_entries(path, text)
    if not entries:
        raise InputError("the word list is empty", file=str(path))
    return entries


def _word(value, path: Path, line: int | None, index: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"entry {index + 1}: expected a non-empty word, got {value!r}", file=str(path), line=line)
    return value.strip()


def read_pairs(path: str | Path) -> tuple[Pair, ...]:
    path = Path(path)
    pairs = []
    for i, (line, entry) in enumerate(_entries(path)):
        if len(entry) != 2:
            raise InputError(f"entry {i + 1}: expected a pair of words, got {entry!r}", file=str(path), line=line)
        a, b = (_word(w, path, line, i) for w in entry)
        if a == b:
            raise InputError(f"entry {i + 1}: a pair needs two different words, got {a!r} twice", file=str(path),
                             line=line)
        pairs.append((a, b))
    return tuple(pairs)


def read_words(path: str | Path) -> tuple[str, ...]:
    """Words, one per entry; a JSON entry ``[word, score, ...]`` (professions.json) gives its first item."""
    path = Path(path)
    return tuple(dict.fromkeys(_word(entry[0] if entry else None, path, line, i)
                               for i, (line, entry) in enumerate(_entries(path))))


def load_debias_lists(*, definitional: str | Path | None = None, equalize: str | Path | None = None,
                      gender_specific: str | Path | None = None,
                      professions: str | Path | None = None) -> DebiasLists:
    """The four lists; each None is the shipped Bolukbasi et al. list."""
    from biasaudit.resources import lexicon_path, sha256_file

    given = {"definitional": definitional, "equalize": equalize, "gender_specific": gender_specific,
             "professions": professions}
    paths = {k: Path(v) if v is not None else lexicon_path("debias", _SHIPPED[k]) for k, v in given.items()}
    for name, path in paths.items():
        if not path.is_file():
            raise InputError(f"{name} word list not found", file=str(path))
    lists = {"definitional": read_pairs(paths["definitional"]), "equalize": read_pairs(paths["equalize"]),
             "gender_specific": read_words(paths["gender_specific"]), "professions": read_words(paths["professions"])}
    # Shipped files are hashed through the cache; a user's file is hashed afresh (it may change between calls).
    sources = {k: {"path": str(p) if given[k] is not None else f"lexicons/debias/{_SHIPPED[k]}",
                   "shipped": given[k] is None, "entries": len(lists[k]),
                   "sha256": sha256_file(p) if given[k] is None else sha256_file.__wrapped__(p)}
               for k, p in paths.items()}
    return DebiasLists(definitional=lists["definitional"], equalize=lists["equalize"],
                       gender_specific=frozenset(lists["gender_specific"]), professions=lists["professions"],
                       sources=sources)
