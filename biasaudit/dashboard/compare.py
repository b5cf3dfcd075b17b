"""Compare page: two or more scans side by side via ``biasaudit.report.compare.compare_scans`` (not recomputed)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from biasaudit.dashboard.charts import interval_chart
from biasaudit.report.compare import compare_scans
from biasaudit.report.scan_dir import ScanDir


@st.cache_data(show_spinner="Comparing (bootstrap) ...", max_entries=16)
def _compare(specs: tuple[tuple[str, str], ...], reference: str, bootstrap: int, seed: int,
             stamp: tuple) -> dict:
    return compare_scans(list(specs), reference=reference, bootstrap=bootstrap, seed=seed)


def tables(result: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-scan estimates, differences against the reference), one row per metric and scan."""
    per_scan, diffs = [], []
    for m in result["metrics"]:
        est = "mean" if m["kind"] == "score" else "rate"
        for label, cell in m["per_scan"].items():
            per_scan.append({"metric": m["key"], "scan": label, "value": cell[est], "ci_low": cell["ci_low"],
                             "ci_high": cell["ci_high"], "n": cell["n"]})
        for label, d in m["differences"].items():
            amp = d["amplification"]
            diffs.append({"metric": m["key"], "kind": m["kind"], "scan": label, "reference": m["reference"],
                          "difference": d["difference"], "ci_low": d["ci_low"], "ci_high": d["ci_high"],
                          "p_holm": d["p_holm"], "ratio": amp["ratio"]})
    return pd.DataFrame(per_scan), pd.DataFrame(diffs)


def render(scans: dict[str, ScanDir]) -> None:
    st.header("Compare scans")
    if len(scans) < 2:
        st.info("Open at least two scans to compare them (e.g. a data set and a model's outputs): pass several "
                "directories to `biasaudit dashboard`, open one in the sidebar, or make one on the Scan page.")
        return
    chosen = st.multiselect("Scans", list(scans), default=list(scans)[:2], key="compare_scans")
    if len(chosen) < 2:
        st.warning("Choose at least two scans.")
        return
    a, b = st.columns(2)
    reference = a.selectbox("Reference (differences are scan − reference)", chosen, key="compare_ref")
    bootstrap = b.select_slider("Bootstrap draws", [200, 500, 1000, 2000], value=1000, key="compare_draws")
    specs = tuple((label, str(scans[label].path)) for label in chosen)
    stamp = tuple((s.report["reproducibility"].get("input_sha256"), s.report["counts"]["scored"])
                  for s in (scans[label] for label in chosen))
    result = _compare(specs, reference, bootstrap, 0, str(stamp))
    for note in result["notes"]:
        st.caption(note)
    per_scan, diffs = tables(result)
    st.subheader(f"Differences from {reference} (95% bootstrap intervals)")
    for kind, title in (("rate", "rate difference"), ("score", "mean difference")):
        part = diffs[diffs["kind"] == kind]
        if not part.empty:
            interval_chart(part, "metric", "difference", "ci_low", "ci_high", color="scan",
                           percent=kind == "rate", title=title)
    st.dataframe(diffs, hide_index=True, key="compare_diffs")
    st.subheader("Each scan")
    st.dataframe(per_scan, hide_index=True, key="compare_per_scan")
    st.caption(f"p_holm: Welch's t-test (means) or Fisher's exact test (rates), Holm-adjusted. "
               f"{result['settings']['bootstrap']} bootstrap draws, seed {result['settings']['seed']}.")
