"""Counterfactual word lists (lexicons/cda): aligned rows of group counterparts, per attribute.

Loads and validates user-editable YAML; it must not touch text. Terms are keyed by ``normalise_term`` (lower case,
spaces and hyphens collapsed), the same key the identity lexicon uses.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from biasaudit.audits.identity import normalise_term
from biasaudit.errors import InputError, UsageError
from biasaudit.resources import lexicon_path, load_yaml, sha256_tree, yaml_files

#: Possessive determiners: a word listed in two rows of one group must be one of these, and grammar picks the
#: row (the one whose counterpart is a determiner before a noun, the other one elsewhere).
POSSESSIVE_DETERMINERS = frozenset(("his", "her", "their", "my", "your", "our", "its"))
_LIST_KEYS = ("rows", "adjective_rows", "names")
_KNOWN_KEYS = {"attribute", "identity_family", "groups", "nouns", "one_way", "title_only", "keep", *_LIST_KEYS}


@dataclass(frozen=True)
class Term:
    """Where a matched word sits: its list (``rows``, ``adjective_rows``, ``names``, ``one_way``), row, group."""

    kind: str
    row: int
    group: int
    form: str  # as written in the lexicon (tells whether a capital is the word's own, e.g. "Muslim")


@dataclass
class Attribute:
    """One attribute's counterparts. ``rows[kind][r][g]`` is group g's word in row r of that kind."""

    name: str
    groups: tuple[str, ...]
    identity_family: str | None = None
    rows: dict[str, list[tuple[str, ...]]] = field(default_factory=lambda: {k: [] for k in _LIST_KEYS})
    one_way: dict[str, str] = field(default_factory=dict)
    nouns: tuple[str, ...] = ()
    title_only: frozenset[str] = frozenset()
    keep: tuple[str, ...] = ()
    terms: dict[str, list[Term]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def counterpart(self, term: Term, shift: int) -> str:
        """The word replacing ``term`` when every group moves ``shift`` places along ``groups``."""
        if term.kind == "one_way":
            return self.one_way[normalise_term(term.form)]
        return self.rows[term.kind][term.row][(term.group + shift) % self.n_groups]

    def is_ambiguous(self, key: str) -> bool:
        return len(self.terms.get(key, ())) > 1

    def info(self) -> dict[str, Any]:
        return {"groups": list(self.groups), "identity_family": self.identity_family,
                "rows": {k: len(v) for k, v in self.rows.items()}, "one_way": len(self.one_way),
                "keep": len(self.keep), "files": self.files}



@dataclass(frozen=True)
class CDALexicon:
    """Every attribute of a lexicon folder, where it came from and its sha256."""

    attributes: dict[str, Attribute]
    source: str
    sha256: str

    @classmethod
    def load(cls, path: str | Path | None = None) -> CDALexicon:
        """The shipped lists (``lexicons/cda``), or a user's folder of ``*.yaml`` files (or one file)."""
        return _load_default() if path is None else _load(Path(path))

    def select(self, names: Sequence[str]) -> list[Attribute]:
        """The named attributes, in the order given; UsageError naming the available ones otherwise."""
        if not names:
            raise UsageError("no attribute selected; expected one or more of " + ", ".join(self.attributes))
        out = []
        for name in names:
            if name not in self.attributes:
                raise UsageError(f"unknown attribute {name!r}; expected one of {', '.join(self.attributes)} "
                                 f"(lexicon {self.source})")
            out.append(self.attributes[name])
        return out

    def info(self, names: Sequence[str] | None = None) -> dict[str, Any]:
        chosen = names or list(self.attributes)
        return {"source": self.source, "sha256": self.sha256,
                "attributes": {n: self.attributes[n].info() for n in chosen}}


@lru_cache(maxsize=1)
def _load_default() -> CDALexicon:
    return _load(lexicon_path("cda"))


def _load(path: Path) -> CDALexicon:
    files = yaml_files(path, "CDA")
    attributes: dict[str, Attribute] = {}
    for file in files:
        _add_file(attributes, file)
    for attr in attributes.values():
        _index(attr)
    return CDALexicon(attributes, str(path), sha256_tree(path))


def _words(value: Any, file: str, where: str, *, length: int | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise InputError("expected a list of words", file=file, field=where)
    if length is not None and len(value) != length:
        raise InputError(f"expected {length} words (one per group), got {len(value)}", file=file, field=where)
    return tuple(w.strip() for w in value)


def _add_file(attributes: dict[str, Attribute], path: Path) -> None:
    file = str(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML: {err}", file=file) from None
    if not isinstance(data, dict) or not isinstance(data.get("attribute"), str):
        raise InputError("expected a mapping with 'attribute' and 'groups'", file=file)
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise InputError(f"unknown keys {sorted(unknown)}; expected some of {sorted(_KNOWN_KEYS)}", file=file)
    name = data["attribute"]
    groups = _words(data.get("groups"), file, "groups")
    if len(groups) < 2:
        raise InputError("expected at least two groups", file=file, field="groups")
    attr = attributes.setdefault(name, Attribute(name, groups))
    if attr.groups != groups:
        raise InputError(f"groups {list(groups)} differ from {list(attr.groups)} in {attr.files[0]}",
                         file=file, field="groups")
    attr.files.append(path.name)
    attr.identity_family = data.get("identity_family", attr.identity_family)
    k = len(groups)
    for key in _LIST_KEYS:
        for i, row in enumerate(data.get(key) or []):
            attr.rows[key].append(_words(row, file, f"{key}[{i}]", length=k))
    if attr.rows["names"] and k != 2:
        raise InputError("names need exactly two groups", file=file, field="names")
    for i, pair in enumerate(data.get("one_way") or []):
        if k != 2:
            raise InputError("one_way needs exactly two groups", file=file, field="one_way")
        src, dst = _words(pair, file, f"one_way[{i}]", length=2)
        attr.one_way[normalise_term(src)] = dst
    attr.nouns += _words(data.get("nouns") or [], file, "nouns")
    if attr.rows["adjective_rows"] and not attr.nouns:
        raise InputError("adjective_rows need 'nouns' (the words they must stand before)", file=file)
    attr.title_only |= {normalise_term(w) for w in _words(data.get("title_only") or [], file, "title_only")}
    attr.keep += _words(data.get("keep") or [], file, "keep")


def _index(attr: Attribute) -> None:
    """``terms[key]`` for every word; refuses a word in two places unless grammar can tell them apart."""
    for kind in _LIST_KEYS:
        for r, row in enumerate(attr.rows[kind]):
            for g, word in enumerate(row):
                attr.terms.setdefault(normalise_term(word), []).append(Term(kind, r, g, word))
    for src in attr.one_way:
        if src in attr.terms:
            raise InputError(f"one_way word {src!r} is also in a two-way row", file=attr.files[0], field="one_way")
        attr.terms[src] = [Term("one_way", -1, 1, src)]
    for key, places in attr.terms.items():
        if len(places) == 1:
            continue
        same_group = len({p.group for p in places}) == 1 and all(p.kind == "rows" for p in places)
        if not (same_group and len(places) == 2 and key in POSSESSIVE_DETERMINERS and attr.n_groups == 2):
            raise InputError(f"{key!r} is listed {len(places)} times; a word may appear twice only if it is a "
                             "possessive determiner (his/her) whose two rows grammar tells apart",
                             file=attr.files[0])
        dets = [attr.counterpart(p, 1).lower() in POSSESSIVE_DETERMINERS for p in places]
        if sorted(dets) != [False, True]:
            raise InputError(f"{key!r}: of its two counterparts exactly one must be a possessive determiner "
                             f"(got {[attr.counterpart(p, 1) for p in places]})", file=attr.files[0])
    for word in attr.title_only:
        if word not in attr.terms:
            raise InputError(f"title_only word {word!r} is not in any row", file=attr.files[0], field="title_only")
