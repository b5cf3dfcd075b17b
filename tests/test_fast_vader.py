"""biasaudit's faster VADER port gives vaderSentiment 2.5's scores exactly, on real and adversarial texts.

Scores are compared bit for bit (``float.hex``, so -0.0 is not 0.0), in this process (the compiled build when it is
current) and in a pure-Python child process (BIASAUDIT_PURE_PYTHON=1), against the package itself.
"""
from __future__ import annotations

import csv
import json
import math
import os
import random
import subprocess
import sys

import pytest
from conftest import ROOT, shared_path
from generated_texts import generated_texts
from vaderSentiment import vaderSentiment as vs

from biasaudit.io import example_path
from biasaudit.text import fast_vader
from biasaudit.text.fast_vader import FastVader
from biasaudit.text.vader import polarity

REFERENCE = vs.SentimentIntensityAnalyzer()
FAST = FastVader()


def reference(text: str) -> tuple[float, float, float, float]:
    s = REFERENCE.polarity_scores(text)
    return s["compound"], s["pos"], s["neu"], s["neg"]


def bits(scores) -> tuple[str, ...]:
    return tuple(float(x).hex() for x in scores)


def mismatches(texts: list[str], scorer=FAST) -> list[tuple[str, tuple, tuple]]:
    """Texts the port scores differently from the package, one at a time and in one ``polarity_many`` call."""
    flat = scorer.polarity_many(texts)
    out = []
    for k, text in enumerate(texts):
        expected = bits(reference(text))
        if bits(scorer.polarity(text)) != expected or bits(flat[4 * k:4 * k + 4]) != expected:
            out.append((text, reference(text), scorer.polarity(text)))
    return out


def _davidson() -> list[str]:
    with open(shared_path("data", "davidson", "labeled_train.csv"), encoding="utf-8", newline="") as fh:
        return [row["tweet"] for row in csv.DictReader(fh)]


def _sentences() -> list[str]:
    """Hutto et al.'s news sentences, the SEAT template sentences and the bundled example dialogues."""
    with open(shared_path("data", "hutto_bsd", "collapsedData.csv"), encoding="utf-8", errors="replace") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    for path in sorted(shared_path("data", "sent-bias", "tests").glob("sent-*.jsonl")):
        texts += [t for part in json.loads(path.read_text(encoding="utf-8")).values() for t in part["examples"]]
    with open(example_path(), encoding="utf-8") as fh:
        for line in fh:
            texts += [turn["text"] for turn in json.loads(line)["turns"]]
    return texts


def test_same_scores_on_every_davidson_tweet():
    tweets = _davidson()
    assert len(tweets) > 19_000
    assert mismatches(tweets) == []


def test_same_scores_on_real_sentences_and_example_dialogues():
    texts = _sentences()
    assert len(texts) > 1000
    assert mismatches(texts) == []


def test_same_scores_on_bench_corpora():
    texts = generated_texts("fast-vader", 6000, 400)
    assert sum(" but " in t for t in texts) > 100
    assert mismatches(texts) == []


WHITESPACE = [" "] * 12 + ["  ", "\t", "\n", "\u00a0", "\u2003", " \r\n "]
PHRASES = ["never so", "never this", "not so", "so very", "kind of", "sort of", "just enough", "at least",
           "very least", "the least", "the shit", "the bomb", "bad ass", "yeah right", "cut the mustard",
           "kiss of death", "hand to mouth", "not the bomb", "isn't very", "without doubt", "no good", "but"]
EDGES = vs.PUNC_LIST + ["(", ")", "*", "..", "....", "!!!!", "?!", "«", "»", "\u201c", "'", "\"", "#", "@"]


def _adversarial_texts(n: int, seed: int) -> list[str]:
    """Texts dense in every rule VADER has: boosters, negations up to three words back, 'but', 'kind of', idioms,
    'least', ALL CAPS and mixed caps, edge punctuation, !!! and ???, repeated words (2.5 scores a repeat at its first
    position), emoticons, emoji, non-ASCII words and odd whitespace."""
    rng = random.Random(seed)
    lexicon = sorted(REFERENCE.lexicon)
    rules = sorted(vs.BOOSTER_DICT) + vs.NEGATE + [
        "but", "BUT", "But", "kind", "of", "least", "at", "very", "never", "so", "this", "n't", "foon't", "the",
        "bomb", "yeah", "right", "cut", "mustard", "kiss", "death", "hand", "to", "mouth", "bad", "good", "great"]
    other = ["the", "a", "I", "it", "was", "is", "movie", "\u00e9norme", "TR\u00c8S", "na\u00efve", "\U0001f600",
             "\U0001f621", "\u2764\ufe0f", ":)", ":(", ";-)", "<3", ":D", "xD", "42", "3.5", "-", "...", "!!!", "?"]

    def word() -> str:
        roll = rng.random()
        w = rng.choice(lexicon) if roll < 0.35 else rng.choice(rules) if roll < 0.75 else rng.choice(other)
        if rng.random() < 0.08:
            w = rng.choice(PHRASES)
        shape = rng.random()
        w = w.upper() if shape < 0.15 else w.title() if shape < 0.22 else w
        edge = rng.random()
        return w + rng.choice(EDGES) if edge < 0.2 else rng.choice(EDGES) + w if edge < 0.28 else w

    texts = []
    for _ in range(n):
        words = [word() for _ in range(rng.randint(0, 40))]
        if words and rng.random() < 0.3:  # repeats
            words += rng.sample(words, k=min(len(words), rng.randint(1, 4)))
            rng.shuffle(words)
        text = "".join(w + rng.choice(WHITESPACE) for w in words)
        if rng.random() < 0.1:
            text = text.upper()
        if rng.random() < 0.3:
            text += rng.choice(["!", "?"]) * rng.randint(1, 6)
        texts.append(text)
    return texts


def test_same_scores_on_adversarial_texts():
    texts = _adversarial_texts(20_000, seed=11)
    assert sum("but" in t.split() for t in texts) > 500  # the quirky rules are really exercised
    assert sum(t.isupper() for t in texts) > 1000 and sum("least" in t for t in texts) > 1000
    assert mismatches(texts) == []


def test_same_scores_where_but_rescales_a_score_onto_another():
    """2.5's 'but' rule rescales the first score EQUAL to each one: it bites when half or 1.5 times one score is
    another (2.0 and 1.0 before 'but', 2.0 and 3.0 after), so draw words whose valences pair up that way."""
    values = set(REFERENCE.lexicon.values())
    paired = {v for v in values if v * 1.5 in values or v * 0.5 in values or v / 1.5 in values or v / 0.5 in values}
    pool = sorted(w for w, v in REFERENCE.lexicon.items() if v in paired and w.isalpha())
    rng = random.Random(7)
    texts = [" ".join(rng.choice(pool) if rng.random() < 0.7 else rng.choice(["but", "BUT", "the", "so", "very"])
                      for _ in range(rng.randint(2, 12))) for _ in range(6000)]
    assert mismatches(texts) == []


EDGE_CASES = [
    "", "   ", "\n\t \u00a0", "!", "a", "ab", ":)", "!!!???", "GOOD", "good", "GOOD good GOOD but bad bad BAD!!!",
    "It was kind of good, kind of bad", "kind of", "good kind", "At least it isn't a horrible book.",
    "least good", "very least good", "at least good", "never so good", "never this good", "so so good",
    "not the shit", "yeah right, the bomb...", "cut the mustard good", "VERY GOOD but not great??",
    "good good good good but", "but good", "BUT good but bad", "good BUT bad", "\u00c9NORME good \u2014 TR\u00c8S bien!!!!!",
    "\"great,\" 'awful' -terrible- !!!wow!!!", "kinda sux!! BUT I'll get by, lol", "good!!!!", "!!good", "'good'",
    "good,bad", "nice????", "nice???", "nice??", "not not not good", "didn't really like it", "no", "NO NO no",
    "good \U0001f600 \U0001f621", "sort of bad", "just enough good", "sad sad sad but happy happy",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_same_scores_on_edge_cases(text):
    assert bits(FAST.polarity(text)) == bits(reference(text))


def test_polarity_array_is_the_package_scores():
    texts = ["What a lovely day.", "This is terrible!", "", "not bad at all"]
    assert polarity(texts).tolist() == [list(reference(t)) for t in texts]
    assert polarity([]).shape == (0, 4)


def test_memo_stays_bounded_and_scores_do_not_depend_on_it(monkeypatch):
    monkeypatch.setattr(fast_vader, "MEMO_SIZE", 50)
    scorer = FastVader()
    texts = _adversarial_texts(1500, seed=5)
    assert mismatches(texts, scorer) == []
    assert 0 < len(scorer._memo) <= 50


def test_fast_round_is_pythons_round_bit_for_bit():
    rng = random.Random(3)
    values = [rng.uniform(-1, 1) for _ in range(100_000)] + [rng.random() ** 8 for _ in range(20_000)]
    for digits in (3, 4):  # values within a few ulps of every decimal tie, where only exact rounding agrees
        for k in range(0, 10 ** digits, 7 if digits == 4 else 1):
            tie = (k + 0.5) / 10 ** digits
            values += [tie, -tie, math.nextafter(tie, 0), math.nextafter(tie, 1), k / 10 ** digits]
    values += [0.0, -0.0, 1.0, -1.0, 1e-300, -1e-300, 5e-5, -5e-5, 0.00049999999999999999, 0.9999499999999999]
    bad = [(x, d) for d in (3, 4) for x in values if fast_vader._round(x, d).hex() != round(x, d).hex()]
    assert bad == []


PURE_CHILD = r"""
import json, sys
import biasaudit.compiled
from biasaudit.text.fast_vader import FastVader
assert not biasaudit.compiled.in_use()["modules"], biasaudit.compiled.in_use()
texts = json.loads(sys.stdin.read())
print(json.dumps([float(x).hex() for x in FastVader().polarity_many(texts)]))
"""


def test_pure_python_build_gives_the_same_scores():
    """The .py alone (what users without a compiler run) against the package, on every kind of text above."""
    texts = (_davidson()[:3000] + _sentences()[:1500] + generated_texts("fast-vader-pure", 1500, 100)
             + _adversarial_texts(4000, seed=12) + EDGE_CASES)
    env = {**os.environ, "BIASAUDIT_PURE_PYTHON": "1"}
    child = subprocess.run([sys.executable, "-c", PURE_CHILD], input=json.dumps(texts), capture_output=True,
                           text=True, cwd=ROOT, env=env, check=True)
    scored = json.loads(child.stdout)
    assert len(scored) == 4 * len(texts)
    bad = [t for k, t in enumerate(texts) if tuple(scored[4 * k:4 * k + 4]) != bits(reference(t))]
    assert bad == []
