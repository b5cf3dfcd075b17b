"""Benchmark: `biasaudit scan` end to end: throughput, fixed overhead, peak memory against size, --workers scaling.

    python bench/bench_scan.py            # the full set (about 15 minutes on a quiet 2-core machine)
    python bench/bench_scan.py --quick    # small sizes, to check the script itself

Every measurement runs in a fresh process on the seeded corpora of bench/corpus.py and writes one row of
bench/results/scan.json:
  - throughput: default analyzers, chat and doc mixes, 20k and 100k records (records/s of the whole scan() call);
  - fixed: a 100-record scan in a fresh process: import, scan() and report-writing seconds (the cost that does
    not grow with the corpus: imports, model loading, plots);
  - memory: peak RSS at 10k/100k/1M chat records with the sentiment analyzer only (the default analyzers at 1M
    take many minutes; their memory is measured at 10k/100k), which must stay flat;
  - workers: 100k chat records, default analyzers, --workers 1 vs 2 (speed-up; needs 2 idle cores to mean much).
The machine's load average is recorded with each row: on a shared machine absolute numbers are pessimistic.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import head, write_corpus
from onecore import compile_package, one_core_env

DEFAULT = "sentiment,linguistic_bias,hate"
CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
import biasaudit
import biasaudit.scanner as scanner
t1 = time.perf_counter()
args = json.loads(sys.argv[1])
write = scanner.write_report_files
timing = {}
def timed_write(*a, **k):
    t = time.perf_counter()
    write(*a, **k)
    timing["report_seconds"] = time.perf_counter() - t
scanner.write_report_files = timed_write
if __name__ == "__main__":
    t2 = time.perf_counter()
    r = biasaudit.scan(args["corpus"], analyzers=args["analyzers"], out=args["out"], limit=args["n"],
                       workers=args["workers"], progress=False)
    t3 = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"import_seconds": t1 - t0, "seconds": t3 - t2, "scored": r.report["counts"]["scored"],
                      "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                      **timing}))
"""


def run(corpus: Path, n: int, analyzers: str, tmp: str, workers: int = 1, **labels) -> dict:
    args = {"corpus": str(head(corpus, n)), "n": n, "analyzers": analyzers, "workers": workers, "out": f"{tmp}/out"}
    env = one_core_env()
    load_before = os.getloadavg()[0]
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], capture_output=True, text=True,
                          check=True, env=env)
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row.update(labels, records=n, analyzers=analyzers, workers=workers, records_per_s=row["scored"] / row["seconds"],
               load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    print(f"{labels}  {n:>9,} records  {row['seconds']:7.1f} s  {row['records_per_s']:>7,.0f} rec/s  "
          f"peak RSS {row['peak_rss_mb']:.0f} MB  (load {row['load_average']})", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2k/5k/20k records instead of 20k/100k/1M")
    ap.add_argument("--skip", nargs="*", default=[], choices=["throughput", "fixed", "memory", "workers"])
    ap.add_argument("--out", type=Path, default=HERE / "results" / "scan.json")
    args = ap.parse_args()
    compile_package()
    sizes = ((2_000, 5_000), (2_000, 5_000, 20_000), 5_000) if args.quick else \
        ((20_000, 100_000), (10_000, 100_000, 1_000_000), 100_000)
    through_sizes, memory_sizes, workers_size = sizes
    result: dict = {"benchmark": "scan", "when": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
                    "memory_note": "peak RSS of the scanning process; 1M records with the sentiment analyzer only "
                                   "(the default analyzers at 1M take many minutes), default analyzers at 10k/100k"}
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {mix: write_corpus(Path(tmp) / f"{mix}.jsonl", mix, n) for mix, n in
                   (("chat", max(max(through_sizes), max(memory_sizes))), ("doc", max(through_sizes)))}
        if "fixed" not in args.skip:
            result["fixed"] = run(corpora["chat"], 100, DEFAULT, tmp, kind="fixed")
        if "throughput" not in args.skip:
            result["throughput"] = [run(corpora[mix], n, DEFAULT, tmp, kind="throughput", mix=mix)
                                    for mix in ("chat", "doc") for n in through_sizes]
        if "memory" not in args.skip:
            result["memory"] = [run(corpora["chat"], n, "sentiment", tmp, kind="memory") for n in memory_sizes]
            result["memory"] += [run(corpora["chat"], n, DEFAULT, tmp, kind="memory") for n in memory_sizes[:2]]
        if "workers" not in args.skip:
            rows = [run(corpora["chat"], workers_size, DEFAULT, tmp, workers=w, kind="workers") for w in (1, 2)]
            result["workers"] = {"rows": rows, "speedup_2_vs_1": rows[0]["seconds"] / rows[1]["seconds"]}
            print(f"workers 2 vs 1: {result['workers']['speedup_2_vs_1']:.2f}x", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
