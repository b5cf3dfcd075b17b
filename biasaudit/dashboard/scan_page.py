"""Scan page: scan a local or uploaded file into a temporary directory, watch progress, save it where asked.

Uploads and scan outputs live in a temporary directory owned by the session (deleted with it); nothing is
written elsewhere unless the user saves the scan directory.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from biasaudit.analyzers.registry import available
from biasaudit.dashboard.state import add_path, scan_paths
from biasaudit.errors import BiasauditError
from biasaudit.io.readers import FORMATS
from biasaudit.scanner import scan

#: Upload limit in MB: `biasaudit dashboard --max-upload-mb` sets it (and Streamlit's server.maxUploadSize).
MAX_UPLOAD_ENV = "BIASAUDIT_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_bytes() -> int:
    return int(float(os.environ.get(MAX_UPLOAD_ENV, DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)


def too_large_message(size: int, limit: int) -> str | None:
    if size <= limit:
        return None
    return (f"The file is {size / 2**20:.1f} MB; uploads are limited to {limit / 2**20:.0f} MB. Scan it from a "
            "local path instead, or start the dashboard with a larger --max-upload-mb.")


def _workdir() -> Path:
    """This session's temporary directory (removed when the session's state is dropped)."""
    if "scan_tmp" not in st.session_state:
        st.session_state["scan_tmp"] = tempfile.TemporaryDirectory(prefix="biasaudit-dashboard-")
    return Path(st.session_state["scan_tmp"].name)


def render() -> None:
    st.header("Scan a corpus")
    source = st.radio("Corpus", ["Local file", "Upload"], horizontal=True, key="scan_source")
    path: Path | None = None
    name = ""
    if source == "Local file":
        text = st.text_input("Path of a corpus file on this machine", key="scan_local")
        if text:
            path, name = Path(text).expanduser(), Path(text).stem
    else:
        limit = max_upload_bytes()
        upload = st.file_uploader(f"Corpus file (up to {limit / 2**20:.0f} MB)", key="scan_upload")
        if upload is not None:
            message = too_large_message(upload.size, limit)
            if message:
                st.error(message)
            else:
                path, name = _workdir() / "uploads" / Path(upload.name).name, Path(upload.name).stem
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(upload.getbuffer())
    a, b = st.columns(2)
    fmt = a.selectbox("Format", FORMATS, key="scan_format")
    text_field = b.text_input("Text field", value="text", key="scan_text_field")
    names = available()
    analyzers = st.multiselect("Analyzers", names, default=names, key="scan_analyzers")
    c, d, e = st.columns(3)
    dialogue = c.checkbox("One conversation per line (dialogue JSONL)", key="scan_dialogue")
    associations = d.checkbox("Associations (WEAT on the corpus)", key="scan_associations")
    limit_n = e.number_input("Stop after N records (0: all)", min_value=0, value=0, step=1000, key="scan_limit")
    if st.button("Run scan", type="primary", disabled=path is None or not analyzers, key="scan_run"):
        _run(path, name, format=fmt, text_field=text_field, analyzers=analyzers, dialogue=dialogue,
             associations=associations, limit=int(limit_n) or None)
    _save_section()


def _run(path: Path, name: str, **options) -> None:
    out = _workdir() / "scans" / (name or "scan")
    if out.exists():
        shutil.rmtree(out)
    with st.status("Scanning ...", expanded=True) as status:
        line = st.empty()

        def progress(n: int) -> None:
            line.text(f"{n:,} records scored")

        try:
            result = scan(str(path), analyzers=options.pop("analyzers"), out=out, progress=progress, **options)
        except (BiasauditError, OSError) as err:
            status.update(label="Scan failed", state="error")
            st.error(f"Scan failed: {err}")
            return
        c = result.report["counts"]
        status.update(label=f"Scanned {c['scored']:,} records ({c['rejected']:,} rejected)", state="complete")
    label = add_path(scan_paths(), f"{name or 'scan'} (unsaved)={out}")
    st.session_state["last_scan"] = label
    st.success(f"Scan **{label}** is open on every page. Save it to keep it.")


def _save_section() -> None:
    label = st.session_state.get("last_scan")
    if not label:
        return
    st.subheader("Save the scan directory")
    dest = st.text_input("Save to (a new or empty directory)", key="scan_save_to")
    if st.button("Save", disabled=not dest, key="scan_save"):
        target = Path(dest).expanduser()
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            st.error(f"{target} exists and is not an empty directory; choose another.")
            return
        shutil.copytree(scan_paths()[label], target, dirs_exist_ok=True)
        st.success(f"Saved to {target}. Open it later with: biasaudit dashboard {target}")
