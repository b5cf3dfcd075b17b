"""Who gets filtered out: the scan report's section for its filter policy, then a live threshold on any score.

The report's section (``scan --policy``, or the default policy when hate ran) is shown as written; the slider
recomputes, from records.parquet, how many records a threshold would drop and each identity group's share of
kept vs dropped records. On a policy column it starts at the policy's threshold, with the policy's operator, so
the live numbers there are the report's.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from biasaudit.audits.filter_simulation import simulate_filter
from biasaudit.audits.identity import IdentityLexicon
from biasaudit.dashboard.charts import interval_chart
from biasaudit.dashboard.records import CONTENT_WARNING
from biasaudit.filtering.policy import Policy, Rule
from biasaudit.report.scan_dir import ScanDir, shown_text

SECTION = "filtered_out"


@st.cache_data(show_spinner="Finding identity mentions ...", max_entries=8)
def _mentions(path: str, n: int, lexicon: str | None, _texts: pd.Series) -> pd.DataFrame:
    return IdentityLexicon.load(lexicon).mentions(_texts.reset_index(drop=True))


def default_column(scores: list[str]) -> str:
    for name in ("p_hate", "p_offensive", "toxicity"):
        if name in scores:
            return name
    return scores[0]


def policy_rules(section: dict[str, Any] | None) -> dict[str, Rule]:
    """The section's numeric rules by column (the first rule on a column wins, as in the policy's reasons)."""
    if not section:
        return {}
    policy = Policy.from_dict({"analyzers": ["-"], "rules": section["policy"]["rules"]})
    rules: dict[str, Rule] = {}
    for rule in policy.rules:
        if isinstance(rule.value, float):
            rules.setdefault(rule.column, rule)
    return rules


def _lexicon_of(section: dict[str, Any] | None) -> str | None:
    """The identity lexicon the report's section used, when it is still on disk (else the shipped one)."""
    source = (section or {}).get("identity", {}).get("lexicon", {}).get("source")
    return source if source and Path(source).exists() else None


def _percent(r: dict[str, Any]) -> str:
    if r.get("rate") is None:
        return "-"
    return f"{r['rate']:.1%} [{r['ci_low']:.1%}, {r['ci_high']:.1%}]"


def report_section(section: dict[str, Any]) -> None:
    """The scan report's "who gets filtered out" section: policy, groups, and each swept score's sweep."""
    policy, dropped = section["policy"], section["dropped"]
    how = " (applied by default: the scan ran its analyzers)" if section.get("automatic") else ""
    code = [str(x).replace("`", "'") for x in (policy["source"], *policy["rules"])]
    st.markdown(f"Policy `{code[0]}`{how}: **{policy['action']}** when " + " or ".join(f"`{r}`" for r in code[1:]))
    st.metric("flagged by the policy", f"{dropped['count']:,} of {dropped['n']:,}",
              help=f"{_percent(dropped)} (95% Wilson interval)")
    groups = [g for g in section["identity"]["groups"] if g["mentions"]]
    if groups:
        table = pd.DataFrame([{"group": g["group"], "mentions": g["mentions"], "share of kept": g["kept"]["rate"],
                               "share of dropped": g["dropped"]["rate"], "dropped/kept": g["dropped_vs_kept"],
                               "drop rate": g["drop_rate"]["rate"],
                               "drop rate 95% CI": _percent(g["drop_rate"])} for g in groups])
        st.dataframe(table.sort_values(["dropped/kept", "group"], ascending=[False, True], na_position="last"),
                     hide_index=True, key="filtered_out_groups")
    for column, s in section["scores"].items():
        sweep = pd.DataFrame([{"threshold": row["threshold"], "rule": row["rule"], "records dropped": row["count"],
                               "share": row["rate"]} for row in s["sweep"]])
        if sweep.empty:
            continue
        st.caption(f"{column}: how many records each threshold would drop (n {s['n']:,}, mean "
                   f"{s['mean']:.3f})" if s["mean"] is not None else column)
        chart = alt.Chart(sweep).mark_bar().encode(
            x=alt.X("rule:N", sort=None, title=None), y=alt.Y("records dropped:Q"),
            tooltip=["rule", "records dropped", alt.Tooltip("share:Q", format=".2%")])
        st.altair_chart(chart.properties(height=180), width="stretch")


def render(scan: ScanDir) -> None:
    st.header(f"Who gets filtered out: {scan.label}")
    section = scan.report.get("sections", {}).get(SECTION)
    if section:
        with st.expander("From the scan report", expanded=True):
            report_section(section)
    else:
        st.caption("This scan's report has no policy section (scan with --policy POLICY, or run hate for the "
                   "default policy's). Try thresholds on any score below.")
    scores = scan.columns_of_kind("score")
    if not scores:
        st.info("This scan has no score columns to filter on.")
        return
    rules = policy_rules(section)
    start = next((c for c in rules if c in scores), default_column(scores))
    a, b = st.columns(2)
    column = a.selectbox("Score to filter on", scores, index=scores.index(start), key="filter_column")
    rule = rules.get(column)
    op = rule.op if rule is not None else ">="
    values = scan.records[column].to_numpy(dtype=np.float64)
    finite = values[np.isfinite(values)]
    # the range covers the data and the report's thresholds (a policy may sit above every score of this corpus)
    marks = [float(r["threshold"]) for r in (section or {}).get("scores", {}).get(column, {}).get("sweep", [])]
    marks += [float(rule.value)] if rule is not None else []
    ends = [*marks, *((float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0))]
    lo, hi = min(ends), max(ends)
    hi = max(hi, lo + 1e-9)
    default = float(rule.value) if rule is not None else (float(np.quantile(finite, 0.9)) if finite.size else hi)
    threshold = b.slider(f"Drop records whose {column} {op} threshold", lo, hi, default,
                         key=f"filter_threshold_{column}",
                         help=f"The policy's rule is {rule.text}" if rule is not None else None)
    subgroups = st.toggle("Subgroups (e.g. religion/muslim) instead of families", key="filter_subgroups")
    mentions = _mentions(str(scan.path), len(scan.records), _lexicon_of(section), scan.records["text"])
    sim = simulate_filter(scan.records.reset_index(drop=True), column, threshold, mentions=mentions,
                          subgroups=subgroups, op=op)
    o = sim.overall
    m1, m2 = st.columns(2)
    m1.metric("records dropped", f"{o['count']:,} of {o['n']:,}")
    m2.metric("share dropped", f"{o['rate']:.1%}" if o["n"] else "n/a",
              help=f"95% Wilson interval [{o['ci_low']:.1%}, {o['ci_high']:.1%}]" if o["n"] else None)
    groups = sim.groups[sim.groups["records"] > 0]
    if groups.empty:
        st.info("No record mentions an identity group of the lexicon.")
    else:
        shares = pd.concat([
            groups.assign(where="kept", share=groups["share_kept"], low=groups["share_kept_low"],
                          high=groups["share_kept_high"]),
            groups.assign(where="dropped", share=groups["share_dropped"], low=groups["share_dropped_low"],
                          high=groups["share_dropped_high"])])
        st.subheader("Share of kept vs dropped records that mention each group")
        st.caption("A group whose share among dropped records is well above its share among kept ones loses "
                   "more of its text to this filter (Dodge et al. 2021). 95% Wilson intervals.")
        interval_chart(shares, "group", "share", "low", "high", color="where", title="share of records")
        st.subheader("Drop rate among records mentioning each group")
        st.caption(f"Corpus drop rate: {o['rate']:.1%}.")
        interval_chart(groups, "group", "drop_rate", "drop_rate_low", "drop_rate_high", title="drop rate")
        st.dataframe(sim.groups, hide_index=True, key="filter_groups")
    with st.expander(f"The {o['count']:,} dropped records"):
        st.warning(CONTENT_WARNING, icon="⚠️")
        reveal = st.toggle("Reveal masked words", value=False, key="filter_reveal")
        dropped = scan.records.reset_index(drop=True)[sim.dropped][["id", "text", column]].copy()
        dropped["text"] = shown_text(dropped["text"], reveal)
        st.dataframe(dropped.sort_values(column, ascending=False), hide_index=True, key="filter_dropped")
