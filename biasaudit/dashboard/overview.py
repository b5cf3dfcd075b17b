"""Overview page: counts, rates with Wilson intervals, every score's distribution, identity-group rates."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from biasaudit.audits.self_audit_report import self_audit_markdown
from biasaudit.dashboard.charts import histogram_chart, interval_chart
from biasaudit.report.scan_dir import ScanDir

RATE_FIELDS = ("count", "n", "rate", "ci_low", "ci_high")


def rate_table(report: dict) -> pd.DataFrame:
    """Every label value's and flag's rate, as report.json holds it."""
    rows = [{"column": col, "value": lab, **{k: r[k] for k in RATE_FIELDS}}
            for col, labels in report["labels"].items() for lab, r in labels.items()]
    rows += [{"column": col, "value": "true", **{k: r[k] for k in RATE_FIELDS}}
             for col, r in report["flags"].items()]
    frame = pd.DataFrame(rows, columns=["column", "value", *RATE_FIELDS])
    frame["rate_name"] = frame["column"] + " = " + frame["value"]
    return frame


def score_table(report: dict) -> pd.DataFrame:
    rows = []
    for name, s in report["scores"].items():
        rows.append({"score": name, "headline": report["columns"][name].get("headline", True), "n": s["n"],
                     "mean": s["mean"], "std": s["std"], "min": s.get("min"), "max": s.get("max"),
                     **s.get("quantiles", {})})
    return pd.DataFrame(rows)


def render(scan: ScanDir) -> None:
    report = scan.report
    counts = report["counts"]
    st.header(f"Overview: {scan.label}")
    st.caption(f"{scan.path} · analyzers: {', '.join(report['analyzers'])}")
    a, b, c = st.columns(3)
    a.metric("records read", f"{counts['read']:,}")
    b.metric("scored", f"{counts['scored']:,}")
    c.metric("rejected", f"{counts['rejected']:,}")
    if counts["rejected_by_reason"]:
        st.dataframe(pd.Series(counts["rejected_by_reason"], name="records").rename_axis("reason"))

    st.subheader("Rates (95% Wilson intervals)")
    rates = rate_table(report)
    interval_chart(rates, "rate_name", "rate", "ci_low", "ci_high", title="share of records")
    with st.expander("Rates as numbers"):
        st.dataframe(rates.drop(columns="rate_name"), hide_index=True, key="overview_rates")

    st.subheader("Score distributions")
    scores = score_table(report)
    headline = [s for s in report["scores"] if report["columns"][s].get("headline", True)]
    detail = [s for s in report["scores"] if s not in headline]
    _histograms(report, headline)
    if detail:
        with st.expander(f"Detail columns ({len(detail)}, e.g. model features)"):
            _histograms(report, detail)
    with st.expander("Scores as numbers"):
        st.dataframe(scores, hide_index=True, key="overview_scores")
    _group_rates(report)


def _histograms(report: dict, names: list[str]) -> None:
    cols = st.columns(2)
    for i, name in enumerate(names):
        s = report["scores"][name]
        with cols[i % 2]:
            hist = s.get("histogram", {"edges": [], "counts": []})
            st.markdown(f"**{name}**")
            st.caption(f"{report['columns'][name]['description']} · mean {_g(s['mean'])}, std {_g(s['std'])}, "
                       f"n {s['n']:,}")
            histogram_chart(hist["edges"], hist["counts"], name)


def _g(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def group_rate_table(section: dict) -> pd.DataFrame:
    """Hate/offensive rates among records mentioning each identity family (the hate self-audit's table)."""
    g = section["group_rates"]
    rows = []
    groups = {"(whole corpus)": {"n": g["n_records"], **g["corpus"]}, "(no group)": g["no_group"],
              **g["families"]}
    for name, entry in groups.items():
        for label in ("hate", "offensive"):
            r = entry.get(label)
            if r is not None:
                rows.append({"group": name, "label": label, "records": entry["n"],
                             **{k: r[k] for k in RATE_FIELDS}})
    return pd.DataFrame(rows)


def _group_rates(report: dict) -> None:
    section = report.get("sections", {}).get("hate_self_audit")
    if not section or "group_rates" not in section:
        return
    st.subheader("Hate classifier labels by identity group mentioned")
    st.caption("Share of records labelled hate / offensive among records that mention each identity family "
               "(identity lexicon), with 95% Wilson intervals. Wide intervals mean few records.")
    frame = group_rate_table(section)
    interval_chart(frame, "group", "rate", "ci_low", "ci_high", color="label", title="share labelled")
    with st.expander("Group rates as numbers"):
        st.dataframe(frame, hide_index=True, key="overview_groups")
    if "counterfactual_templates" in section:
        with st.expander("Counterfactual sensitivity: does the classifier's score move when only the identity "
                         "term changes?"):
            st.markdown("\n".join(self_audit_markdown(section)), unsafe_allow_html=False)
