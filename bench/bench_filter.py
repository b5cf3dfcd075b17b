"""Filter hook throughput (docs/s on one core) with the default policy, and the Ray engine's overhead.

The hook alone (``FilterHook.score_and_decide``: hate classifier + rule) and with the "who gets filtered out"
accounting (identity-term tagging), on seeded chat-length and document-length text (bench/corpus.py); then
``filter_files`` end to end with the local engine vs ``--engine ray`` on 2 workers. Writes
bench/results/filter.json. Run: ``OMP_NUM_THREADS=1 python bench/bench_filter.py [--n 20000]``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import orjson

from biasaudit.filtering import FilterHook
from biasaudit.report.filtered import FilterAccount

HERE = Path(__file__).resolve().parent
BATCH = 1024


def _texts(path: Path) -> list[str]:
    return [orjson.loads(line)["text"] for line in path.read_bytes().splitlines()]


def hook_rate(texts: list[str], account: bool, repeats: int = 3) -> float:
    """Best of ``repeats`` passes, docs/s; the models load before timing (once per worker in real runs)."""
    hook = FilterHook()
    hook.score_and_decide(texts[:50])
    best = float("inf")
    for _ in range(repeats):
        acc = FilterAccount(hook.policy, ["p_hate", "p_offensive"]) if account else None
        start = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            batch = texts[i:i + BATCH]
            decisions = hook.score_and_decide(batch)
            if acc is not None:
                acc.update(batch, decisions)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def engine_seconds(corpus: Path, engine: str) -> float:
    from biasaudit.filtering.run import filter_files

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        filter_files([corpus], Path(tmp) / "k.jsonl", Path(tmp) / "r.jsonl", engine=engine, workers=2,
                     progress=False)
        return time.perf_counter() - start


def main() -> None:
    from corpus import write_corpus

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20_000, help="chat records (documents: n / 5)")
    ap.add_argument("--out", default=str(HERE / "results" / "filter.json"))
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()
    data = Path(tempfile.gettempdir()) / "biasaudit-bench"
    data.mkdir(exist_ok=True)
    results: dict = {"machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(),
                                 "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")},
                     "policy": FilterHook().policy.as_dict(), "batch": BATCH, "mixes": {}}
    corpora = {}
    for mix, n in (("chat", args.n), ("doc", args.n // 5)):
        corpora[mix] = write_corpus(data / f"filter-{mix}-{n}.jsonl", mix, n)
        texts = _texts(corpora[mix])
        hook = hook_rate(texts, account=False)
        with_account = hook_rate(texts, account=True)
        results["mixes"][mix] = {"records": n, "mean_chars": round(sum(map(len, texts)) / n),
                                 "hook_docs_per_s": round(hook), "hook_with_accounting_docs_per_s":
                                 round(with_account)}
        print(f"{mix:<5} hook {hook:>9,.0f} docs/s   with who-gets-filtered accounting {with_account:>9,.0f}")
    if not args.no_ray:
        local = engine_seconds(corpora["chat"], "local")
        on_ray = engine_seconds(corpora["chat"], "ray")
        results["engines_chat"] = {"records": args.n, "local_seconds": round(local, 2),
                                   "ray_2_workers_seconds": round(on_ray, 2),
                                   "ray_overhead_seconds": round(on_ray - local, 2),
                                   "note": "filter_files end to end (read, score, write, summary); Ray time "
                                           "includes starting a local Ray and its actors"}
        print(f"filter_files chat: local {local:.2f} s, ray (2 workers) {on_ray:.2f} s")
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
