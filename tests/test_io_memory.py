"""Streaming: memory stays flat while iterating a large generated file (a behaviour, not a timing)."""
from __future__ import annotations

import gzip
import tracemalloc

import pytest

from biasaudit.io import ReadStats, iter_records

N = 200_000


@pytest.mark.parametrize("name", ["big.jsonl", "big.jsonl.gz", "big.csv"])
def test_peak_memory_small_while_streaming_200k_lines(tmp_path, name):
    p = tmp_path / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(p, "wt") as fh:
        if name.endswith(".csv"):
            fh.write("id,text\n")
            fh.writelines(f"{i},this is short line number {i} about nothing much\n" for i in range(N))
        else:
            fh.writelines(f'{{"text": "this is short line number {i} about nothing much"}}\n' for i in range(N))
    stats = ReadStats()
    tracemalloc.start()
    try:
        n = sum(1 for _ in iter_records([str(p)], stats=stats))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == N and stats.records == N
    assert peak < 20_000_000, f"peak {peak / 1e6:.1f} MB"
