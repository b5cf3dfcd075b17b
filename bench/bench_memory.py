"""Peak memory of the default scan by corpus size: is it flat from 10k to 1M records? (issue 11)

    python bench/bench_memory.py                                  # chat 10k/100k/1M, doc 10k/100k
    python bench/bench_memory.py --chat-sizes 10000 100000 --doc-sizes --corpus-dir /tmp/corpora

Each size is scanned in a fresh process on one core (the first N records of the bench corpus of that mix, as
bench/run.py does), with the code of this checkout. Per size: peak RSS (ru_maxrss), the highest RSS seen while
records were being scored (sampled every 50 ms) and after (assembling records.parquet, quantiles, report
sections, report files), and seconds. Writes bench/results/memory.json; growth is from the smallest size.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from onecore import compile_package, one_core_env

SIZES = {"chat": (10_000, 100_000, 1_000_000), "doc": (10_000, 100_000)}


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def child(corpus: str, n: int) -> dict:
    """One default scan of the first ``n`` records; RSS split into scoring and the work after it."""
    import resource
    import tempfile
    import threading

    import biasaudit

    state = {"done": 0, "scoring": 0.0, "after": 0.0, "stop": False}

    def sample() -> None:
        while not state["stop"]:
            key = "scoring" if state["done"] < n else "after"
            state[key] = max(state[key], _rss_mb())
            time.sleep(0.05)

    def progress(done: int) -> None:
        state["done"] = done

    threading.Thread(target=sample, daemon=True).start()
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = biasaudit.scan(corpus, out=out, limit=n, progress=progress)
        seconds = time.perf_counter() - start
    state["stop"] = True
    return {"size": n, "records": result.report["counts"]["scored"], "seconds": round(seconds, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "scoring_rss_mb": round(state["scoring"], 1), "after_scoring_rss_mb": round(state["after"], 1)}


def measure(corpus: Path, n: int) -> dict:
    env = one_core_env(TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(HERE.parent))
    proc = subprocess.run([sys.executable, __file__, "--child", str(corpus), str(n)], check=True,
                          capture_output=True, text=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _corpus(folder: Path, mix: str, n: int) -> Path:
    from corpus import write_corpus

    path = folder / f"{mix}.jsonl"
    if path.exists():
        with open(path, "rb") as fh:
            if sum(1 for _ in fh) >= n:
                return path
    return write_corpus(path, mix, n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chat-sizes", type=int, nargs="*", default=list(SIZES["chat"]))
    ap.add_argument("--doc-sizes", type=int, nargs="*", default=list(SIZES["doc"]))
    ap.add_argument("--corpus-dir", type=Path, help="keep (and reuse) the bench corpora here")
    ap.add_argument("--note", default="")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "memory.json")
    ap.add_argument("--child", nargs=2, metavar=("CORPUS", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], int(args.child[1]))))
        return
    compile_package()
    import tempfile

    results = {"when": time.strftime("%Y-%m-%d"), "python": platform.python_version(), "cores_used": 1,
               "note": args.note, "mixes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.corpus_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for mix, sizes in (("chat", args.chat_sizes), ("doc", args.doc_sizes)):
            if not sizes:
                continue
            corpus = _corpus(folder, mix, max(sizes))
            rows = []
            for n in sorted(sizes):
                rows.append(measure(corpus, n))
                print(f"[{mix}] {n:>9,} records: peak RSS {rows[-1]['peak_rss_mb']:6.0f} MB (scoring "
                      f"{rows[-1]['scoring_rss_mb']:.0f}, after {rows[-1]['after_scoring_rss_mb']:.0f}), "
                      f"{rows[-1]['seconds']:.1f} s", flush=True)
            growth = rows[-1]["peak_rss_mb"] / rows[0]["peak_rss_mb"] - 1
            results["mixes"][mix] = {"scan_by_size": rows, "peak_growth": round(growth, 4)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
