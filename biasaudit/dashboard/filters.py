"""Filter simulator page: move a threshold on a score, see how many records would go and whom they mention."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from biasaudit.audits.filter_simulation import simulate_filter
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.dashboard.charts import interval_chart
from biasaudit.dashboard.records import CONTENT_WARNING
from biasaudit.report.scan_dir import ScanDir, shown_text


@st.cache_data(show_spinner="Finding identity mentions ...", max_entries=8)
def _mentions(path: str, n: int, _texts: pd.Series) -> pd.DataFrame:
    return IdentityLexicon.load().mentions(_texts.reset_index(drop=True))


def default_column(scores: list[str]) -> str:
    for name in ("p_hate", "p_offensive", "toxicity"):
        if name in scores:
            return name
    return scores[0]


def render(scan: ScanDir) -> None:
    st.header(f"Filter simulator: {scan.label}")
    scores = scan.columns_of_kind("score")
    if not scores:
        st.info("This scan has no score columns to filter on.")
        return
    a, b = st.columns(2)
    column = a.selectbox("Drop records whose score is at or above the threshold", scores,
                         index=scores.index(default_column(scores)), key="filter_column")
    values = scan.records[column].to_numpy(dtype=np.float64)
    finite = values[np.isfinite(values)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    default = float(np.quantile(finite, 0.9)) if finite.size else hi
    threshold = b.slider("Threshold", lo, max(hi, lo + 1e-9), default, key=f"filter_threshold_{column}")
    subgroups = st.toggle("Subgroups (e.g. religion/muslim) instead of families", key="filter_subgroups")
    mentions = _mentions(str(scan.path), len(scan.records), scan.records["text"])
    sim = simulate_filter(scan.records.reset_index(drop=True), column, threshold, mentions=mentions,
                          subgroups=subgroups)
    o = sim.overall
    m1, m2 = st.columns(2)
    m1.metric("records dropped", f"{o['count']:,} of {o['n']:,}")
    m2.metric("share dropped", f"{o['rate']:.1%}" if o["n"] else "n/a",
              help=f"95% Wilson interval [{o['ci_low']:.1%}, {o['ci_high']:.1%}]" if o["n"] else None)
    groups = sim.groups[sim.groups["records"] > 0]
    if groups.empty:
        st.info("No record mentions an identity group of the lexicon.")
    else:
        st.subheader("Who is dropped: drop rate among records mentioning each group")
        st.caption(f"Corpus drop rate: {o['rate']:.1%}. A group well above it loses more of its text to this "
                   "filter (Dodge et al. 2021). 95% Wilson intervals.")
        interval_chart(groups, "group", "drop_rate", "drop_rate_low", "drop_rate_high", title="drop rate")
        shares = pd.concat([
            groups.assign(where="kept", share=groups["share_kept"], low=groups["share_kept_low"],
                          high=groups["share_kept_high"]),
            groups.assign(where="dropped", share=groups["share_dropped"], low=groups["share_dropped_low"],
                          high=groups["share_dropped_high"])])
        st.subheader("Share of kept vs dropped records that mention each group")
        interval_chart(shares, "group", "share", "low", "high", color="where", title="share of records")
        st.dataframe(sim.groups, hide_index=True, key="filter_groups")
    with st.expander(f"The {o['count']:,} dropped records"):
        st.warning(CONTENT_WARNING, icon="⚠️")
        reveal = st.toggle("Reveal masked words", value=False, key="filter_reveal")
        dropped = scan.records.reset_index(drop=True)[sim.dropped][["id", "text", column]].copy()
        dropped["text"] = shown_text(dropped["text"], reveal)
        st.dataframe(dropped.sort_values(column, ascending=False), hide_index=True, key="filter_dropped")
