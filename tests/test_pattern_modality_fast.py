"""The fast Pattern modality path (int-id Brill rules, entity memo, (token, tag) keys, weasel search) gives the
frozen oracle's numbers bit for bit (tests/oracles/pattern_en_reference), on real and generated texts, with the
memos working and while they are being cleared. Runs compiled and with BIASAUDIT_PURE_PYTHON=1 alike."""
from __future__ import annotations

import random
import sys

import numpy as np
import pytest
from conftest import ROOT
from oracles.pattern_en_reference import epistemic as epistemic_ref
from oracles.pattern_en_reference import sentence as sentence_ref
from oracles.pattern_en_reference import tagger as tagger_ref
from test_fast_paths_equivalence import equivalence_corpus
from test_pattern_en import _context_by_rules

from biasaudit.text import pattern_en
from biasaudit.text.pattern_en import _data, brill, epistemic, sentence, tagger, tokenizer

_ODD = ("http://t.co/ab", "HTTP://X.ORG", "www.example.com", "WWW.A.DE", "me@example.org", "A.B@C.CO", "@user",
        "U.S.", "e.g.", "i.e.", "Mr.", "3.5", "12,000", "$20", "10:30", '"', "'", "(", ")", ":", "...", "!", "?",
        ".", "&slash;", "a/b", "O", "STAART", "NNPS", "can't", "I'm", "won't", ":)", ": )", "( ! )")


def _bench_texts(seed: int, chat: int, doc: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import text, vocabulary
    finally:
        sys.path.remove(str(ROOT / "bench"))
    words, weights = vocabulary()
    rng = random.Random(seed)
    return [text(rng, "chat", words, weights) for _ in range(chat)] + [text(rng, "doc", words, weights)
                                                                       for _ in range(doc)]


def _entity_and_rule_texts(n: int, seed: int) -> list[str]:
    """Several sentences of names (as listed, capitalised, upper-case), rule words, URLs and odd tokens."""
    entity_words = sorted({w for e in _data.entities().values() for words in e for w in words})
    rule_words = sorted({a for r in _data.context() for a in r[3:5] if not a.isupper()})
    weasel = [p for p, _ in epistemic_ref.WEASEL_PHRASES]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            pool = rng.choice((entity_words, rule_words, _ODD, weasel, entity_words + list(_ODD)))
            words = [rng.choice(pool) for _ in range(rng.randint(1, 9))]
            words = [rng.choice((w, w.title(), w.upper())) for w in words]
            sentences.append(" ".join(words) + rng.choice((".", "!", "?", "", " .", '."')))
        out.append(rng.choice((" ", "\n", "\n\n", "  ")).join(sentences))
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return equivalence_corpus() + _bench_texts(99, 1500, 150) + _entity_and_rule_texts(2500, seed=4)


def _same(a: float, b: float) -> bool:
    return np.float64(a).view(np.int64) == np.float64(b).view(np.int64)


def _check(text: str) -> None:
    words = sentence_ref.sentence_words(text)
    want = epistemic_ref.modality(words)
    assert _same(pattern_en.modality(text), want), text
    assert _same(epistemic.text_modality(text), want), text
    assert sentence.sentence_words(text) == words, text
    assert _same(epistemic.modality(words), want), text
    tokens = tokenizer.find_tokens(text)
    assert tagger.tag_sentences(tokens) == [[t for _, t in tagger_ref.find_tags(list(s))] for s in tokens], text


def test_corpus_is_large_and_has_names_urls_and_several_sentences(texts):
    assert len(texts) > 9000
    tagged = [t for s in tokenizer.find_tokens(" ".join(texts[-2500:])) for t in tagger.tag_tokens(s)]
    assert sum(t.startswith("NNP-") for t in tagged) > 500 and sum("@" in t for t in texts) > 50
    assert sum(len(tokenizer.find_tokens(t)) > 2 for t in texts) > 1000


def test_modality_tags_and_words_equal_the_oracle(texts):
    for text in texts:
        _check(text)


def test_equal_while_the_memos_are_cleared(texts, monkeypatch):
    """Tiny memo limits: every memo (tokens, tags, entity keys, words, word infos) clears again and again."""
    for module in (tokenizer, tagger, sentence, epistemic):
        monkeypatch.setattr(module, "_CACHE_LIMIT", 5)
    for module, name in ((tokenizer, "_chunks"), (tagger, "_unknown"), (tagger, "_entity_keys"),
                         (sentence, "_words"), (epistemic, "_infos")):
        getattr(module, name).clear()
    for text in texts[::8]:
        _check(text)


def test_words_built_without_the_token_string_decode_as_pattern_does(texts):
    """``_plain_word`` skips writing and splitting the token string unless a field holds "/", "&" or a space:
    every (token, tag) of the corpus, odd tokens and tags included, decodes as that string does."""
    pairs = {(w, t) for text in texts for s in tokenizer.find_tokens(text) for w, t in tagger.find_tags(s)}
    pairs |= {(w, t) for w in _ODD + ("a&b", "&amp;", "x y", "", "//") for t in ("NN", "O", "", "NNP-PERS", "A/B")}
    for word, tag in sorted(pairs):
        chars = sentence._token_string(word, tag)
        assert sentence._plain_word(word, tag) == (None if " " in chars else sentence._decode(chars)), (word, tag)
    assert len(pairs) > 20_000


def test_dict_context_pass_equals_the_oracle(texts, monkeypatch):
    """The context pass an interpreter runs (dict look-ups; the compiled build runs the typed tables)."""
    monkeypatch.setattr(brill, "COMPILED", False)
    for text in texts[::3]:
        _check(text)


@pytest.mark.parametrize("typed_tables", [True, False])
def test_rule_tables_fire_as_the_rules_read_one_by_one(typed_tables, monkeypatch):
    """Random (word, tag) sequences over every word and tag the context rules test, plus tags no rule names;
    both context passes (typed tables, dict look-ups)."""
    monkeypatch.setattr(brill, "COMPILED", typed_tables)
    rule_words = sorted({a for r in _data.context() for a in r[3:5]})
    rule_tags = sorted({a for r in _data.context() for a in (r[0], r[1], *r[3:5]) if a.isupper()})
    tags = rule_tags + ["UH", "NNP-PERS", "FW", "*", "O"]
    rng = random.Random(21)
    for _ in range(3000):
        tagged = [[rng.choice(rule_words + ["zorb", "The"]), rng.choice(tags)] for _ in range(rng.randint(1, 10))]
        expected = _context_by_rules(tagged)
        tagger._apply_context(tagged)
        assert tagged == expected


def test_weasel_search_finds_exactly_the_phrases_that_occur():
    phrases = [p for p, _ in epistemic.WEASEL_PHRASES]
    pieces = phrases + ["a", "is", "of", "'s", "There", "i.e", "scientist", "s", ".", "x", " ", "bu", "t"]
    rng = random.Random(8)
    for _ in range(20000):
        r = rng.choice((" ", "")).join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert epistemic._may_hold_weasel(r) == any(p in r for p in phrases), r
