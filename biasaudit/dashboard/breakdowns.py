"""Breakdowns page: a score's mean or a rate per source, speaker, role or turn position, with intervals."""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from biasaudit.dashboard.charts import interval_chart
from biasaudit.report.scan_dir import ScanDir
from biasaudit.report.stats import Z95


def metric_options(report: dict) -> list[str]:
    """``score:NAME``, ``label:COLUMN=VALUE`` and ``flag:NAME``, in report order."""
    out = [f"label:{col}={lab}" for col, labels in report["labels"].items() for lab in labels]
    out += [f"flag:{name}" for name in report["flags"]]
    out += [f"score:{name}" for name in report["scores"]]
    return out


def breakdown_table(report: dict, dimension: str, metric: str) -> pd.DataFrame:
    """One row per group. Rates: Wilson interval (report.json). Means: normal interval mean +- 1.96 std/sqrt(n)."""
    kind, _, name = metric.partition(":")
    rows = []
    for group, g in report["breakdowns"][dimension].items():
        if kind == "score":
            s = g["scores"][name]
            half = Z95 * s["std"] / math.sqrt(s["n"]) if s["n"] > 1 and s["std"] is not None else math.nan
            mean = math.nan if s["mean"] is None else s["mean"]
            rows.append({"group": group, "n": s["n"], "value": mean, "ci_low": mean - half, "ci_high": mean + half})
        else:
            r = g["flags"][name] if kind == "flag" else g["labels"][name.split("=")[0]][name.split("=", 1)[1]]
            rows.append({"group": group, "n": r["n"], "count": r["count"], "value": r["rate"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    return pd.DataFrame(rows)


def render(scan: ScanDir) -> None:
    report = scan.report
    st.header(f"Breakdowns: {scan.label}")
    dims = list(report["breakdowns"])
    if not dims:
        st.info("This scan has no breakdowns (no source, speaker, role or turn position recorded).")
        return
    left, right = st.columns(2)
    dimension = left.selectbox("Break down by", dims, key="breakdown_dim")
    metric = right.selectbox("Measure", metric_options(report), key="breakdown_metric")
    frame = breakdown_table(report, dimension, metric)
    percent = not metric.startswith("score:")
    st.caption("Rates: 95% Wilson intervals. Means: 95% normal intervals (mean ± 1.96·std/√n).")
    shown = frame.head(60)
    if len(frame) > len(shown):
        st.caption(f"Largest {len(shown)} of {len(frame)} groups shown in the chart; the table has them all.")
    interval_chart(shown, "group", "value", "ci_low", "ci_high", percent=percent, title=metric.split(":", 1)[1])
    st.dataframe(frame, hide_index=True, key="breakdown_table")
