"""Time of all 10 WEAT tests on a 100k-word vocabulary of random d=300 vectors in word2vec binary and text files.

Writes bench/results/weat.json; must not be imported by tests (timings belong here, not in assertions).
"""
from __future__ import annotations

import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from biasaudit.associations.embeddings import load_vectors
from biasaudit.associations.weat import load_tests, run_test

N_WORDS, DIM, PERMUTATIONS, SEED = 100_000, 300, 100_000, 0


def write_files(tmp: Path) -> dict[str, Path]:
    tests = load_tests()
    test_words = sorted({w for t in tests for w in t.all_words()})
    words = test_words + [f"filler{i}" for i in range(N_WORDS - len(test_words))]
    order = np.random.default_rng(1).permutation(N_WORDS)  # test words spread through the file
    vecs = np.random.default_rng(SEED).normal(size=(N_WORDS, DIM)).astype(np.float32)
    binary, text = tmp / "vectors.bin", tmp / "vectors.txt"
    with open(binary, "wb") as fb, open(text, "w", encoding="utf-8") as ft:
        fb.write(f"{N_WORDS} {DIM}\n".encode())
        ft.write(f"{N_WORDS} {DIM}\n")
        for i in order:
            fb.write(words[i].encode() + b" " + vecs[i].astype("<f4").tobytes() + b"\n")
            ft.write(words[i] + " " + " ".join(f"{x:.5f}" for x in vecs[i].tolist()) + "\n")
    return {"word2vec-bin": binary, "word2vec-text": text}


def time_run(path: Path, load_all: bool) -> dict:
    tests = load_tests()
    t0 = time.perf_counter()
    words = None if load_all else {w for t in tests for w in t.all_words()}
    emb = load_vectors(path, words=words)
    t1 = time.perf_counter()
    per_test = {}
    for test in tests:
        t = time.perf_counter()
        result = run_test(test, emb.lookup, permutations=PERMUTATIONS, seed=SEED)
        per_test[test.name] = {"seconds": round(time.perf_counter() - t, 3),
                               "n_permutations": result["n_permutations"]}
    t2 = time.perf_counter()
    return {"file_mb": round(path.stat().st_size / 1e6, 1), "loaded_words": len(emb),
            "load_seconds": round(t1 - t0, 2), "tests_seconds": round(t2 - t1, 2),
            "total_seconds": round(t2 - t0, 2), "per_test": per_test}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp))
        runs = {fmt: time_run(path, load_all=False) for fmt, path in files.items()}
        runs["word2vec-bin --load-all"] = time_run(files["word2vec-bin"], load_all=True)
    result = {"vocabulary": N_WORDS, "dim": DIM, "tests": "weat1..weat10 (Caliskan et al. 2017)",
              "permutations": PERMUTATIONS, "exact_max": "1,000,000 re-partitions", "runs": runs,
              "python": platform.python_version(), "machine": platform.machine(),
              "note": "one run each; load = stream the file keeping only the tests' words (except --load-all); "
                      "tests = effect size + p-value for all 10; shared 2-core machine"}
    out = Path(__file__).parent / "results" / "weat.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: {x: v[x] for x in ("load_seconds", "tests_seconds", "total_seconds")}
                      for k, v in runs.items()}, indent=2))


if __name__ == "__main__":
    main()
