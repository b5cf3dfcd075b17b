"""Parse text the way ``Sentence(parse(text, lemmata=True))`` of Pattern 2.6 sees it, fusion quirk included.

Pattern writes sentences as lines of ``word/tag/chunk/pnp/lemma`` tokens and ``Sentence`` splits that string on
spaces only, so the last token of each sentence swallows the first one of the next (hutto2015.md §4.6). Must
reproduce that, not repair it.
"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from biasaudit.text import memos
from biasaudit.text.pattern_en.lemmatizer import lemma
from biasaudit.text.pattern_en.tagger import find_tags, tag_sentences
from biasaudit.text.pattern_en.tokenizer import find_tokens

_SLASH = "&slash;"
_CACHE_LIMIT = 1 << 14  # entries; cleared when full, so memory stays a few MB


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


@lru_cache(maxsize=_CACHE_LIMIT)
def _token_string(word: str, tag: str) -> str:
    """One token as Pattern writes it. Chunk and PNP tags never matter to ``modality`` or ``mood`` (see
    moods.py), so "O" stands in for them: it keeps Pattern's five slash-separated fields, all the fusion needs."""
    return "/".join((word.replace("/", _SLASH), tag, "O", "O", lemma(word, tag)))


def _decode(chars: str) -> Word:
    """A space-free piece of the sentence string back to a word, as ``Sentence`` reads it."""
    f = chars.split("/")[:5] + [None] * (5 - min(5, chars.count("/") + 1))
    return Word(_field(f[0], True), f[1] and _field(f[1], False), f[4] and _field(f[4], True))


#: ``_decode`` memoised for the pieces fused across a line break, which repeat ("./.", then a common first word)
_decode_piece = lru_cache(maxsize=_CACHE_LIMIT)(_decode)
_words: dict[tuple[str, str], Word | None] = {}


@memos.register
def _clear_memos() -> None:
    _words.clear()
    _token_string.cache_clear()
    _decode_piece.cache_clear()


def _word(word: str, tag: str) -> Word | None:
    """``_decode(_token_string(word, tag))``, memoised; None when the token string holds a space (never in
    practice: tokens are split on spaces and tags and lemmas have none), which sends the caller to the
    literal join-and-split."""
    key = (word, tag)
    try:
        return _words[key]
    except KeyError:
        if len(_words) >= _CACHE_LIMIT:
            _words.clear()
        out = _words[key] = _plain_word(word, tag)
        return out


def _plain_word(word: str, tag: str) -> Word | None:
    """``_decode(_token_string(word, tag))`` (None when that holds a space) without writing and splitting the
    string when no field holds "/", "&" or a space: then the split gives the fields back as they were, and
    decoding changes only a tag "O" (to None)."""
    lem = lemma(word, tag)
    for field in (word, tag, lem):
        if "/" in field or "&" in field or " " in field:
            chars = _token_string(word, tag)
            return None if " " in chars else _decode(chars)
    return Word(word, None if tag == "O" else tag, lem)


def _words_literally(sentences: list[tuple[list[str], list[str]]]) -> list[Word]:
    """Pattern's own route: one string, lines joined by newlines, split on spaces."""
    lines = [" ".join(map(_token_string, tokens, tags)) for tokens, tags in sentences]
    return [_decode(chars) for chars in "\n".join(lines).split(" ") if chars]


_Sentences = list[tuple[list[str], list[str]]]


def sentence_pieces(text: str) -> tuple[list[tuple[str, str] | Word] | None, _Sentences]:
    """(The words of ``sentence_words`` before decoding, the tagged sentences): a (token, tag) key for each token
    that is a word on its own (``_word`` decodes it, or gives None when its string holds a space), a ``Word``
    for each piece fused across a line break; None instead of the list when a fused piece holds a space. Both
    Nones send the caller to ``_words_literally(sentences)``.

    With space-free token strings, splitting Pattern's string on spaces gives each token's own string, except
    that the last token of a line and the first of the next are one piece joined by a newline (a one-token line
    joins both neighbours). Only those pieces are built and decoded here; callers memoise per key.
    """
    token_lists = find_tokens(text)
    sentences = list(zip(token_lists, tag_sentences(token_lists)))
    pieces: list[tuple[str, str] | Word] = []
    carry: str | None = None  # the piece still open across a line break
    for tokens, tags in sentences:
        last = len(tokens) - 1
        start = 0
        if carry is not None:
            first = _token_string(tokens[0], tags[0])
            if " " in first:
                return None, sentences
            carry += "\n" + first
            if last == 0:
                continue
            pieces.append(_decode_piece(carry))
            start = 1
        pieces += zip(tokens[start:last], tags[start:last])
        carry = _token_string(tokens[last], tags[last])
        if " " in carry:
            return None, sentences
    if carry is not None:
        pieces.append(_decode_piece(carry))
    return pieces, sentences


def sentence_words(text: str) -> list[Word]:
    """Words of ``Sentence(parse(text, lemmata=True))``: all sentences fused into one, per the quirk."""
    pieces, sentences = sentence_pieces(text)
    if pieces is None:
        return _words_literally(sentences)
    known = _words.get
    words = [piece if type(piece) is Word else known(piece) or _word(*piece) for piece in pieces]
    return _words_literally(sentences) if None in words else words
