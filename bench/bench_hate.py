"""Throughput (tweets/s, one core) of the hate analyzer's shipped variants on real tweets.

Writes bench/results/hate.json. Run: ``python bench/bench_hate.py [--n 5000]``; needs the Davidson training CSV.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import pandas as pd

from biasaudit.analyzers.hate import HateAnalyzer
from biasaudit.text.batch import TextBatch

SHARED = Path(os.environ.get("BIASAUDIT_SHARED", Path(__file__).resolve().parents[2] / "shared"))
DATA = SHARED / "data" / "davidson" / "labeled_train.csv"
PEERS = {"davidson2017 (faithful re-implementation, spec)": 1300, "HateSonar (spec)": 4800}


def rate(analyzer: HateAnalyzer, texts: list[str], batch: int = 1000, repeats: int = 3) -> float:
    """Best of ``repeats`` full passes with fresh batches (shared work such as VADER is included)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            analyzer.analyze_batch(TextBatch(texts[i:i + batch]))
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000, help="tweets to score per pass (default 5000)")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "hate.json"))
    args = ap.parse_args()
    texts = pd.read_csv(args.data, keep_default_na=False)["tweet"].tolist()[: args.n]
    results = {}
    for variant in ("default", "davidson2017"):
        t0 = time.perf_counter()
        analyzer = HateAnalyzer(variant)
        load_s = time.perf_counter() - t0
        analyzer.analyze_batch(TextBatch(texts[:200]))  # warm caches (stemmer, VADER lexicon)
        tps = rate(analyzer, texts, repeats=3 if variant == "default" else 1)
        results[variant] = {"tweets_per_s": round(tps), "load_s": round(load_s, 3)}
        print(f"hate:{variant:<13} {tps:>9,.0f} tweets/s   (model load {load_s:.2f} s)")
    out = {"n_tweets": len(texts), "batch": 1000, "python": platform.python_version(),
           "machine": platform.machine(), "note": "one process, one core, shared machine: best of runs",
           "results": results, "peers_tweets_per_s": PEERS}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
