"""Throughput of the linguistic_bias analyzer on the bench corpus's chat and doc records, one core, next to
main's straightforward implementation (tests/oracles/, the equivalence oracle) timed alternately with it.

Writes bench/results/linguistic_bias.json. Run: ``python bench/bench_linguistic_bias.py [--n 5000]``.
Times are CPU seconds (``process_time``), best of ``--repeats``: on the shared 2-core machine wall time mostly
measures the neighbours; on a quiet core the two agree. Per-token caches are warm after the first repeat.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE), str(HERE.parent / "tests")]  # this checkout's biasaudit, not the installed one

from corpus import text, vocabulary
from oracles import linguistic_bias_reference as reference

from biasaudit.analyzers.linguistic_bias import LinguisticBiasAnalyzer
from biasaudit.text.batch import TextBatch
from biasaudit.text.vader import SHARED_KEY, polarity

BATCH = 1000


def records(mix: str, n: int) -> list[str]:
    words, weights = vocabulary()
    rng = random.Random(f"{mix}-0")  # the seeding of bench/corpus.py's write_corpus
    return [text(rng, mix, words, weights) for _ in range(n)]


def vader_done(texts: list[str]) -> TextBatch:
    """A batch whose VADER pass the sentiment analyzer already did: what the default scan hands this analyzer."""
    batch = TextBatch(texts)
    batch.shared(SHARED_KEY, lambda t: np.zeros((len(t), 4)))
    return batch


def runner(analyzer, make_batch: Callable[[list[str]], TextBatch]) -> Callable[[list[str]], None]:
    def run(texts: list[str]) -> None:
        for i in range(0, len(texts), BATCH):
            analyzer.analyze_batch(make_batch(texts[i:i + BATCH]))
    return run


def best_rates(fns: dict[str, Callable[[list[str]], None]], texts: list[str], repeats: int) -> dict[str, float]:
    """Records per CPU second of each function, best of ``repeats``, the functions taking turns."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.process_time()
            fn(texts)
            best[name] = min(best[name], time.process_time() - start)
    return {name: len(texts) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000, help="chat records (doc records: n/10)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    fast, lexical = LinguisticBiasAnalyzer(), LinguisticBiasAnalyzer(modality=False)
    oracle = reference.LinguisticBiasAnalyzer()
    results: dict = {"python": platform.python_version(), "machine": platform.machine(), "batch": BATCH,
                     "clock": "process_time (CPU seconds), best of repeats", "records_per_second": {}}
    for mix, n in (("chat", args.n), ("doc", max(args.n // 10, 100))):
        texts = records(mix, n)
        for a in (fast, lexical, oracle):
            a.analyze_batch(TextBatch(texts[:10]))  # load lexicons outside the timing
        rates = best_rates({
            "vader_only": lambda b: [polarity(b[i:i + BATCH]) for i in range(0, len(b), BATCH)],
            "lexical_features_vader_shared": runner(lexical, vader_done),
            "full_vader_shared": runner(fast, vader_done),
            "full_incl_vader": runner(fast, TextBatch),
            "main_full_vader_shared": runner(oracle, vader_done),
        }, texts, args.repeats)
        row = {"records": n, "mean_words": round(sum(len(t.split()) for t in texts) / n, 1)}
        row.update({k: round(v) for k, v in rates.items()})
        row["speedup_vs_main"] = round(rates["full_vader_shared"] / rates["main_full_vader_shared"], 2)
        results["records_per_second"][mix] = row
        print(mix, json.dumps(row))
    out = HERE / "results" / "linguistic_bias.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
