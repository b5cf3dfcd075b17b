"""Time and peak memory of ``biasaudit debias`` (hard and INLP, default settings) on 100k random d=300 vectors.

The vocabulary holds every word of the shipped debias lists and WEAT 6-8 (gender leaning planted on the
definitional pairs) plus random letter-only fillers, in a word2vec binary file. Each method runs in a fresh
process so its peak RSS is its own. Writes bench/results/debias.json; must not be imported by tests.
"""
from __future__ import annotations

import json
import platform
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

N_WORDS, DIM, SEED = 100_000, 300, 0
ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from biasaudit.transforms.debias import DebiasSettings, debias_file
from biasaudit.transforms.debias_report import report_prefix, write_debias_report
t1 = time.perf_counter()
report = debias_file(sys.argv[1], sys.argv[2], DebiasSettings(method=sys.argv[3]))
write_debias_report(report, report_prefix(sys.argv[2]))
t2 = time.perf_counter()
summary = {"seconds": round(t2 - t1, 2), "import_seconds": round(t1 - t0, 2),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "direct_bias": [report["direct_bias"]["before"], report["direct_bias"]["after"]]}
if sys.argv[3] == "inlp":
    summary["test_accuracy"] = report["inlp"]["test_accuracy"]
    summary["dev_accuracy_first_last"] = [report["inlp"]["iterations"][i]["dev_accuracy"] for i in (0, -1)]
    summary["rank_removed"] = report["inlp"]["rank_removed"]
else:
    summary["equalized_pairs"] = len(report["hard"]["equalized_pairs"])
print(json.dumps(summary))
"""


def write_vectors_file(path: Path) -> None:
    from biasaudit.associations.embeddings_writer import write_vectors
    from biasaudit.associations.weat import load_tests
    from biasaudit.transforms.debias_lists import load_debias_lists

    lists = load_debias_lists()
    known = list(dict.fromkeys([w for p in lists.definitional + lists.equalize for w in p]
                               + sorted(lists.gender_specific) + list(lists.professions)
                               + sorted({w for t in load_tests(["weat6", "weat7", "weat8"]) for w in t.all_words()})))
    rng = np.random.default_rng(SEED)
    letters = np.array(list(string.ascii_lowercase))
    fillers = ["".join(x) for x in rng.choice(letters, size=(N_WORDS - len(known), 10))]
    words = known + fillers
    vectors = rng.normal(size=(N_WORDS, DIM)).astype(np.float32)
    g = rng.normal(size=DIM).astype(np.float32)
    g /= np.linalg.norm(g)
    for i, w in enumerate(words[:20]):  # the definitional pairs come first: female +g, male -g
        vectors[i] += (2.0 if i % 2 == 0 else -2.0) * np.sqrt(DIM) * g / 4
    write_vectors(path, words, vectors, format="word2vec-bin")


def main() -> None:
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "vectors.bin"
        write_vectors_file(source)
        for method in ("hard", "inlp"):
            done = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(Path(tmp) / f"{method}.bin"),
                                   method], cwd=ROOT, check=True, capture_output=True, text=True)
            runs[method] = json.loads(done.stdout.strip().splitlines()[-1])
            print(method, runs[method])
        file_mb = round(source.stat().st_size / 1e6, 1)
    result = {"vocabulary": N_WORDS, "dim": DIM, "file": "word2vec binary", "file_mb": file_mb, "runs": runs,
              "settings": "defaults: hard = 10 PCA components; inlp = 35 LinearSVC iterations, 7,500 words per "
                          "class, max_vocab 150,000; WEAT 6-8 before/after; report JSON + Markdown + PNG",
              "python": platform.python_version(), "machine": platform.machine(),
              "note": "one run each in a fresh process; seconds = load + transform + write + measure + report "
                      "(imports excluded); shared 2-core machine"}
    out = Path(__file__).parent / "results" / "debias.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
