"""Parse text the way ``Sentence(parse(text, lemmata=True))`` of Pattern 2.6 sees it, fusion quirk included.

Pattern writes sentences as lines of ``word/tag/chunk/pnp/lemma`` tokens and ``Sentence`` splits that string on
spaces only, so the last token of each sentence swallows the first one of the next (hutto2015.md §4.6). Must
reproduce that, not repair it.
"""
from __future__ import annotations

from typing import NamedTuple

from biasaudit.text.pattern_en.chunker import find_chunks
from biasaudit.text.pattern_en.lemmatizer import lemma
from biasaudit.text.pattern_en.tagger import find_tags
from biasaudit.text.pattern_en.tokenizer import find_tokens

_SLASH = "&slash;"


class Word(NamedTuple):
    """One word of a Pattern ``Sentence``: surface string, Penn tag, chunk tag (None = outside), lemma."""

    string: str
    type: str | None
    chunk: str | None
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


def sentence_words(text: str, chunks: bool = False) -> list[Word]:
    """Words of ``Sentence(parse(text, lemmata=True))``: all sentences fused into one, per the quirk.

    Chunk tags are computed only when asked (``mood`` needs them); otherwise "O" stands in, which keeps
    every token at five slash-separated fields, all that matters for the fusion.
    """
    lines = []
    for tokens in find_tokens(text):
        tagged = find_tags(tokens)
        chunk_tags = find_chunks(tagged) if chunks else ["O"] * len(tagged)
        lines.append(" ".join(
            "/".join((w.replace("/", _SLASH), t, c, "O", lemma(w, t)))
            for (w, t), c in zip(tagged, chunk_tags)
        ))
    words = []
    for chars in "\n".join(lines).split(" "):
        if not chars:
            continue
        f = chars.split("/")[:5] + [None] * (5 - min(5, chars.count("/") + 1))
        chunk = f[2] and _field(f[2], False)
        if chunk is not None and chunk.startswith(("B-", "I-")):
            chunk = chunk[2:]
        words.append(Word(
            _field(f[0], True),
            f[1] and _field(f[1], False),
            chunk,
            f[4] and _field(f[4], True),
        ))
    return words
