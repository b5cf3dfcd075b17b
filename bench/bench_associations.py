"""Time and peak memory of the corpus association check (scan --associations) on synthetic utterances.

Writes bench/results/associations.json; must not be imported by tests (timings belong here, not in assertions).
Each size runs in a fresh process so that its peak RSS is its own.
"""
from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES, BATCH, SEED = (10_000, 100_000), 1024, 0
OUT = Path(__file__).resolve().parent / "results" / "associations.json"


def utterances(n: int, seed: int = SEED) -> list[str]:
    """Utterances of 6-20 words: 30k synthetic words drawn Zipf-like, plus one WEAT word in every second one."""
    from biasaudit.associations.weat import load_tests

    rng = np.random.default_rng(seed)
    weat_words = sorted({w for t in load_tests() for w in t.all_words()})
    vocab = np.array([f"w{i}" for i in range(30_000)])
    p = 1.0 / np.arange(1, vocab.size + 1)
    p /= p.sum()
    lengths = rng.integers(6, 21, n)
    words = vocab[rng.choice(vocab.size, lengths.sum(), p=p)]
    out, start = [], 0
    for i, k in enumerate(lengths):
        row = list(words[start:start + k])
        if i % 2 == 0:
            row[rng.integers(0, k)] = weat_words[rng.integers(0, len(weat_words))]
        out.append(" ".join(row))
        start += k
    return out


def run_one(n: int) -> dict:
    import pandas as pd

    from biasaudit.associations.corpus import CorpusAssociations

    texts = utterances(n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    collector = CorpusAssociations(seed=SEED)
    t0 = time.perf_counter()
    for start in range(0, n, BATCH):
        chunk = texts[start:start + BATCH]
        collector.update(pd.DataFrame({"id": range(len(chunk)), "text": chunk, "conversation_id": None}))
    t1 = time.perf_counter()
    section = collector.finish()
    t2 = time.perf_counter()
    doc, _, _ = collector.counter.document_counts()
    return {"utterances": n, "tokens": section["corpus"]["tokens"], "update_seconds": round(t1 - t0, 2),
            "finish_seconds": round(t2 - t1, 2), "total_seconds": round(t2 - t0, 2),
            "utterances_per_second": round(n / (t2 - t0)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_mb": round(rss_before, 1), "count_matrix_nnz": int(collector.counter.counts.nnz),
            "per_document_weat_cells": int(doc.size),
            "tests_ok": sum(t["status"] == "ok" for t in section["tests"]),
            "options": section["method"]}


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]))))
        return
    runs = [json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                                      capture_output=True, text=True).stdout) for n in SIZES]
    result = {"what": "CorpusAssociations update() over batches of 1,024 synthetic utterances + finish() "
                      "(PPMI-SVD, WEAT 1-10, 200 bootstrap draws each), default options",
              "runs": runs, "python": platform.python_version(), "machine": platform.machine(),
              "note": "peak_rss_mb includes the synthetic corpus held in memory (rss_before_mb)"}
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
