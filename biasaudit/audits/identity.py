"""Identity-term lexicon: which records mention which social group, and swapping one group term for another.

Whole-word matching of a user-editable word list; it must not guess senses, score texts or hold corpus text.
"""
from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import yaml

from biasaudit.errors import InputError
from biasaudit.resources import lexicon_path, load_yaml, sha256_tree, yaml_files

_SEP = re.compile(r"[\s\-]+")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def normalise_term(term: str) -> str:
    """The key a term or a matched span is compared by: lower case, spaces and hyphens collapsed to one space."""
    return _SEP.sub(" ", term.strip().lower())


def term_regex(terms: Iterable[str]) -> str:
    """One regex matching any of ``terms`` as a whole word (longest first; space/hyphen match either)."""
    keys = sorted({normalise_term(t) for t in terms if t.strip()}, key=lambda k: (-len(k), k))
    alts = [r"[\s\-]+".join(re.escape(part) for part in key.split(" ")) for key in keys]
    if not alts:
        return r"(?!x)x"
    # The first-character lookahead lets the engine skip most positions quickly (about 2x faster).
    firsts = "".join(re.escape(c) for c in sorted({k[0] for k in keys}))
    return r"(?<!\w)(?=[" + firsts + r"])(?:" + "|".join(alts) + r")(?!\w)"


def indefinite_article(word: str) -> str:
    """'a' or 'an' before ``word`` (spelling rule with the usual exceptions; enough for group adjectives)."""
    w = word.strip().lower()
    if w.startswith(("eu", "uni", "use", "usu", "one", "uk")):
        return "a"
    return "an" if w[:1] in tuple("aeiou") or w.startswith(("hour", "honest", "heir")) else "a"


def substitute(text: str, core_regex: str, replacement: str) -> str:
    """Replace every match of ``core_regex`` in ``text`` by ``replacement``, fixing a preceding a/an.

    Keeps the original's capitalisation (``Muslim`` -> ``Jewish``, ``muslim`` -> ``jewish``, sentence start
    capitalised). Used for counterfactual records and for filling templates at their ``{}``.
    """
    pattern = re.compile(r"(?:(?<!\w)(a|an)(\s+))?(" + core_regex + ")", re.IGNORECASE)

    def repl(m: re.Match) -> str:
        core = m.group(3)
        new = replacement
        if core[:1].isupper() or (not core[:1].isalpha() and m.start(3) == 0):
            new = new[:1].upper() + new[1:]
        elif core[:1].islower() and not replacement[:1].isupper():
            new = new[:1].lower() + new[1:]
        if m.group(1) is None:
            return new
        article = indefinite_article(new)
        if m.group(1)[:1].isupper():
            article = article.capitalize()
        return article + m.group(2) + new

    return pattern.sub(repl, text)


@dataclass(frozen=True, eq=False)
class IdentityLexicon:
    """Group families (gender, religion, ...), their subgroups, mention terms and swap adjectives.

    ``groups[family][subgroup]`` are the mention terms; ``swaps[family][subgroup]`` the swap adjectives.
    """

    groups: Mapping[str, Mapping[str, tuple[str, ...]]]
    swaps: Mapping[str, Mapping[str, tuple[str, ...]]]
    source: str
    sha256: str

    def __post_init__(self) -> None:
        # Read-only views: the shipped lexicon is one cached instance shared by every caller.
        for name in ("groups", "swaps"):
            frozen = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in getattr(self, name).items()})
            object.__setattr__(self, name, frozen)

    @classmethod
    def load(cls, path: str | Path | None = None) -> IdentityLexicon:
        """The shipped lexicon (``lexicons/identity``), or a user's folder of ``*.yaml`` files or one file."""
        if path is None:
            return _load_default()
        return _load(Path(path))

    @property
    def columns(self) -> list[str]:
        """Column names of ``mentions``: each family, then ``family/subgroup`` for its subgroups."""
        cols = []
        for family, subs in self.groups.items():
            cols.append(family)
            cols.extend(f"{family}/{sub}" for sub in subs)
        return cols

    def mentions(self, texts: Sequence[str] | pd.Series) -> pd.DataFrame:
        """Boolean frame, one row per text and one column per family and ``family/subgroup``.

        Case-insensitive whole-word matching; missing texts mention nothing. Keeps a Series' index.
        """
        s = pd.Series(texts, dtype=object) if not isinstance(texts, pd.Series) else texts
        return pd.DataFrame(self._mention_matrix(_plain_texts(s)), index=s.index, columns=self.columns)

    def _mention_matrix(self, values: list[str]) -> np.ndarray:
        """``mentions`` of plain strings as a ``(len(values), len(columns))`` bool array."""
        plan, any_first, families_of, regex_only = self._plan
        out = np.zeros((len(values), len(self.columns)), dtype=bool)
        every = range(len(plan))
        for i, text in enumerate(values):
            # An ASCII text's first words of any term, found in one pass over its words: only the families
            # whose terms start with one of them can match (plus those the shortcut cannot prove, by regex).
            words = _ascii_words(text, any_first)
            if words is None:
                families = every
            elif words[1]:
                families = regex_only.union(*map(families_of.__getitem__, words[1]))
            elif regex_only:
                families = regex_only
            else:
                continue
            for j in families:
                matcher, family_col, first_sub_col = plan[j]
                for match in matcher.findall(text, words):
                    subs = matcher.subgroups_of(match)
                    if subs:
                        out[i, family_col] = True
                        out[i, [first_sub_col + k for k in subs]] = True
        return out

    @cached_property
    def _plan(self) -> tuple[list[tuple[_FamilyMatcher, int, int]], frozenset[bytes], dict[bytes, frozenset[int]],
                             frozenset[int]]:
        """Per family (its matcher, its column, its first subgroup's column); every family's first words; the
        families each first word belongs to; the families without first words (always matched by regex)."""
        plan, families_of, col = [], {}, 0
        for j, matcher in enumerate(self._matchers.values()):
            plan.append((matcher, col, col + 1))
            col += 1 + len(matcher.subgroups)
            for word in matcher.first_words or ():
                families_of[word] = families_of.get(word, frozenset()) | {j}
        regex_only = frozenset(j for j, (m, _, _) in enumerate(plan) if m.first_words is None)
        return plan, frozenset(families_of), families_of, regex_only

    def batch_mentions(self, frame: pd.DataFrame) -> np.ndarray:
        """``mentions(frame["text"])`` as a bool array, computed once per scored batch.

        A scan hands the same batch frame to every collector in turn; those that tag identity (the hate
        self-audit, "who gets filtered out") ask here, and all but the first are served from a one-batch memo
        keyed on the frame object (held weakly, so a new frame never gets an old batch's answer).
        """
        memo = self._batch_memo
        if memo[0] is None or memo[0]() is not frame:
            memo[:] = [weakref.ref(frame), self._mention_matrix(_plain_texts(frame["text"]))]
        return memo[1]

    @cached_property
    def _batch_memo(self) -> list:
        return [None, None]  # [weakref to the last batch frame, its mentions]

    @cached_property
    def _matchers(self) -> dict[str, _FamilyMatcher]:
        return {family: _FamilyMatcher(subs) for family, subs in self.groups.items()}

    def swap_terms(self, family: str) -> list[tuple[str, str]]:
        """``(subgroup, term)`` for every swap adjective of ``family``, in file order, without duplicates."""
        seen, out = set(), []
        for sub, terms in self.swaps[family].items():
            for term in terms:
                if normalise_term(term) not in seen:
                    seen.add(normalise_term(term))
                    out.append((sub, term))
        return out

    def find_swap(self, text: str) -> tuple[str, str, str] | None:
        """The first swap adjective in ``text`` as ``(family, subgroup, term)``, or None."""
        m = self._swap_pattern.search(text or "")
        return self._swap_index[normalise_term(m.group(0))] if m else None

    @cached_property
    def _swap_index(self) -> dict[str, tuple[str, str, str]]:
        index: dict[str, tuple[str, str, str]] = {}
        for family in self.swaps:
            for sub, term in self.swap_terms(family):
                index.setdefault(normalise_term(term), (family, sub, term))
        return index

    @cached_property
    def _swap_pattern(self) -> re.Pattern:
        return _compiled(term_regex(self._swap_index))

    def info(self) -> dict[str, object]:
        """Where the lexicon came from and its fingerprint, for the report."""
        return {"source": self.source, "sha256": self.sha256,
                "families": {f: list(subs) for f, subs in self.groups.items()}}


def _plain_texts(texts: pd.Series) -> list[str]:
    """The texts as a list of str, missing values as "" and other values as ``str()`` gives them."""
    values = texts.tolist()
    if all(type(v) is str for v in values):  # the usual column: no conversion round trip
        return values
    s = pd.Series(values, dtype=object)
    return s.where(s.notna(), "").astype(str).tolist()


# ASCII bytes -> lower-case word characters, everything else a space: ``split`` then gives the \w runs.
_ASCII_WORDS = bytes(c + 32 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 or c == 95 else 32
                     for c in range(256))


def _ascii_words(text: str, wanted: frozenset[bytes]) -> tuple[bytes, frozenset[bytes]] | None:
    """An ASCII text as space-padded lower-case ``\\w`` runs (same positions, one byte per character) and those
    of its runs that are in ``wanted``; None for any other text (no shortcut is safe there)."""
    if not text.isascii():
        return None
    padded = b" " + text.encode("ascii").translate(_ASCII_WORDS) + b" "
    return padded, wanted.intersection(padded.split())


def _run_starts(padded: bytes, words: Iterable[bytes]) -> list[int]:
    """Where in the text the ``\\w`` runs equal to one of ``words`` start, in order (``padded``: the first item of
    ``_ascii_words``)."""
    starts = []
    for word in words:
        needle = b" " + word + b" "
        at = padded.find(needle)
        while at >= 0:  # padded[at] is the space before the run: the run starts at text[at]
            starts.append(at)
            at = padded.find(needle, at + len(word) + 1)
    return sorted(starts)


def first_runs(literals: Iterable[str]) -> frozenset[bytes] | None:
    """The lower-cased first ``\\w`` run of each literal a case-insensitive whole-word regex alternates over,
    or None when one of them is not ASCII or does not start with a word character (no shortcut is safe)."""
    firsts = [re.match(r"\w+", k) if k.isascii() else None for k in literals]
    return frozenset(m.group().lower().encode() for m in firsts) if all(m is not None for m in firsts) else None


def ascii_matches(pattern: re.Pattern, text: str, words: frozenset[bytes] | None) -> Iterator[re.Match]:
    """``pattern.finditer(text)`` for a case-insensitive regex of whole-word alternatives whose first words are
    ``words`` (``first_runs``): in an ASCII text it is tried only where one of those words starts, in order,
    skipping starts inside the previous match, as the regex's own left-to-right scan does (``_FamilyMatcher``
    says why no other position can match). Other texts, or ``words`` None: the plain scan."""
    ascii_words = _ascii_words(text, words) if words is not None else None
    if ascii_words is None:
        yield from pattern.finditer(text)
    else:
        yield from _matches_at_runs(pattern, text, *ascii_words)


def _matches_at_runs(pattern: re.Pattern, text: str, padded: bytes, words: Iterable[bytes]) -> Iterator[re.Match]:
    """``pattern``'s left-to-right matches in an ASCII ``text``, tried only where a run in ``words`` starts and
    not inside the previous match (``padded``: the first item of ``_ascii_words(text, ...)``)."""
    end = 0
    for at in _run_starts(padded, words):
        if at >= end:
            m = pattern.match(text, at)
            if m:
                end = m.end()
                yield m


class _FamilyMatcher:
    """One family's regex, and a shortcut that proves most texts cannot match it.

    A regex match starts a ``\\w`` run that, in an ASCII text, equals its term's first ``\\w`` run (the
    term's next character, or the text's after a one-run term, is not a word character). So in an ASCII text
    matches can start only where such a run starts: ``findall`` tries the regex there alone, in order, as the
    regex's own left-to-right scan would. That holds for ASCII terms that start with a word character
    (``first_words`` is None otherwise: the regex then scans every text).
    """

    def __init__(self, subs: Mapping[str, tuple[str, ...]]) -> None:
        self.subgroups = list(subs)
        self.pattern = _family_regex(tuple(t for terms in subs.values() for t in terms))
        self._subs_of_key: dict[str, list[int]] = {}
        for j, terms in enumerate(subs.values()):
            for key in {normalise_term(t) for t in terms}:
                self._subs_of_key.setdefault(key, []).append(j)
        self.first_words = first_runs(self._subs_of_key)
        self._memo: dict[str, list[int]] = {}

    def findall(self, text: str, ascii_words: tuple[bytes, frozenset[bytes]] | None) -> list[str]:
        """``pattern.findall(text)``; ``ascii_words`` is ``_ascii_words(text, wanted)`` for any ``wanted`` that
        holds ``first_words``."""
        if ascii_words is None or self.first_words is None:
            return self.pattern.findall(text)
        padded, runs = ascii_words
        return [m.group() for m in _matches_at_runs(self.pattern, text, padded, self.first_words.intersection(runs))]

    def subgroups_of(self, match: str) -> list[int]:
        """Positions (in ``subgroups``) of the subgroups whose terms include the matched text."""
        subs = self._memo.get(match)
        if subs is None:
            subs = self._subs_of_key.get(normalise_term(match), [])
            if len(self._memo) < 10_000:
                self._memo[match] = subs
        return subs


@lru_cache(maxsize=64)
def _family_regex(terms: tuple[str, ...]) -> re.Pattern:
    return re.compile(term_regex(terms), re.IGNORECASE)


@lru_cache(maxsize=256)
def _compiled(regex: str) -> re.Pattern:
    return re.compile(regex, re.IGNORECASE)


@lru_cache(maxsize=1)
def _load_default() -> IdentityLexicon:
    return _load(lexicon_path("identity"))


def _load(path: Path) -> IdentityLexicon:
    files = yaml_files(path, "identity")
    groups: dict[str, dict[str, tuple[str, ...]]] = {}
    swaps: dict[str, dict[str, tuple[str, ...]]] = {}
    for file in files:
        family, g, s = _parse_family(file)
        if family in groups:
            raise InputError(f"family {family!r} is defined twice", file=str(file))
        groups[family], swaps[family] = g, s
    return IdentityLexicon(groups, swaps, str(path), sha256_tree(path))


def _parse_family(file: Path) -> tuple[str, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    try:
        data = load_yaml(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise InputError(f"not valid YAML: {err}", file=str(file)) from None
    if not isinstance(data, dict) or not isinstance(data.get("subgroups"), dict):
        raise InputError("expected a mapping with 'family' and 'subgroups'", file=str(file))
    family = data.get("family")
    if not isinstance(family, str) or not _NAME.match(family):
        raise InputError("'family' must be a lower-case name (letters, digits, _)", file=str(file), field="family")
    groups, swaps = {}, {}
    for sub, entry in data["subgroups"].items():
        where = f"subgroups.{sub}"
        if not isinstance(sub, str) or not _NAME.match(sub) or not isinstance(entry, dict):
            raise InputError("each subgroup needs a lower-case name and a mapping", file=str(file), field=where)
        terms, swap = entry.get("terms") or [], entry.get("swap") or []
        for value, name in ((terms, "terms"), (swap, "swap")):
            if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                raise InputError(f"'{name}' must be a list of words", file=str(file), field=f"{where}.{name}")
        if not terms and not swap:
            raise InputError("a subgroup needs at least one term or swap term", file=str(file), field=where)
        groups[sub] = tuple(t.strip() for t in terms)
        swaps[sub] = tuple(t.strip() for t in swap)
    return family, groups, swaps
