"""biasaudit's faster VADER port gives vaderSentiment 2.5's scores exactly, on real and adversarial texts."""
from __future__ import annotations

import csv
import json
import random

import pytest
from conftest import shared_path
from vaderSentiment import vaderSentiment as vs

from biasaudit.io import example_path
from biasaudit.text.fast_vader import FastVader
from biasaudit.text.vader import polarity

REFERENCE = vs.SentimentIntensityAnalyzer()
FAST = FastVader()


def reference(text: str) -> tuple[float, float, float, float]:
    s = REFERENCE.polarity_scores(text)
    return s["compound"], s["pos"], s["neu"], s["neg"]


def mismatches(texts: list[str]) -> list[tuple[str, tuple, tuple]]:
    return [(t, reference(t), FAST.polarity(t)) for t in texts if reference(t) != FAST.polarity(t)]


def test_same_scores_on_every_davidson_tweet():
    with open(shared_path("data", "davidson", "labeled_train.csv"), encoding="utf-8", newline="") as fh:
        tweets = [row["tweet"] for row in csv.DictReader(fh)]
    assert len(tweets) > 19_000
    assert mismatches(tweets) == []


def test_same_scores_on_hutto_sentences_and_example_dialogues():
    with open(shared_path("data", "hutto_bsd", "collapsedData.csv"), encoding="utf-8", errors="replace") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    with open(example_path(), encoding="utf-8") as fh:
        for line in fh:
            texts += [turn["text"] for turn in json.loads(line)["turns"]]
    assert len(texts) > 200
    assert mismatches(texts) == []


def _adversarial_texts(n: int, seed: int) -> list[str]:
    """Texts dense in every rule VADER has: boosters, negations, 'but', idioms, 'least', caps, edge punctuation,
    repeated words (2.5 scores a repeat at its first position) and emoticons."""
    rng = random.Random(seed)
    lexicon = sorted(REFERENCE.lexicon)
    rules = sorted(vs.BOOSTER_DICT) + vs.NEGATE + [
        "but", "BUT", "kind", "of", "least", "at", "very", "never", "so", "this", "isn't", "n't", "the", "bomb",
        "yeah", "right", "cut", "mustard", "kiss", "death", "hand", "to", "mouth", "bad", "good", "great"]
    punctuation = vs.PUNC_LIST + ["(", ")", "*", "..", ":)", ":(", ";-)", "", "", ""]

    def word() -> str:
        w = rng.choice(lexicon) if rng.random() < 0.4 else rng.choice(rules)
        shape = rng.random()
        w = w.upper() if shape < 0.15 else w.title() if shape < 0.25 else w
        edge = rng.random()
        return w + rng.choice(punctuation) if edge < 0.2 else rng.choice(punctuation) + w if edge < 0.3 else w

    return [" ".join(word() for _ in range(rng.randint(0, 40))) for _ in range(n)]


def test_same_scores_on_adversarial_texts():
    texts = _adversarial_texts(20_000, seed=11)
    assert sum("but" in t.split() for t in texts) > 500  # the quirky rules are really exercised
    assert mismatches(texts) == []


@pytest.mark.parametrize("text", [
    "", "   ", "!", "a", ":)", "GOOD good GOOD but bad bad BAD!!!", "It was kind of good, kind of bad",
    "At least it isn't a horrible book.", "never so good", "not the shit", "yeah right, the bomb...",
    "VERY GOOD but not great??", "good good good good but", "\u00c9NORME good \u2014 TRÈS bien!!!!!",
    "\"great,\" 'awful' -terrible- !!!wow!!!", "kinda sux!! BUT I'll get by, lol",
])
def test_same_scores_on_edge_cases(text):
    assert FAST.polarity(text) == reference(text)


def test_polarity_array_is_the_package_scores():
    texts = ["What a lovely day.", "This is terrible!", ""]
    assert polarity(texts).tolist() == [list(reference(t)) for t in texts]
