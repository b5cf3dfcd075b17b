"""Throughput (records/s, one core) of the hate analyzer's shipped variants: real tweets, chat lines, documents.

Chat lines and 50-300-word documents are bench/corpus.py's seeded texts. ``first_use_s`` is the first small
batch after loading (stemmer import, caches). Writes bench/results/hate.json.
Run: ``OMP_NUM_THREADS=1 python bench/bench_hate.py [--n 5000]``; needs the Davidson training CSV.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
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
    from corpus import write_corpus

    texts = pd.read_csv(args.data, keep_default_na=False)["tweet"].tolist()[: args.n]
    folder = Path(tempfile.gettempdir()) / "biasaudit-bench"
    folder.mkdir(exist_ok=True)
    mixes = {mix: [json.loads(line)["text"] for line in write_corpus(folder / f"hate-{mix}-{n}.jsonl", mix, n)
                   .read_text(encoding="utf-8").splitlines()]
             for mix, n in (("chat", args.n * 2), ("doc", max(args.n // 5, 1)))}
    results = {}
    for variant in ("default", "davidson2017"):
        t0 = time.perf_counter()
        analyzer = HateAnalyzer(variant)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        analyzer.analyze_batch(TextBatch(texts[:200]))  # warm caches (stemmer, VADER lexicon)
        first_s = time.perf_counter() - t0
        tps = rate(analyzer, texts)
        per_mix = {f"{mix}_records_per_s": round(rate(analyzer, mix_texts))
                   for mix, mix_texts in mixes.items()}
        results[variant] = {"tweets_per_s": round(tps), **per_mix, "load_s": round(load_s, 3),
                            "first_use_s": round(first_s, 3)}
        print(f"hate:{variant:<13} {tps:>9,.0f} tweets/s  {per_mix['chat_records_per_s']:>9,} chat/s  "
              f"{per_mix['doc_records_per_s']:>7,} docs/s   (model load {load_s:.2f} s, first use {first_s:.2f} s)")
    out = {"n_tweets": len(texts), "n_chat": len(mixes["chat"]), "n_doc": len(mixes["doc"]),
           "batch": 1000, "python": platform.python_version(),
           "machine": platform.machine(),
           "note": "one process, one core, shared machine: best of 3 passes (word caches warm after the first)",
           "results": results, "peers_tweets_per_s": PEERS}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
