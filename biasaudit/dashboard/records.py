"""Records page: the records behind a number, filterable and sortable, text escaped and slurs masked until revealed.

Corpus text is only ever shown through st.dataframe and st.text, which render it as text (no HTML, no Markdown).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from biasaudit.report.scan_dir import ScanDir, shown_text

ALL = "all records"
CONTENT_WARNING = ("Content warning: corpus records can contain slurs, hateful and offensive text. Listed slurs and "
                   "profanities are masked (first letter kept) until you choose to reveal them.")
META = ("id", "text", "speaker", "role", "conversation_id", "turn", "source")


def subsets(scan: ScanDir) -> list[str]:
    """The numbers a person can drill into: each label value and each flag of the report."""
    out = [ALL]
    out += [f"{col} = {lab}" for col, labels in scan.report["labels"].items() for lab in labels]
    out += [f"{name} = true" for name in scan.report["flags"]]
    return out


def select(scan: ScanDir, subset: str, contains: str = "", score: str | None = None,
           score_range: tuple[float, float] | None = None) -> pd.DataFrame:
    """The records of ``subset`` (label value or flag), whose text contains ``contains``, with ``score`` in range."""
    frame = scan.records
    keep = np.ones(len(frame), dtype=bool)
    if subset != ALL:
        col, _, value = subset.partition(" = ")
        if col in scan.report["flags"]:
            keep &= frame[col].fillna(False).astype(bool).to_numpy()
        else:
            keep &= (frame[col].astype(object) == value).to_numpy()
    if contains:
        keep &= frame["text"].fillna("").str.contains(contains, case=False, regex=False).to_numpy()
    if score and score_range is not None:
        values = frame[score].to_numpy(dtype=np.float64)
        keep &= (values >= score_range[0]) & (values <= score_range[1])
    return frame[keep]


def render(scan: ScanDir) -> None:
    st.header(f"Records: {scan.label}")
    st.warning(CONTENT_WARNING, icon="⚠️")
    reveal = st.toggle("Reveal masked words", value=False, key="records_reveal")
    columns = [c for c in scan.report["columns"]]
    scores = scan.columns_of_kind("score")
    a, b = st.columns(2)
    subset = a.selectbox("Records behind", subsets(scan), key="records_subset")
    contains = b.text_input("Text contains", key="records_contains")
    score = a.selectbox("Score range on", ["(none)", *scores], key="records_score")
    score_range = None
    if score != "(none)":
        values = scan.records[score].dropna()
        lo, hi = (float(values.min()), float(values.max())) if len(values) else (0.0, 1.0)
        if hi > lo:
            score_range = b.slider(f"{score} between", lo, hi, (lo, hi), key=f"records_range_{score}")
    sort = a.selectbox("Sort by", ["(file order)", *columns], key="records_sort")
    descending = b.toggle("Descending", value=True, key="records_desc")

    frame = select(scan, subset, contains, None if score == "(none)" else score, score_range)
    if sort != "(file order)":
        frame = frame.sort_values(sort, ascending=not descending, kind="stable", na_position="last")
    st.metric("records shown", f"{len(frame):,}")
    headline = [c for c in columns if scan.report["columns"][c].get("headline", True)]
    view = frame[[c for c in META if c in frame.columns] + headline].copy()
    view["text"] = shown_text(view["text"], reveal)
    st.dataframe(view, hide_index=True, key="records_table",
                 column_config={"text": st.column_config.TextColumn("text", width="large")})
    if frame.empty:
        return
    st.subheader("One record")
    ids = frame["id"].astype(str).tolist()[:1000]
    chosen = st.selectbox("Record", ids, key="records_one")
    row = frame[frame["id"].astype(str) == chosen].iloc[0]
    st.text(shown_text(pd.Series([row["text"]]), reveal).iloc[0])
    details = pd.DataFrame({"field": list(row.index), "value": [str(v) for v in row.to_numpy()]})
    st.dataframe(details[details["field"] != "text"], hide_index=True, key="records_detail")
