"""WEAT test definitions: the 10 shipped Caliskan et al. (2017) tests and user tests from YAML/JSON files.

Only reads and validates word sets; it computes nothing and never looks up vectors.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from biasaudit.errors import InputError, UsageError

_ROLES = ("target1", "target2", "attribute1", "attribute2")


@dataclass(frozen=True)
class WeatTest:
    """Two target sets (X, Y) and two attribute sets (A, B), each with a display name and its words."""

    name: str
    target1_name: str
    target1_words: tuple[str, ...]
    target2_name: str
    target2_words: tuple[str, ...]
    attribute1_name: str
    attribute1_words: tuple[str, ...]
    attribute2_name: str
    attribute2_words: tuple[str, ...]
    description: str = ""

    def word_sets(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        """role -> (name, words), roles in the order target1, target2, attribute1, attribute2."""
        return {role: (getattr(self, f"{role}_name"), getattr(self, f"{role}_words")) for role in _ROLES}

    def all_words(self) -> set[str]:
        return {w for _, words in self.word_sets().values() for w in words}


def shipped_tests_path() -> Path:
    from biasaudit.resources import lexicon_path

    return lexicon_path("weat", "caliskan2017.json")


def _read_file(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read tests file: {err.strerror}", file=str(path)) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise InputError(f"not valid YAML: {err}", file=str(path)) from None
    try:
        return json.loads(text)
    except ValueError as err:
        raise InputError(f"not valid JSON: {err}", file=str(path)) from None


def _parse_test(raw: object, index: int, file: str) -> WeatTest:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise InputError(f"test #{index + 1} needs a mapping with a non-empty 'name'", file=file)
    fields = {"name": raw["name"].strip(), "description": str(raw.get("description") or "")}
    for role in _ROLES:
        entry = raw.get(role)
        where = f"{fields['name']}.{role}"
        if not isinstance(entry, dict) or not isinstance(entry.get("words"), list):
            raise InputError("needs {name: ..., words: [...]}", file=file, field=where)
        words = entry["words"]
        if not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise InputError("words must be a non-empty list of non-empty strings", file=file, field=where)
        fields[f"{role}_name"] = str(entry.get("name") or role)
        fields[f"{role}_words"] = tuple(w.strip() for w in words)
    return WeatTest(**fields)


def read_tests(path: str | Path) -> list[WeatTest]:
    """Every test in a YAML/JSON file: a list of tests or ``{"tests": [...]}`` (schema: lexicons/weat/README.md)."""
    path = Path(path)
    data = _read_file(path)
    if isinstance(data, dict) and "tests" in data:
        data = data["tests"]
    if not isinstance(data, list) or not data:
        raise InputError("expected a non-empty list of tests (or {'tests': [...]})", file=str(path))
    tests = [_parse_test(raw, i, str(path)) for i, raw in enumerate(data)]
    seen: set[str] = set()
    for test in tests:
        if test.name in seen:
            raise InputError(f"test name {test.name!r} appears twice", file=str(path))
        seen.add(test.name)
    return tests


def load_tests(names: Sequence[str] | None = None, path: str | Path | None = None) -> list[WeatTest]:
    """Tests by name from ``path`` (default: the 10 shipped Caliskan tests). None or "all" = every test."""
    tests = read_tests(path if path is not None else shipped_tests_path())
    if names is None or list(names) == ["all"] or not names:
        return tests
    by_name = {t.name.lower(): t for t in tests}
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        raise UsageError(f"unknown WEAT test(s) {', '.join(unknown)}; available: {', '.join(t.name for t in tests)}")
    return [by_name[n.lower()] for n in names]
