"""Which scans are open, loaded once per session and per file version; errors shown as messages.

Nothing is written to disk: loaded scans are cached in memory (st.cache_resource), keyed by path and mtime.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from biasaudit.errors import BiasauditError
from biasaudit.report.scan_dir import ScanDir, load_scan_dir


@st.cache_resource(show_spinner="Loading scan ...", max_entries=32)
def _load(path: str, label: str, stamp: tuple[float, float]) -> ScanDir:
    return load_scan_dir(path, label)


def _stamp(path: Path) -> tuple[float, float]:
    stats = [p.stat().st_mtime if p.exists() else 0.0 for p in (path / "report.json", path / "records.parquet")]
    return stats[0], stats[1]


def scan_paths() -> dict[str, str]:
    """label -> directory of every scan the user opened (command line first, then the app)."""
    if "scan_paths" not in st.session_state:
        paths: dict[str, str] = {}
        for arg in sys.argv[1:]:
            add_path(paths, arg)
        st.session_state["scan_paths"] = paths
    return st.session_state["scan_paths"]


def add_path(paths: dict[str, str], spec: str) -> str:
    """Add ``DIR`` or ``LABEL=DIR`` under a label no other scan has; returns the label."""
    label, sep, rest = spec.partition("=")
    if not (sep and label and not Path(spec).exists()):
        label, rest = Path(spec).resolve().name or spec, spec
    base, k = label, 2
    while label in paths and paths[label] != rest:
        label, k = f"{base} ({k})", k + 1
    paths[label] = rest
    return label


def load_all() -> dict[str, ScanDir]:
    """Every open scan that loads; each that does not gets a clear error message (not a traceback)."""
    loaded = {}
    for label, path in scan_paths().items():
        try:
            loaded[label] = _load(path, label, _stamp(Path(path)))
        except (BiasauditError, OSError) as err:
            st.error(f"Cannot open scan **{label}**: {err}")
    return loaded
