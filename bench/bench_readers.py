"""Read throughput (records/s) of biasaudit.io.iter_records on 100k short lines in each format.

Writes bench/results/readers.json; must not be imported by tests (timings belong here, not in assertions).
"""
from __future__ import annotations

import gzip
import json
import platform
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from biasaudit.io import iter_records

N = 100_000
TEXT = "she said the meeting went well, I think {} of them agreed"


def write_inputs(tmp: Path) -> dict[str, tuple[Path, dict]]:
    texts = [TEXT.format(i) for i in range(N)]
    lines = [json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)]
    (tmp / "a.jsonl").write_text("".join(lines))
    with gzip.open(tmp / "a.jsonl.gz", "wt", compresslevel=6) as fh:
        fh.writelines(lines)
    (tmp / "a.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress((tmp / "a.jsonl").read_bytes()))
    (tmp / "a.txt").write_text("".join(t + "\n" for t in texts))
    (tmp / "a.csv").write_text("id,text\n" + "".join(f'{i},"{t}"\n' for i, t in enumerate(texts)))
    pq.write_table(pa.table({"id": list(range(N)), "text": texts}), tmp / "a.parquet")
    convs = [json.dumps({"id": c, "turns": [{"speaker": "a", "role": "user", "text": t}
                                           for t in texts[c * 5:(c + 1) * 5]]}) + "\n" for c in range(N // 5)]
    (tmp / "d.jsonl").write_text("".join(convs))
    return {"jsonl": (tmp / "a.jsonl", {}), "jsonl_id_field": (tmp / "a.jsonl", {"id_field": "id"}),
            "jsonl_gz": (tmp / "a.jsonl.gz", {}), "jsonl_zst": (tmp / "a.jsonl.zst", {}), "txt": (tmp / "a.txt", {}), "csv": (tmp / "a.csv", {}),
            "parquet": (tmp / "a.parquet", {}), "dialogue": (tmp / "d.jsonl", {"dialogue": True})}


def best_rate(path: Path, options: dict, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = sum(1 for _ in iter_records([str(path)], **options))
        best = min(best, time.perf_counter() - t0)
    assert n == N, n
    return N / best


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inputs = write_inputs(Path(tmp))
        rates = {name: round(best_rate(path, opts)) for name, (path, opts) in inputs.items()}
    result = {"records": N, "text": TEXT, "records_per_second": rates, "python": platform.python_version(),
              "machine": platform.machine(), "note": "best of 3, whole iter_records loop; shared 2-core machine"}
    out = Path(__file__).parent / "results" / "readers.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(rates, indent=2))


if __name__ == "__main__":
    main()
