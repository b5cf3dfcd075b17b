"""Parse text the way ``Sentence(parse(text, lemmata=True))`` of Pattern 2.6 sees it, fusion quirk included.

Pattern writes sentences as lines of ``word/tag/chunk/pnp/lemma`` tokens and ``Sentence`` splits that string on
spaces only, so the last token of each sentence swallows the first one of the next (hutto2015.md §4.6). Must
reproduce that, not repair it.
"""
from __future__ import annotations

from typing import NamedTuple

from biasaudit.text.pattern_en.lemmatizer import lemma
from oracles.pattern_en_reference.tagger import find_tags
from oracles.pattern_en_reference.tokenizer import find_tokens

_SLASH = "&slash;"


class Word(NamedTuple):
    """One word of a Pattern ``Sentence``: surface string, Penn tag, lemma."""

    string: str
    type: str | None
    lemma: str | None


def parse(text: str) -> list[list[tuple[str, str, str]]]:
    """Sentences of (word, tag, lemma), as Pattern's ``parse(text, lemmata=True)`` computes them."""
    out = []
    for tokens in find_tokens(text):
        out.append([(w, t, lemma(w, t)) for w, t in find_tags(tokens)])
    return out


def _field(value: str, is_word: bool) -> str | None:
    """Decode one slash-separated field as ``Sentence.parse_token`` does ("O" means none for tag fields)."""
    if _SLASH in value:
        value = value.replace(_SLASH, "/")
    if value == "O" and not is_word:
        return None
    return value


def sentence_words(text: str) -> list[Word]:
    """Words of ``Sentence(parse(text, lemmata=True))``: all sentences fused into one, per the quirk.

    Chunk and PNP tags never matter to ``modality`` or ``mood`` (see moods.py), so "O" stands in for them:
    it keeps every token at Pattern's five slash-separated fields, which is all the fusion depends on.
    """
    lines = []
    for tokens in find_tokens(text):
        lines.append(" ".join(
            "/".join((w.replace("/", _SLASH), t, "O", "O", lemma(w, t))) for w, t in find_tags(tokens)
        ))
    words = []
    for chars in "\n".join(lines).split(" "):
        if not chars:
            continue
        f = chars.split("/")[:5] + [None] * (5 - min(5, chars.count("/") + 1))
        words.append(Word(_field(f[0], True), f[1] and _field(f[1], False), f[4] and _field(f[4], True)))
    return words
