"""The fast Pattern port and the fast linguistic_bias analyzer give exactly main's outputs (tests/oracles/).

Thousands of texts: real tweets, the 41 rated news sentences, the bundled dialogues, bench-style chat and doc
records, and adversarial strings (slashes, '&slash;', abbreviations, numbers, quotes, brackets, emoticons,
URLs, entities, blank lines, non-ASCII, very long). Floats are compared bit for bit, strings exactly.
"""
from __future__ import annotations

import csv
import json
import random
import sys

import numpy as np
import pytest
from conftest import ROOT, shared_path
from oracles import linguistic_bias_reference as lb_ref
from oracles.pattern_en_reference import epistemic as epistemic_ref
from oracles.pattern_en_reference import sentence as sentence_ref
from oracles.pattern_en_reference import tagger as tagger_ref
from oracles.pattern_en_reference import tokenizer as tokenizer_ref

from biasaudit.analyzers.linguistic_bias import LinguisticBiasAnalyzer
from biasaudit.io import example_path
from biasaudit.text import pattern_en
from biasaudit.text.batch import TextBatch
from biasaudit.text.pattern_en import lemmatizer, moods, sentence, tagger, tokenizer

_PIECES = (
    "/", "a/b", "and/or", "1/2", "w/", "O", "O/O", "&slash;", "x&slash;y", "&", "O&slash;", "//", "/O/", "http://t.co/x",
    "www.example.com", "me@example.org", "U.S.", "Mr.", "Dr.", "e.g.", "i.e.", "etc.", "vs.", "A.", "Jan.",
    "3.5", "12,000", "$20", "50%", "10:30", "2015", "-", "--", "...", "..", "!", "?", "?!", ".", ",", ";", ":",
    '"', "'", "''", "``", "(", ")", "[", "]", "{", "}", "( ! )", "(!)", ":)", ": )", ":-(", "; )", ":'(", "<3",
    "XD", "o_O", "\n\n", "\n", "\r\n", "\t", "  ", "can't", "I'm", "don't", "we'll", "it's", "you're", "cannot",
    "gonna", "'tis", "New", "York", "new york", "United", "States", "Barack", "Obama", "Google", "London",
    "RT", "@user", "#tag", "lol", "Certainly", "not", "very", "would", "might", "must", "really", "probably",
    "know", "think", "said", "fact", "data", "scientists", "of course", "There are", "many people", "if",
    "wish", "hope", "were", "I", "we", "our", "Let", "Do", "you", "will", "ought", "to", "that", "is", "It",
    "important", "be", "the", "a", "cats", "taxes", "mothers-in-law", "running", "Zorblax", "zorblaxing",
    "unkindly", "café", "naïve", "\u2019", "\u201chi\u201d", "\xa0", "—", "😀", "Ünïcode", "x" * 40,
    "STAART", "NNP", "VB", "-LRB-",
)


def _adversarial(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = ["", " ", ".", "/", "&slash;", "O", "\n\n\n", "a.b.c.", "Hi. Hi. Hi.", "A. B. C. D.", ". . . .",
           "Yes! No? Maybe.", '"Go." "Stop." Then', "He left.Certainly not.", "x/y. z/w. O/O."]
    pieces = _PIECES + tuple(p for p, _ in epistemic_ref.WEASEL_PHRASES)
    for _ in range(n):
        k = rng.randint(1, 25)
        sep = rng.choice((" ", " ", " ", "", "\n"))
        out.append(sep.join(rng.choice(pieces) for _ in range(k)))
    chars = "abXYO .,!?'\"/():;-$%09\n&@#é\t"
    out += ["".join(rng.choice(chars) for _ in range(rng.randint(1, 60))) for _ in range(n // 2)]
    out.append(" ".join(rng.choice(_PIECES) for _ in range(3000)))  # very long
    return out


def equivalence_corpus() -> list[str]:
    """Real tweets and news sentences, the bundled dialogues, bench-style records and adversarial strings."""
    texts: list[str] = []
    with open(shared_path("data", "davidson", "labeled_train.csv"), newline="", encoding="utf-8") as fh:
        texts += [row["tweet"] for row in csv.DictReader(fh)][:2000]
    with open(shared_path("data", "hutto_bsd", "collapsedData.csv"), newline="", encoding="utf-8") as fh:
        texts += [row["text"] for row in csv.DictReader(fh)]
    with open(example_path(), encoding="utf-8") as fh:
        texts += [turn["text"] for line in fh for turn in json.loads(line)["turns"]]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import text, vocabulary
    finally:
        sys.path.remove(str(ROOT / "bench"))
    words, weights = vocabulary()
    rng = random.Random(2015)
    texts += [text(rng, "chat", words, weights) for _ in range(1200)]
    texts += [text(rng, "doc", words, weights) for _ in range(100)]
    return texts + _adversarial(1200, seed=11)


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    return equivalence_corpus()


@pytest.fixture(scope="module")
def batches(corpus) -> list[TextBatch]:
    """Batches of 1000 shared by the tests, so each text's VADER scores are computed once (both sides read them)."""
    return [TextBatch(corpus[start:start + 1000]) for start in range(0, len(corpus), 1000)]


def test_corpus_is_large_and_varied(corpus):
    assert len(corpus) > 5000
    assert sum("/" in t for t in corpus) > 300 and sum(t.count(". ") > 1 for t in corpus) > 300


def test_tokens_tags_words_modality_and_mood_equal_the_oracle(corpus):
    for text in corpus:
        tokens = tokenizer_ref.find_tokens(text)
        assert tokenizer.find_tokens(text) == tokens, text
        tagged = [tagger_ref.find_tags(list(sent)) for sent in tokens]
        assert [tagger.find_tags(list(sent)) for sent in tokens] == tagged, text
        assert pattern_en.parse(text) == [[(w, t, lemmatizer.lemma(w, t)) for w, t in s] for s in tagged], text
        words = sentence_ref.sentence_words(text)
        assert sentence.sentence_words(text) == words, text
        m, md = pattern_en.modality_and_mood(text)
        assert np.float64(m).view(np.int64) == np.float64(epistemic_ref.modality(words)).view(np.int64), text
        assert md == moods.mood(words), text
        assert pattern_en.modality(text) == m and pattern_en.mood(text) == md, text


def _same_columns(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for name, ref in want.items():
        value = got[name]
        if isinstance(ref, np.ndarray):
            assert value.dtype == ref.dtype, name
            if ref.dtype.kind == "f":
                np.testing.assert_array_equal(value.view(np.int64), ref.view(np.int64), err_msg=name)
            else:
                np.testing.assert_array_equal(value, ref, err_msg=name)
        else:
            assert value == ref, name


@pytest.mark.parametrize("options", [
    {}, {"extras": True}, {"variant": "henderson2018", "extras": True},
    {"modality": False, "liwc_wildcards": "prefix", "suffix": "x"},
])
def test_every_analyzer_column_equals_the_oracle(batches, options):
    fast, slow = LinguisticBiasAnalyzer(**options), lb_ref.LinguisticBiasAnalyzer(**options)
    for batch in batches:
        _same_columns(fast.analyze_batch(batch), slow.analyze_batch(batch))


def test_tagger_equals_the_oracle_on_rule_and_entity_words():
    """Token lists built from the words the context and morphology rules and the entity list test, mixed with
    unknown, capitalised and number-like words: every rule kind and the entity/URL pass get exercised."""
    from biasaudit.text.pattern_en import _data

    rule_words = sorted({a for r in _data.context() for a in r[3:5]} | {r[1] for r in _data.morphology()})
    entity_words = sorted({w for e in _data.entities().values() for words in e for w in words})
    entity_words += [w.title() for w in entity_words[:200]]
    odd = ["Zorblax", "zorblaxing", "unkindly", "flurbs", "re-tweet", "12,500", "3:30", "http://x.org",
           "www.a.com", "a@b.co", "STAART", "O", "a/b", "pers"]
    rng = random.Random(7)
    group: list[list[str]] = []
    for _ in range(4000):
        pool = rng.choice((rule_words, entity_words, odd, rule_words + odd))
        tokens = [rng.choice(pool) for _ in range(rng.randint(1, 14))]
        assert tagger.find_tags(list(tokens)) == tagger_ref.find_tags(list(tokens)), tokens
        group.append(tokens)
        if rng.random() < 0.2:  # several sentences tagged in one pass: none may see its neighbours
            assert tagger.tag_sentences(group) == [[t for _, t in tagger_ref.find_tags(list(s))] for s in group]
            group = []


def test_reference_tokens_equal_the_oracle(corpus):
    from biasaudit.analyzers.linguistic_bias import reference_tokens

    for text in corpus:
        assert reference_tokens(text) == lb_ref.reference_tokens(text), text
        assert reference_tokens(text.upper()) == lb_ref.reference_tokens(text.upper()), text


def test_a_tag_with_a_space_takes_patterns_literal_route(monkeypatch):
    """No shipped tag or lemma holds a space, but if one did the words must still split as Pattern's do."""
    from biasaudit.text.pattern_en import _data

    monkeypatch.setitem(_data.lexicon(), "qzx", "N N")  # the oracle shares the (unchanged) data module
    assert [w.string for w in sentence.sentence_words("a qzx b")] == ["a", "qzx", "N", "b"]
    for text in ("a qzx b", "qzx. b qzx. qzx", "He left. qzx. qzx came. Yes", "qzx"):
        assert sentence.sentence_words(text) == sentence_ref.sentence_words(text), text


def test_unknown_word_rules_equal_the_oracle():
    """Pattern's lexical rules on unknown words (every suffix, prefix, character and neighbour they test)."""
    from biasaudit.text.pattern_en import _data

    rules = _data.morphology()
    affixes = sorted({a for r in rules for a in r[:2] if not a.isupper()})
    neighbours = [None, "the", "would", "$", "n't", "he", "was", "xyz"] + affixes[:40]
    rng = random.Random(3)
    stems = ["walk", "blorf", "quick", "un", "re", "x", "", "Zed", "12", "a-b"]
    for _ in range(6000):
        word = rng.choice(affixes) + rng.choice(stems) + rng.choice(affixes)
        if not word:
            continue
        prev, nxt = rng.choice(neighbours), rng.choice(neighbours)
        assert tagger._apply_morphology(word, prev, nxt) == tagger_ref._apply_morphology(word, prev, nxt), word


_SENTENCE_EDGES = (
    "", ".", "..", "...", "a.", "a..", "a .", ". a", "?", "!", "a?!", "a.)", 'a."', "a.' ", "a. ''", "a.]  ",
    '"', '"a', '" a', '("a', "[\"a\"]", "'", "' a", "a' ", "a' ' ", "x''''", "x'''''", "''a''", "a 's ", "a's",
    "a'S b", "a'll ", "a'LL b", "n't", "don't ", "DON'T ", "' 's ", "a:", "a,", "a,,b", ",", ":1", "a;b@c",
    "cannot", "CANNOT", "gonna ", "wanna\tgo", "wanna\x0bgo", "'tis", " 'twas ", "a\rb.", "a.\r", "a.\x0c",
    "a.\x85", "a.\u2028", "b\u2028.", "a\x1c.", "a.\n", "\n", "a\nb", '"\n"', "a\n.", "--", "a--b", "<a>",
)


def test_treebank_many_equals_one_sentence_at_a_time():
    """Rules applied once over "\\n"-joined sentences split each sentence as it would alone: sentences that
    start or end a line in odd ways, hold whitespace other than spaces, or a newline (those go one by one)."""
    from biasaudit.text.tokenize import treebank_words, treebank_words_many

    rng = random.Random(5)
    pieces = _SENTENCE_EDGES + ("a", "b", " ", "  ", "the", "it's", "i.e.", "(", ")")
    for _ in range(3000):
        sentences = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
                     for _ in range(rng.randint(0, 8))]
        assert treebank_words_many(sentences) == [treebank_words(s) for s in sentences], sentences
    assert treebank_words_many(list(_SENTENCE_EDGES)) == [treebank_words(s) for s in _SENTENCE_EDGES]


def test_reference_tokens_of_a_batch_equal_the_oracle(corpus):
    from biasaudit.analyzers.linguistic_bias import reference_tokens_many

    edges = [" ".join(_SENTENCE_EDGES), "\n".join(_SENTENCE_EDGES), ". ".join(_SENTENCE_EDGES)]
    texts = corpus + [t.upper() for t in corpus[:3000]] + edges + ["\n\n".join(corpus[-300:])]
    for start in range(0, len(texts), 1000):
        chunk = texts[start:start + 1000]
        assert reference_tokens_many(chunk) == [lb_ref.reference_tokens(t) for t in chunk]


def test_tag_sentences_keeps_each_sentence_out_of_the_next_ones_context():
    """Rules that look three tokens back or ahead, with the tag they test ending the sentence before (or
    starting the one after): tagged together, the sentences must still be tagged as if alone."""
    from biasaudit.text.pattern_en import _data

    lexicon = _data.lexicon()
    word_with = {}
    for word, tag in lexicon.items():
        word_with.setdefault(tag, word)
    groups = []
    for rule in _data.context():
        frm, _, cmd, x = rule[:4]
        if cmd.lower() in ("prev1or2or3tag", "next1or2or3tag", "prev2tag", "next2tag", "prevbigram",
                           "nextbigram") and frm in word_with and x in word_with:
            a, b = word_with[x], word_with[frm]
            groups += [[[a], [b]], [[b], [a]], [[a, a], [b, b]], [[b, b], [a, a]], [[a], [b], [a]]]
    assert len(groups) > 20
    for group in groups:
        assert tagger.tag_sentences(group) == [[t for _, t in tagger_ref.find_tags(list(s))] for s in group], group
