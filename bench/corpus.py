"""Seeded synthetic corpora for the benchmark suite: chat-length lines and document-length paragraphs.

Words are drawn Zipf-like from the bundled example dialogues' vocabulary (everyday English) mixed with VADER's
lexicon (so sentiment, negation and booster rules fire about as often as in real text). Same seed, same bytes.
"""
from __future__ import annotations

import csv
import json
import os
import random
import re
from itertools import islice
from pathlib import Path

from vaderSentiment import vaderSentiment as vs

from biasaudit.io import example_path

MIXES = ("chat", "doc")
#: Real text, read from shared/ where it is (never shipped): the 2017 training tweets of Davidson et al.
SHARED = Path(os.environ.get("BIASAUDIT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
TWEETS = SHARED / "data" / "davidson" / "labeled_train.csv"
WORDS_PER_RECORD = {"chat": (4, 30), "doc": (50, 300)}


def vocabulary() -> tuple[list[str], list[float]]:
    """Words and Zipf weights: example-corpus words by frequency rank, then VADER lexicon words, rarer."""
    counts: dict[str, int] = {}
    with open(example_path(), encoding="utf-8") as fh:
        for line in fh:
            for turn in json.loads(line)["turns"]:
                for w in re.findall(r"[A-Za-z']+", turn["text"].lower()):
                    counts[w] = counts.get(w, 0) + 1
    common = sorted(counts, key=lambda w: (-counts[w], w))
    sentiment = sorted(w for w in vs.SentimentIntensityAnalyzer().lexicon if w.isalpha() and w not in counts)
    words = common + sentiment + sorted(vs.BOOSTER_DICT) + sorted(vs.NEGATE)
    weights = [1.0 / (rank + 1) for rank in range(len(common))]
    weights += [0.2 / len(sentiment)] * len(sentiment) + [0.002] * (len(words) - len(common) - len(sentiment))
    return words, weights


def _sentence(rng: random.Random, words: list[str], weights: list[float], n: int) -> str:
    tokens = rng.choices(words, weights, k=n)
    if n > 6 and rng.random() < 0.3:
        tokens[rng.randrange(2, n - 2)] += ","
    return " ".join(tokens).capitalize() + rng.choice(".....!?")


def text(rng: random.Random, mix: str, words: list[str], weights: list[float]) -> str:
    lo, hi = WORDS_PER_RECORD[mix]
    total = rng.randint(lo, hi)
    parts = []
    while total > 0:
        n = min(total, rng.randint(4, 22)) if mix == "doc" else total
        parts.append(_sentence(rng, words, weights, n))
        total -= n
    return " ".join(parts)


def write_corpus(path: Path, mix: str, n: int, seed: int = 0) -> Path:
    """Write ``n`` JSONL records ``{"id", "text"}`` of the given mix; reuses an existing identical file."""
    if mix not in MIXES:
        raise ValueError(f"mix must be one of {MIXES}, got {mix!r}")
    rng = random.Random(f"{mix}-{seed}")
    words, weights = vocabulary()
    tmp = path.with_suffix(".partial")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": f"{mix}-{i}", "text": text(rng, mix, words, weights)}) + "\n"
                      for i in range(n))
    tmp.replace(path)
    return path


def head(path: Path, n: int) -> Path:
    """The first ``n`` lines of ``path`` in a file beside it (``<stem>-<n>.jsonl``): a scan of ``n`` records then
    reads, and fingerprints, a file of ``n`` records, as a user's scan would. With ``limit`` on a bigger file the
    scan would also hash all of it for its input fingerprint (~60 ms for a million chat lines)."""
    out = path.with_name(f"{path.stem}-{n}{path.suffix}")
    with open(path, "rb") as src, open(out, "wb") as dst:
        dst.writelines(islice(src, n))
    return out


def write_tweets(path: Path, source: Path = TWEETS) -> Path:
    """Write every tweet of Davidson et al.'s training set as ``{"id", "text"}`` JSONL, in file order: real
    text (mentions, URLs, HTML entities, slang, an open vocabulary) next to the synthetic mixes, whose vocabulary
    is closed. FileNotFoundError when shared/ does not hold it."""
    if not source.is_file():
        raise FileNotFoundError(f"{source} not found (set BIASAUDIT_SHARED to the shared/ folder)")
    tmp = path.with_suffix(".partial")
    with open(source, newline="", encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps({"id": f"tweet-{i}", "text": row["tweet"]}) + "\n"
                      for i, row in enumerate(csv.DictReader(src)))
    tmp.replace(path)
    return path
