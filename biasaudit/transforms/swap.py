"""Swap attribute words for their counterparts in a text, keeping case, grammar and protected phrases.

One regex per attribute finds, left to right, protected phrases (``keep``, left unchanged), words of two-way and
one-way rows, adjectives that stand before a listed noun, and capitalised first names. Each match is replaced by
its counterpart under a *shift* (groups move that many places; 0 leaves the attribute alone). "her"/"his" are
resolved by part of speech (biasaudit.transforms.pronouns); "a"/"an" before a swapped word is fixed. Offsets in
the swaps are character offsets in the original text. It must not decide *whether* to swap (augment.py does).
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from biasaudit.audits.identity import (
    ascii_matches,
    first_runs,
    indefinite_article,
    normalise_term,
    term_regex,
)
from biasaudit.errors import UsageError
from biasaudit.transforms.cda_lexicon import POSSESSIVE_DETERMINERS, Attribute, Term
from biasaudit.transforms.pronouns import DETERMINER, usage_from_rules, usage_from_tag

POS_BACKENDS = ("rules", "spacy", "auto")
_ARTICLE = re.compile(r"(?<![\w'])(an?)(\s+)$", re.IGNORECASE)
_TITLE_NEXT = re.compile(r"\.?\s+[A-Z]")
_OPENERS = " \t\"'“‘([«"
_WORD = re.compile(r"\w+")


class Swapped(NamedTuple):
    text: str
    swaps: list[dict[str, Any]]


class _Hit(NamedTuple):
    start: int
    end: int
    attribute: Attribute
    shift: int
    places: list[Term]


def _names_regex(attr: Attribute) -> str:
    """Capitalised and upper-case forms of the names, matched case-sensitively."""
    forms = {f for row in attr.rows["names"] for name in row for f in (name, name.upper())}
    if not forms:
        return r"(?!x)x"
    alts = "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))
    return r"(?-i:(?<!\w)(?:" + alts + r")(?!\w))"


def _words_and_adjectives(attr: Attribute) -> tuple[list[str], list[str]]:
    return [w for row in attr.rows["rows"] for w in row] + list(attr.one_way), \
        [w for row in attr.rows["adjective_rows"] for w in row]


def attribute_first_runs(attr: Attribute) -> frozenset[bytes] | None:
    """The first words of every alternative of ``attribute_regex`` (``identity.first_runs``): a match can
    start only where one of them does."""
    words, adjectives = _words_and_adjectives(attr)
    names = [name for row in attr.rows["names"] for name in row]
    return first_runs([normalise_term(t) for t in [*attr.keep, *words, *adjectives] if t.strip()] + names)


def attribute_regex(attr: Attribute) -> re.Pattern:
    """keep | words | adjectives before a noun | names, in that order of preference at one position."""
    words, adjectives = _words_and_adjectives(attr)
    adj = r"(?!x)x"
    if adjectives:
        adj = term_regex(adjectives) + r"(?=[\s\-]+" + term_regex(attr.nouns) + ")"
    parts = [("keep", term_regex(attr.keep)), ("word", term_regex(words)), ("adj", adj),
             ("name", _names_regex(attr))]
    return re.compile("|".join(f"(?P<{n}>{p})" for n, p in parts), re.IGNORECASE)


def match_case(src: str, form: str, dst: str, at_start: bool) -> str:
    """``dst`` cased like ``src``: UPPER stays upper; a capital of the word's own (Muslim, James) gives the
    counterpart as written; a capital from position or emphasis capitalises it; lower case mirrors the user."""
    if len(src) > 1 and src.isupper():
        return dst.upper()
    if src[:1].isupper():
        if form[:1].isupper() and not at_start:
            return dst
        return dst[:1].upper() + dst[1:]
    return dst.lower() if form[:1].isupper() else dst


def at_sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in ".!?\n:"


class Swapper:
    """Counterfactual substitution for some attributes of a CDA lexicon.

    ``pos``: how "her"/"his" are disambiguated: ``auto`` (the default: an installed English spaCy pipeline, else
    the rules), ``rules`` (Pattern tagger + word lists, faster), ``spacy`` (the pipeline; UsageError if none).
    """

    def __init__(self, attributes: Sequence[Attribute], *, pos: str = "auto") -> None:
        if pos not in POS_BACKENDS:
            raise UsageError(f"unknown pos backend {pos!r}; expected one of {', '.join(POS_BACKENDS)}")
        self.attributes = {a.name: a for a in attributes}
        self._regex = {a.name: attribute_regex(a) for a in attributes}
        self._starts = {a.name: attribute_first_runs(a) for a in attributes}
        # first word of every term (names lower-cased): a text without one of these has nothing to swap
        self._first_words = {a.name: frozenset(_WORD.findall(k)[0] for k in a.terms if _WORD.search(k))
                             for a in attributes}
        self._nlp = None
        if pos != "rules":
            from biasaudit.text.spacy_pos import spacy_tagger

            try:
                self._nlp = spacy_tagger()
            except (ImportError, OSError) as err:
                if pos == "spacy":
                    raise UsageError(f"--pos spacy needs an English spaCy pipeline: {err}") from None
        self.pos = "spacy" if self._nlp is not None else "rules"

    def info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"pos": self.pos}
        if self._nlp is not None:
            meta = self._nlp.meta
            info["spacy_pipeline"] = f"{meta.get('lang', 'en')}_{meta.get('name', '?')}-{meta.get('version', '?')}"
        return info

    def swap(self, text: str, shifts: Mapping[str, int]) -> Swapped:
        """``text`` with each attribute moved by ``shifts[attribute]`` places (0 or absent: unchanged)."""
        return self.swap_many([text], [shifts])[0]

    def finds(self, text: str, shifts: Mapping[str, int]) -> bool:
        """Whether ``swap`` has a word to replace in ``text``: matching only, no part-of-speech work.

        A set lookup of the text's words rules out most texts before the (slower) attribute regex runs; in an
        ASCII text the regex then runs only where a term can start (``identity.ascii_matches``).
        """
        if not text.isascii():
            words = set(_WORD.findall(text.lower()))
            if not any(words & self._first_words[name] for name, shift in shifts.items()
                       if shift % self.attributes[name].n_groups):
                return False
        return next(self._raw_hits(text, shifts), None) is not None  # any raw hit survives the overlap rule

    def swap_many(self, texts: Sequence[str], shifts: Sequence[Mapping[str, int]]) -> list[Swapped]:
        """``swap`` for many texts; with spaCy, only the texts holding "her"/"his" are tagged, in one pipe."""
        hits = [self._hits(t, s) for t, s in zip(texts, shifts)]
        tags: dict[int, dict[int, tuple[str, str]]] = {}
        if self._nlp is not None:
            todo = [i for i, h in enumerate(hits) if any(len(x.places) > 1 for x in h)]
            for i, doc in zip(todo, self._nlp.pipe((texts[i] for i in todo), batch_size=256)):
                tags[i] = {tok.idx: (tok.tag_, doc[tok.i + 1].tag_ if tok.i + 1 < len(doc) else "")
                           for tok in doc}
        return [self._apply(texts[i], hits[i], tags.get(i)) for i in range(len(texts))]

    def _raw_hits(self, text: str, shifts: Mapping[str, int]) -> Iterator[_Hit]:
        """Each attribute's words to replace, attribute by attribute, before overlaps are resolved (lazily, so
        that ``finds`` can stop at the first)."""
        for name, shift in shifts.items():
            attr = self.attributes[name]
            if shift % attr.n_groups == 0:
                continue
            for m in ascii_matches(self._regex[name], text, self._starts[name]):
                if m.lastgroup == "keep":
                    continue
                key = normalise_term(m.group())
                places = attr.terms.get(key)
                if places is None:  # a case-insensitive match lower() does not map back (long s: "\u017fhe")
                    continue
                if key in attr.title_only and not (m.group()[:1].isupper()
                                                   and _TITLE_NEXT.match(text, m.end())):
                    continue
                yield _Hit(m.start(), m.end(), attr, shift, places)

    def _hits(self, text: str, shifts: Mapping[str, int]) -> list[_Hit]:
        found = list(self._raw_hits(text, shifts))
        if len(shifts) > 1:  # several attributes: leftmost, then longest, wins an overlap
            found.sort(key=lambda h: (h.start, h.start - h.end))
            kept, last = [], 0
            for h in found:
                if h.start >= last:
                    kept.append(h)
                    last = h.end
            found = kept
        return found

    def _apply(self, text: str, hits: list[_Hit], tags: dict[int, tuple[str, str]] | None) -> Swapped:
        pieces, swaps, pos = [], [], 0
        for h in hits:
            src = text[h.start:h.end]
            place = h.places[0]
            if len(h.places) > 1:
                usage = (usage_from_tag(*tags.get(h.start, ("", "")), text, h.end) if tags is not None
                         else usage_from_rules(src, text, h.end))
                want_det = usage == DETERMINER
                place = next(p for p in h.places
                             if (h.attribute.counterpart(p, h.shift).lower() in POSSESSIVE_DETERMINERS) == want_det)
            dst = match_case(src, place.form, h.attribute.counterpart(place, h.shift),
                             at_sentence_start(text, h.start))
            if dst == src:
                continue
            groups = h.attribute.groups
            where = {"attribute": h.attribute.name, "from_group": groups[place.group],
                     "to_group": groups[(place.group + h.shift) % len(groups)]}
            art = _ARTICLE.search(text, max(pos, h.start - 4), h.start)
            if art and indefinite_article(dst) != art.group(1).lower():
                new_art = indefinite_article(dst)
                new_art = new_art.capitalize() if art.group(1)[0].isupper() else new_art
                pieces += [text[pos:art.start(1)], new_art]
                swaps.append({"from": art.group(1), "to": new_art, "offset": art.start(1), **where})
                pos = art.end(1)
            pieces += [text[pos:h.start], dst]
            swaps.append({"from": src, "to": dst, "offset": h.start, **where})
            pos = h.end
        if not swaps:
            return Swapped(text, [])
        pieces.append(text[pos:])
        return Swapped("".join(pieces), swaps)
