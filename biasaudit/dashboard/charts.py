"""Altair charts the pages share: estimates with 95% intervals, and histograms from report.json's bins."""
from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st


def interval_chart(frame: pd.DataFrame, category: str, value: str, low: str, high: str, *,
                   color: str | None = None, title: str = "", percent: bool = True) -> None:
    """One point per row with its interval as a bar: where a person compares groups at a glance."""
    if frame.empty:
        return
    fmt = ".1%" if percent else ".3f"
    enc = {"y": alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))}
    if color:
        enc["color"] = alt.Color(f"{color}:N")
        enc["yOffset"] = alt.YOffset(f"{color}:N")
    tooltip = [category, *([color] if color else []), alt.Tooltip(value, format=fmt),
               alt.Tooltip(low, format=fmt), alt.Tooltip(high, format=fmt)]
    base = alt.Chart(frame.dropna(subset=[value])).encode(**enc, tooltip=tooltip)
    axis = alt.Axis(format="%" if percent else "~g")
    rules = base.mark_rule(strokeWidth=2).encode(x=alt.X(f"{low}:Q", axis=axis, title=title or value),
                                                 x2=f"{high}:Q")
    points = base.mark_point(filled=True, size=60).encode(x=f"{value}:Q")
    step = 26 * (frame[color].nunique() if color else 1)
    st.altair_chart((rules + points).properties(height=alt.Step(step)), width="stretch")


def histogram_chart(edges: Sequence[float], counts: Sequence[int], title: str) -> None:
    """Bars from precomputed bin edges and counts (report.json's histogram)."""
    if not counts:
        st.caption(f"{title}: no finite values")
        return
    frame = pd.DataFrame({"from": edges[:-1], "to": edges[1:], "records": counts})
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("from:Q", title=title, bin="binned"), x2="to:Q", y=alt.Y("records:Q", title="records"),
        tooltip=[alt.Tooltip("from:Q", format=".3g"), alt.Tooltip("to:Q", format=".3g"), "records:Q"])
    st.altair_chart(chart.properties(height=180), width="stretch")
