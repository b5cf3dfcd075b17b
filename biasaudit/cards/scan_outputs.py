"""Read what ``biasaudit scan --out DIR`` wrote, for a card: report.json (the numbers) and records.parquet (ids).

A card must show the report's numbers exactly, so the report is read as written; records are read only for
record ids (and texts when the card is asked to quote examples).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from biasaudit.errors import InputError
from biasaudit.report.build import REPORT_FORMAT
from biasaudit.scanner import RECORDS_FILE

REPORT_FILE = "report.json"
#: Top-level report.json keys a card reads; a file without them is not a scan report.
REQUIRED_KEYS = ("counts", "inputs", "analyzers", "columns", "scores", "labels", "flags", "breakdowns",
                 "sections", "reproducibility")
#: records.parquet columns a card may use (others are never read).
CARD_COLUMNS = ("id", "text", "hate_label", "p_hate", "p_offensive")


@dataclass(frozen=True)
class ScanOutputs:
    """One scan directory: its report, the report file's sha256, and the record columns a card uses (or None)."""

    path: Path
    report: dict[str, Any]
    report_sha256: str
    records: pd.DataFrame | None


def load_scan(scan_dir: str | Path, *, with_text: bool = False) -> ScanOutputs:
    """Read SCAN_DIR/report.json and, if present, the id/label/probability columns of records.parquet.

    ``with_text`` also reads the record texts (only for cards that quote examples). Raises InputError naming the
    file and what was expected when the directory is not a complete biasaudit scan.
    """
    root = Path(scan_dir)
    if not root.is_dir():
        raise InputError("not a scan directory (expected the --out DIR of 'biasaudit scan')", file=str(root))
    report_path = root / REPORT_FILE
    if not report_path.is_file():
        raise InputError(f"no {REPORT_FILE}: run 'biasaudit scan INPUT --out {root}' first", file=str(root))
    raw = report_path.read_bytes()
    try:
        report = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        line = raw[: err.pos].count(b"\n") + 1
        raise InputError(f"invalid JSON ({err.msg})", file=str(report_path), line=line) from None
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise InputError(f"expected a biasaudit scan report (format {REPORT_FORMAT!r})", file=str(report_path),
                         field="format")
    missing = [k for k in REQUIRED_KEYS if k not in report]
    if missing:
        raise InputError("report is incomplete (was the scan interrupted?)", file=str(report_path),
                         field=missing[0])
    records = _read_records(root / RECORDS_FILE, report, with_text=with_text)
    return ScanOutputs(root, report, hashlib.sha256(raw).hexdigest(), records)


def _read_records(path: Path, report: dict[str, Any], *, with_text: bool) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        present = set(pq.read_schema(path).names)
        columns = [c for c in CARD_COLUMNS if c in present and (with_text or c != "text")]
        frame = pd.read_parquet(path, columns=columns)
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"unreadable Parquet ({type(err).__name__}: {err})", file=str(path)) from None
    scored = report["counts"].get("scored")
    if len(frame) != scored:
        raise InputError(f"{len(frame):,} rows but report.json scored {scored:,}: not the same scan",
                         file=str(path))
    if "id" not in frame.columns:
        raise InputError("no 'id' column", file=str(path), field="id")
    return frame
