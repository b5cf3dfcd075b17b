"""The batched reference tokeniser (one regex pass per rule over many sentences, literal replacements, one Punkt
scan over many texts) gives exactly the tokens of the straightforward one: the frozen implementation in
tests/oracles/tokenize_reference.py (NLTK 3.2.5's rules written as NLTK writes them), and NLTK's own Punkt +
Treebank where the two versions agree.

Character-level fuzz over the characters the rules look at (quotes of every kind, ":"/"," runs, periods and
closers at line ends, contractions, whitespace other than spaces, non-ASCII), cut into batches of every size;
run it compiled and with BIASAUDIT_PURE_PYTHON=1.
"""
from __future__ import annotations

import random

import pytest
from oracles import tokenize_reference as tok_ref

from biasaudit.analyzers.linguistic_bias import reference_tokens_many
from biasaudit.text.tokenize import punkt_sentences_many, treebank_words_many, word_tokenize_many

# Characters and pieces the Treebank and Punkt rules test for (and some they must leave alone).
_CHARS = "ab sSmMdDlLtTnN'\"`:,;.?!()[]{}<>@#$%&-*0123 \t\x0b\x1c\x1e\x85\xa0\u2028é’“”"
_PIECES = ("'s ", "'S ", "'m ", "'d ", "'ll ", "'LL ", "'re ", "'ve ", "'VE ", "n't ", "N'T ", "' ", "''", "``",
           ",,", ",:", "::", ":,", ",,,x", ":1", ",a", "...", "..", ". ", ".)", '."', ".' ", ".]  ", "\t.",
           "cannot ", "gonna ", "wanna ", " 'tis ", " 'twas ", "d'ye ", "lemme ", "more'n ", "--", "e.g. ",
           "mr. ", "u.s. ", "j. ", "3.5. ", "no. ", "(a) ", '"a" ', "'a' ", "?!", "!?", " ", "  ", "x" * 30)


def _fuzz(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append("".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 30))))
        else:
            out.append("".join(rng.choice(_PIECES + tuple(_CHARS)) for _ in range(rng.randint(0, 14))))
    return out


@pytest.mark.parametrize("seed", range(4))
def test_treebank_lines_equal_the_oracle_sentence_by_sentence(seed):
    rng = random.Random(seed)
    sentences = _fuzz(rng, 3000)
    for size in (1, 2, 7, 100, 3000):
        for start in range(0, len(sentences), size):
            chunk = sentences[start:start + size]
            assert treebank_words_many(chunk) == [tok_ref.treebank_words(s) for s in chunk], chunk


@pytest.mark.parametrize("seed", range(4))
def test_punkt_and_words_of_a_batch_equal_the_oracle(seed):
    rng = random.Random(100 + seed)
    texts = [" ".join(_fuzz(rng, rng.randint(1, 6))) for _ in range(2000)] + ["", " ", ".", "\x1e", "a.\x1eb. c"]
    # batches where few texts hold a period context (they take another route): chat-like lines around them
    texts += [t if rng.random() < 0.1 else rng.choice(("so it goes.", "why?", "", "no way!", "a b")) for t in texts]
    for size in (1, 3, 50, 2000):
        for start in range(0, len(texts), size):
            chunk = texts[start:start + size]
            assert punkt_sentences_many(chunk) == [tok_ref.punkt_sentences(t) for t in chunk], chunk
            assert word_tokenize_many(chunk) == [tok_ref.word_tokenize(t) for t in chunk], chunk


def test_reference_tokens_of_fuzz_equal_the_oracle():
    rng = random.Random(7)
    texts = [" ".join(_fuzz(rng, rng.randint(1, 8))) for _ in range(3000)]
    dropped = ".?!,;:'s\"$"
    expected = [[w for w in tok_ref.word_tokenize(tok_ref.ascii_lower(t)) if w and w not in dropped] for t in texts]
    assert reference_tokens_many(texts) == expected


nltk = pytest.importorskip("nltk")


def test_treebank_lines_equal_nltk_treebank_on_ascii():
    """NLTK's Treebank with 3.2.5's rules put back (as in tests/test_tokenize.py), sentence by sentence."""
    import re

    from nltk.tokenize import TreebankWordTokenizer

    treebank = TreebankWordTokenizer()
    treebank.PUNCTUATION = [(re.compile(r"([^\.])(\.)([\]\)}>\"\' ]*)\s*$"), r"\1 \2 \3 "),
                            *TreebankWordTokenizer.PUNCTUATION]
    treebank.STARTING_QUOTES = [*TreebankWordTokenizer.STARTING_QUOTES[:2], (re.compile(r'([ (\[{<])"'), r"\1 `` ")]
    treebank.ENDING_QUOTES = [(re.compile(r'"'), " '' "), (re.compile(r"(\S)(\'\')"), r"\1 \2 "),
                              *TreebankWordTokenizer.ENDING_QUOTES[2:]]
    rng = random.Random(3)
    # NLTK >= 3.4 also splits off "[", "]" etc. the same way; it differs from 3.2.5 on "..." runs, "'" and
    # parenthesis conversion details, so the fuzz keeps to the rules both versions share.
    chars = "ab sSmMdDlLtTnN\":,;.?!@#$%&0123"
    sentences = ["".join(rng.choice(chars) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    sentences = [s for s in sentences if "..." not in s]
    assert treebank_words_many(sentences) == [treebank.tokenize(s) for s in sentences]


def test_period_context_decision_keyed_on_the_token_equals_the_whole_context():
    """``_context_breaks`` memoises on (token, first-letter test of the next token): it must give
    ``_contains_break`` of the whole context, for every token/next-token pair of the fuzz."""
    from biasaudit.text.tokenize import ENGLISH_ABBREVIATIONS, _breaks, _contains_break, _context_breaks

    rng = random.Random(9)
    toks = [w + p for w in ("", "a", "j", "mr", "u.s", "e.g", "3.5", "1990", "no", "x-mr", "(a", '"a', "a)", "--",
                            "a..", "..", "a.b", "é") for p in (".", "?", "!", "..", ".?", "?!", ".'", '."')]
    nexts = ["a", "A", "x.", ",", ";x", ":", ",a", "'a", '"a', "(a", "é", "É", "1", "--", "-a", "*", "@a", "a,b",
             ")", "]a", "ab!", "x?y", "...", "wow", "Wow", "_a", "`a"] + _fuzz(rng, 60)
    nexts = [n.split()[0] for n in nexts if n.split()]
    _breaks.clear()
    for _ in range(2):  # the second round answers from the memo
        for tok in toks:
            for nxt in nexts:
                for gap in (" ", "\t"):
                    expected = _contains_break(tok + gap + nxt, ENGLISH_ABBREVIATIONS)
                    assert _context_breaks(tok, gap + nxt, nxt, ENGLISH_ABBREVIATIONS) == expected, (tok, nxt)
