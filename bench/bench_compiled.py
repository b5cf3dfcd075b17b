"""Benchmark: the Cython-compiled hot modules against pure Python, same checkout, runs alternating.

    python setup.py build_ext --inplace      # or pip install -e . : builds biasaudit/_compiled/
    python bench/bench_compiled.py           # default analyzers (chat, doc), 100k-record chat scan; ~5 minutes
    python bench/bench_compiled.py --quick   # small sizes, to check the script itself

Each measurement is bench/measure.py in a fresh process on one core, importing this checkout (PYTHONPATH), with
BIASAUDIT_PURE_PYTHON=1 for the pure runs. Pure and compiled runs alternate (a busy machine slows both alike)
and the median of the pairs is reported. Writes bench/results/compiled.json.
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

MODES = {"pure": {"BIASAUDIT_PURE_PYTHON": "1"}, "compiled": {"BIASAUDIT_PURE_PYTHON": "0"}}


def _env(mode: str) -> dict[str, str]:
    return one_core_env(**MODES[mode], PYTHONPATH=str(HERE.parent))


def compiled_modules() -> list[str]:
    code = "import json, biasaudit.compiled as c; print(json.dumps(c.status()))"
    status = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                       env=_env("compiled")).stdout)
    return sorted(name for name, state in status.items() if state == "compiled")


def measure(name: str, corpus: Path, limit: int, mode: str) -> float:
    cmd = [sys.executable, str(HERE / "measure.py"), name, str(corpus), "--limit", str(limit)]
    row = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=_env(mode))
                     .stdout.strip().splitlines()[-1])
    return row["records"] / row["seconds"]


def compare(name: str, corpus: Path, limit: int, pairs: int, **labels) -> dict:
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    load = os.getloadavg()[0]
    for _ in range(pairs):
        for mode in MODES:
            rates[mode].append(measure(name, corpus, limit, mode))
    row = {**labels, "measure": name, "records": limit, "pairs": pairs,
           **{f"{mode}_records_per_s": [round(r) for r in rs] for mode, rs in rates.items()},
           "speedup_median": statistics.median(c / p for p, c in zip(rates["pure"], rates["compiled"])),
           "load_average": [round(load, 2), round(os.getloadavg()[0], 2)]}
    print(f"{labels} {name:18} {limit:>7,} records  pure {statistics.median(rates['pure']):7,.0f}  compiled "
          f"{statistics.median(rates['compiled']):7,.0f} rec/s  x{row['speedup_median']:.2f}", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="2k/1k/5k records and 1 pair instead of 20k/4k/100k, 3")
    ap.add_argument("--pairs", type=int, help="alternating pure/compiled pairs per measurement (3)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "compiled.json")
    args = ap.parse_args()
    chat, doc, scan = (2_000, 1_000, 5_000) if args.quick else (20_000, 4_000, 100_000)
    pairs = args.pairs or (1 if args.quick else 3)
    modules = compiled_modules()
    if not modules:
        sys.exit("nothing is compiled here: run `python setup.py build_ext --inplace` (or pip install -e .) first")
    result = {"benchmark": "compiled", "when": time.strftime("%Y-%m-%d %H:%M"), "compiled_modules": modules}
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {mix: write_corpus(Path(tmp) / f"{mix}.jsonl", mix, n) for mix, n in
                   (("chat", max(chat, scan)), ("doc", doc))}
        result["rows"] = [compare("default analyzers", corpora["chat"], chat, pairs, mix="chat"),
                          compare("default analyzers", corpora["doc"], doc, pairs, mix="doc"),
                          compare("scan", corpora["chat"], scan, pairs, mix="chat")]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
