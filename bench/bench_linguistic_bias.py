"""Throughput of the linguistic_bias analyzer on chat-length and paragraph-length text, one core.

Writes bench/results/linguistic_bias.json. Run: ``python bench/bench_linguistic_bias.py [--n 20000]``.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import time
from pathlib import Path

import numpy as np

from biasaudit.analyzers.linguistic_bias import LinguisticBiasAnalyzer, _pattern_en, reference_tokens
from biasaudit.text.batch import TextBatch
from biasaudit.text.vader import SHARED_KEY, polarity

VOCABULARY = ("i think they probably know what he said but you can't be sure , maybe it is true . we tend to agree "
         "with the report ; it's clear that the team worked hard ! really ? the u.s. economy grew 3.5 % in 2015 "
         "and some people say that is a lie")
WORDS = VOCABULARY.split()


def make_texts(n: int, words: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(words // 2, words * 3 // 2))).capitalize()
            for _ in range(n)]


def rate(fn, texts: list[str], batch: int = 1000, repeats: int = 3) -> float:
    """Best of ``repeats`` runs (the machine is shared: the best run is the least disturbed one)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            fn(texts[i:i + batch])
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def vader_done(texts: list[str]) -> TextBatch:
    """A batch whose VADER pass another analyzer (sentiment) already did: what a multi-analyzer scan sees."""
    batch = TextBatch(texts)
    batch.shared(SHARED_KEY, lambda t: np.zeros((len(t), 4)))
    return batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000, help="chat lines (paragraphs: n/10)")
    args = parser.parse_args()
    lexical = LinguisticBiasAnalyzer(modality=False)
    full = LinguisticBiasAnalyzer()
    lexical(["warm up"])
    results: dict = {"python": platform.python_version(), "machine": platform.machine(),
                     "modality_available": _pattern_en() is not None, "texts_per_second": {}}
    for label, n, words in (("chat", args.n, 10), ("paragraph", max(args.n // 10, 200), 120)):
        texts = make_texts(n, words, seed=1)
        tokens = sum(len(reference_tokens(t)) for t in texts[:500]) / min(500, n)
        row = {"texts": n, "mean_tokens": round(tokens, 1),
               "tokenize_only": rate(lambda b: [reference_tokens(t) for t in b], texts),
               "vader_only": rate(polarity, texts),
               "lexicon_features_incl_vader": rate(lambda b: lexical.analyze_batch(TextBatch(b)), texts)}
        row["lexicon_features_vader_shared"] = rate(lambda b: lexical.analyze_batch(vader_done(b)), texts)
        if _pattern_en() is not None:
            sub = texts[: max(n // 10, 100)]
            row["full_with_modality"] = rate(lambda b: full.analyze_batch(TextBatch(b)), sub)
        results["texts_per_second"][label] = {k: (round(v) if isinstance(v, float) else v) for k, v in row.items()}
        print(label, json.dumps(results["texts_per_second"][label]))
    out = Path(__file__).resolve().parent / "results" / "linguistic_bias.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
