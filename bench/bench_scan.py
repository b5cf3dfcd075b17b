"""Benchmark: `biasaudit scan` throughput and peak memory against corpus size (constant memory is the claim).

Generates seeded synthetic chat-length JSONL corpora, scans each in a fresh process, and records records/s and
peak RSS; writes bench/results/scan.json. Usage: python bench/bench_scan.py [--sizes 10000 100000] [--analyzers ...]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = ["the", "a", "we", "you", "they", "it", "is", "was", "really", "not", "very", "good", "bad", "great", "awful", "think", "maybe", "said", "know", "work", "team", "game", "movie", "train", "weather", "coffee", "phone", "help", "thanks", "sorry", "love", "hate", "people", "always", "never", "probably", "perhaps", "clearly", "seems", "should", "would", "could", "must", "she", "he", "her", "his", "their", "our"]

CHILD = """
import json, resource, sys, time
import biasaudit
t = time.perf_counter()
r = biasaudit.scan(sys.argv[1], analyzers=sys.argv[2], out=sys.argv[3], progress=False)
dt = time.perf_counter() - t
print(json.dumps({"seconds": dt, "scored": r.report["counts"]["scored"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_corpus(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18))).capitalize() + "."
            fh.write(json.dumps({"id": i, "text": text}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--analyzers", default="sentiment")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "scan.json"))
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            corpus = Path(tmp) / f"c{n}.jsonl"
            make_corpus(corpus, n)
            proc = subprocess.run([sys.executable, "-c", CHILD, str(corpus), args.analyzers, f"{tmp}/o{n}"],
                                  capture_output=True, text=True, check=True)
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r.update(records=n, records_per_s=n / r["seconds"], mb=corpus.stat().st_size / 1e6,
                     analyzers=args.analyzers)
            rows.append(r)
            print(f"{n:>9,} records  {r['records_per_s']:>9,.0f} rec/s  peak RSS {r['peak_rss_mb']:.0f} MB",
                  flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"benchmark": "scan", "when": time.strftime("%Y-%m-%d"),
                                          "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
