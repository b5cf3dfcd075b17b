"""The benchmark suite: floor, each analyzer, the full scan and the peers, side by side on the same texts.

    python bench/run.py                 # chat and doc mixes; scan at 10k/100k/1M chat and 10k/100k doc records
    python bench/run.py --quick         # 2k/10k records, for checking the suite itself
    python bench/run.py --mixes tweets  # only the real tweets (shared/data/davidson), all ~20k of them

Writes bench/results.json, BENCHMARKS.md (tables with ratios to the floor and to vaderSentiment) and plots in
bench/plots/. Each measurement runs in a fresh process (bench/measure.py) on one core. Components and peers run
on the first ``--component-records`` records of each mix; the full scan runs at every size, for the memory claim.
Peers that are not installed (HateSonar, datatrove) are reported as skipped, not guessed. The ``tweets`` mix is
real text (Davidson et al.'s ~20k training tweets, read from shared/ and skipped without it): everything runs on
all of it, scan included.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import head, write_corpus, write_tweets
from onecore import compile_package, one_core_env

COMPONENTS = ("floor", "sentiment", "linguistic_bias", "hate", "default analyzers", "scan", "filter hook")
PEERS = ("vaderSentiment", "HateSonar", "datatrove Gopher filter")
SIZES = {"chat": (10_000, 100_000, 1_000_000), "doc": (10_000, 100_000)}
QUICK_SIZES = {"chat": (2_000, 10_000), "doc": (2_000, 10_000)}


#: Rows the goals compare, measured REPEATS times (median kept): on this shared machine one run of a second or two
#: varies by up to ~20% from one minute to the next.
GOAL_ROWS = ("default analyzers", "scan", "vaderSentiment")
REPEATS = 3
REPEAT_SCANS_UP_TO = 100_000  # records; a 1M-record scan runs once (a minute or more)


def measure(name: str, corpus: Path, limit: int | None, repeats: int = 1) -> dict:
    """One row: ``repeats`` runs in fresh processes, the median by time kept (``runs_seconds`` lists them all)."""
    runs = []
    for _ in range(repeats):
        row = _measure_once(name, corpus, limit)
        if "skipped" in row:
            return row
        runs.append(row)
    runs.sort(key=lambda r: r["seconds"])
    row = runs[len(runs) // 2]
    if repeats > 1:
        row["runs_seconds"] = [round(r["seconds"], 4) for r in runs]
    return row


def _measure_once(name: str, corpus: Path, limit: int | None) -> dict:
    cmd = [sys.executable, str(HERE / "measure.py"), name, str(corpus)] + (["--limit", str(limit)] if limit else [])
    env = one_core_env(TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        return {"name": name, "skipped": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    row.update(name=name, records_per_s=row["records"] / row["seconds"], mb_per_s=row["text_mb"] / row["seconds"])
    return row


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--component-records", type=int, default=20_000)
    ap.add_argument("--mixes", nargs="+", default=["chat", "doc", "tweets"], choices=["chat", "doc", "tweets"])
    ap.add_argument("--chat-sizes", type=int, nargs="+", help=f"scan sizes for the chat mix ({SIZES['chat']})")
    ap.add_argument("--doc-sizes", type=int, nargs="+", help=f"scan sizes for the doc mix ({SIZES['doc']})")
    ap.add_argument("--note", default="", help="conditions of this run, printed in BENCHMARKS.md (e.g. a busy CPU)")
    ap.add_argument("--out", type=Path, default=HERE / "results.json")
    ap.add_argument("--markdown", type=Path, default=HERE.parent / "BENCHMARKS.md")
    args = ap.parse_args()
    compile_package()
    sizes = dict(QUICK_SIZES if args.quick else SIZES)
    sizes["chat"] = tuple(args.chat_sizes or sizes["chat"])
    sizes["doc"] = tuple(args.doc_sizes or sizes["doc"])
    limit = min(args.component_records, 2_000) if args.quick else args.component_records
    results = {"when": time.strftime("%Y-%m-%d"), "python": platform.python_version(), "cpu": _cpu(),
               "cores_used": 1, "component_records": limit, "note": args.note, "mixes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for mix in args.mixes:
            if mix == "tweets":
                try:
                    biggest = write_tweets(Path(tmp) / "tweets.jsonl")
                except FileNotFoundError as err:
                    print(f"[tweets] skipped: {err}", flush=True)
                    continue
                with open(biggest, "rb") as fh:
                    n_tweets = sum(1 for _ in fh)
                sizes["tweets"] = (min(n_tweets, limit),) if args.quick else (n_tweets,)
                mix_limit = limit if args.quick else None  # all of them, for components and peers too
            else:
                biggest = write_corpus(Path(tmp) / f"{mix}.jsonl", mix, max(sizes[mix]))
                mix_limit = limit
            rows = {}
            for name in COMPONENTS + PEERS:  # a scan reads a file of its records (see corpus.head); others islice
                rows[name] = measure(name, head(biggest, mix_limit) if name == "scan" and mix_limit else biggest,
                                     mix_limit, REPEATS if name in GOAL_ROWS else 1)
                _say(mix, rows[name])
            scans = []
            for n in sizes[mix]:
                row = measure("scan", head(biggest, n), None,  # a file of n records, not --limit (see head)
                              REPEATS if n <= REPEAT_SCANS_UP_TO else 1)
                row["size"] = n
                scans.append(row)
                _say(mix, row, f"scan {n:,}")
            results["mixes"][mix] = {"components": rows, "scan_by_size": scans}
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    from report import plot, write_markdown

    plot(results, HERE / "plots")
    write_markdown(results, args.markdown)
    print(f"wrote {args.out}, {args.markdown} and bench/plots/")


def _say(mix: str, row: dict, label: str | None = None) -> None:
    label = label or row["name"]
    if "skipped" in row:
        print(f"[{mix}] {label:<26} skipped: {row['skipped']}", flush=True)
    else:
        print(f"[{mix}] {label:<26} {row['records_per_s']:>10,.0f} rec/s {row['mb_per_s']:>7.2f} MB/s "
              f"peak RSS {row['peak_rss_mb']:>6.0f} MB", flush=True)


if __name__ == "__main__":
    main()
