"""Open a scan directory (``biasaudit scan --out DIR``) for viewing: report.json plus records.parquet, checked.

Surfaces (the dashboard) call this instead of reading files themselves, so a missing or damaged directory becomes
one ``InputError`` that says which file and what is wrong, never a traceback.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from biasaudit.errors import InputError
from biasaudit.report.compare import ScanInput, load_scan
from biasaudit.text.masking import mask_text

#: Record metadata columns every scan writes (biasaudit.io.records.RECORD_COLUMNS); the rest are analyzer columns.
REQUIRED_COLUMNS = ("id", "text")


@dataclass
class ScanDir:
    """A loaded scan: ``label``, ``path``, ``report`` (report.json) and ``records`` (records.parquet)."""

    label: str
    path: Path
    report: dict[str, Any]
    records: pd.DataFrame = field(repr=False)

    @property
    def scan_input(self) -> ScanInput:
        """The form ``biasaudit.report.compare`` takes."""
        return ScanInput(self.label, self.path, self.report)

    def columns_of_kind(self, kind: str) -> list[str]:
        """Analyzer columns of one kind (``score``, ``label`` or ``flag``), in report order."""
        return [name for name, info in self.report["columns"].items() if info["kind"] == kind]


def load_scan_dir(path: str | os.PathLike, label: str | None = None) -> ScanDir:
    """Read and check a scan directory; raise ``InputError`` naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such scan directory", file=str(path))
    if not path.is_dir():
        raise InputError("expected a scan directory (biasaudit scan --out DIR), got a file", file=str(path))
    scan = load_scan((label or path.resolve().name, path))
    report = scan.report
    for key in ("counts", "columns", "scores", "labels", "flags", "breakdowns"):
        if not isinstance(report.get(key), dict):
            raise InputError(f"report.json has no {key!r} section; is it from an older or damaged scan?",
                             file=str(path / "report.json"))
    try:
        records = pq.read_table(scan.records_path).to_pandas()
    except (pa.ArrowException, OSError) as err:
        raise InputError(f"records.parquet cannot be read ({err})", file=str(scan.records_path)) from None
    missing = [c for c in (*REQUIRED_COLUMNS, *report["columns"]) if c not in records.columns]
    if missing:
        raise InputError(f"records.parquet lacks column(s) {', '.join(missing)} that report.json describes",
                         file=str(scan.records_path))
    if len(records) != report["counts"]["scored"]:
        raise InputError(f"records.parquet has {len(records):,} records but report.json counts "
                         f"{report['counts']['scored']:,} scored; the two files are from different scans",
                         file=str(scan.records_path))
    return ScanDir(scan.label, path, report, records)


def shown_text(texts: pd.Series, reveal: bool) -> pd.Series:
    """Texts as a person sees them: listed slurs and profanities masked unless ``reveal``."""
    texts = texts.fillna("").astype(str)
    return texts if reveal else texts.map(mask_text)
