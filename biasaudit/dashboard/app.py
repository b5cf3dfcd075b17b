"""The dashboard script ``streamlit run`` executes (``biasaudit dashboard [SCAN_DIR ...]``; scan dirs are argv)."""
from __future__ import annotations

import streamlit as st

from biasaudit.dashboard import associations, breakdowns, compare, filters, overview, records, scan_page
from biasaudit.dashboard.state import add_path, load_all, scan_paths

SINGLE_SCAN_PAGES = {"Overview": overview.render, "Breakdowns": breakdowns.render, "Records": records.render,
                     "Associations": associations.render, "Who gets filtered out": filters.render}
PAGES = ["Overview", "Breakdowns", "Records", "Compare", "Associations", "Who gets filtered out", "Scan"]


def main() -> None:
    st.set_page_config(page_title="biasaudit", layout="wide")
    with st.sidebar:
        st.title("biasaudit")
        page = st.radio("Page", PAGES, key="page")
        with st.form("open_scan", clear_on_submit=True):
            spec = st.text_input("Open a scan directory (DIR or LABEL=DIR)")
            if st.form_submit_button("Open") and spec.strip():
                add_path(scan_paths(), spec.strip())
    scans = load_all()
    if page == "Scan":
        scan_page.render()
        return
    if page == "Compare":
        compare.render(scans)
        return
    if not scans:
        st.info("No scan open. Start with `biasaudit dashboard SCAN_DIR`, open a directory written by "
                "`biasaudit scan --out DIR` in the sidebar, or make one on the Scan page.")
        return
    label = st.sidebar.selectbox("Scan", list(scans), key="scan_label")
    SINGLE_SCAN_PAGES[page](scans[label])


main()
