"""Benchmark: what `biasaudit scan` costs beyond its analyzers, old code against new, alternating.

    python bench/bench_scan_overhead.py --old /path/to/baseline/checkout          # chat 20k, 100k; doc 4k
    python bench/bench_scan_overhead.py --old ... --quick                         # small sizes

Each run is a fresh process (``OMP_NUM_THREADS=1``, one pass, default analyzers) importing biasaudit from
``--old`` or ``--new``; the two alternate, ``--repeats`` pairs per corpus, and medians are reported. The child
times its import, the whole ``scan()`` call and, by wrapping ``scanner.run_batch``, the analyzers themselves:
``overhead = scan - analyzers`` is what readers, Arrow conversion, checkpoints, aggregation, collectors and the
report cost. On a shared machine absolute numbers are pessimistic; the old/new ratio is the figure to read.
Writes bench/results/scan_overhead.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import write_corpus
from onecore import one_core_env

CHILD = """
import json, sys, time
t0 = time.perf_counter()
import biasaudit
import biasaudit.scanner as scanner
t1 = time.perf_counter()
args = json.loads(sys.argv[1])
real, spent = scanner.run_batch, [0.0]
def run_batch(*a, **k):
    t = time.perf_counter()
    try:
        return real(*a, **k)
    finally:
        spent[0] += time.perf_counter() - t
scanner.run_batch = run_batch
t2 = time.perf_counter()
r = biasaudit.scan(args["corpus"], out=args["out"], limit=args["n"], progress=False)
t3 = time.perf_counter()
print(json.dumps({"import_seconds": t1 - t0, "scan_seconds": t3 - t2, "analyzer_seconds": spent[0],
                  "scored": r.report["counts"]["scored"], "file": biasaudit.__file__}))
"""


def run(tree: Path, corpus: Path, n: int, tmp: str) -> dict:
    env = one_core_env(PYTHONPATH=str(tree))
    args = {"corpus": str(corpus), "n": n, "out": f"{tmp}/out"}
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], capture_output=True, text=True,
                          check=False, env=env, cwd=tree)
    if proc.returncode:
        raise SystemExit(f"{tree}: the scan failed:\n{proc.stderr[-3000:]}")
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    if not row.pop("file").startswith(str(tree)):
        raise SystemExit(f"{tree}: the child imported biasaudit from elsewhere")
    row["overhead_seconds"] = row["scan_seconds"] - row["analyzer_seconds"]
    return row


def summary(rows: list[dict], n: int) -> dict:
    med = {k: statistics.median(r[k] for r in rows)
           for k in ("import_seconds", "scan_seconds", "analyzer_seconds", "overhead_seconds")}
    return {**{k: round(v, 3) for k, v in med.items()},
            "overhead_us_per_record": round(1e6 * med["overhead_seconds"] / n, 1),
            "records_per_s": round(n / med["scan_seconds"])}


def split(cases: list[dict]) -> dict | None:
    """Overhead = fixed + per record * n, solved from the smallest and largest chat case (medians)."""
    chat = sorted((c for c in cases if c["mix"] == "chat"), key=lambda c: c["records"])
    if len(chat) < 2:
        return None
    small, large = chat[0], chat[-1]
    out = {}
    for which in ("old", "new"):
        per = ((large[which]["overhead_seconds"] - small[which]["overhead_seconds"])
               / (large["records"] - small["records"]))
        out[which] = {"per_record_us": round(1e6 * per, 1),
                      "fixed_seconds": round(small[which]["overhead_seconds"] - per * small["records"], 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", type=Path, required=True, help="a checkout of the baseline (its root folder)")
    ap.add_argument("--new", type=Path, default=HERE.parent)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "scan_overhead.json")
    args = ap.parse_args()
    cases = [("chat", 2_000), ("doc", 500)] if args.quick else [("chat", 20_000), ("chat", 100_000), ("doc", 4_000)]
    result: dict = {"benchmark": "scan_overhead", "when": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
                    "method": "fresh process per run, old and new alternating, medians of --repeats pairs; "
                              "overhead = scan() seconds - seconds inside run_batch (the analyzers)",
                    "repeats": args.repeats, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        for mix, n in cases:
            corpus = write_corpus(Path(tmp) / f"{mix}{n}.jsonl", mix, n)
            rows: dict[str, list[dict]] = {"old": [], "new": []}
            loads = [round(os.getloadavg()[0], 2)]
            for _ in range(args.repeats):
                for which in ("old", "new"):
                    rows[which].append(run(getattr(args, which).resolve(), corpus, n, tmp))
            loads.append(round(os.getloadavg()[0], 2))
            case = {"mix": mix, "records": n, "load_average": loads,
                    **{which: summary(r, n) for which, r in rows.items()}, "runs": rows}
            case["overhead_saved_us_per_record"] = round(
                case["old"]["overhead_us_per_record"] - case["new"]["overhead_us_per_record"], 1)
            case["scan_speedup"] = round(case["old"]["scan_seconds"] / case["new"]["scan_seconds"], 3)
            print(f"{mix} {n:>7,}: scan {case['old']['scan_seconds']:.2f} -> {case['new']['scan_seconds']:.2f} s, "
                  f"overhead {case['old']['overhead_seconds']:.2f} -> {case['new']['overhead_seconds']:.2f} s "
                  f"({case['old']['overhead_us_per_record']} -> {case['new']['overhead_us_per_record']} us/rec), "
                  f"import {case['old']['import_seconds']:.2f} -> {case['new']['import_seconds']:.2f} s "
                  f"(load {loads})", flush=True)
            result["cases"].append(case)
    result["chat_split"] = split(result["cases"])
    print(f"chat overhead split: {result['chat_split']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
