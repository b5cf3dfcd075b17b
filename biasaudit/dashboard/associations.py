"""Associations page: WEAT effect sizes with bootstrap intervals from the scan's ``associations`` section."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from biasaudit.dashboard.charts import interval_chart
from biasaudit.report.scan_dir import ScanDir


def association_table(section: dict) -> pd.DataFrame:
    rows = []
    for t in section["tests"]:
        if t["status"] != "ok":
            continue
        boot = t.get("bootstrap") or {}
        rows.append({"test": t["test"], "targets": f"{t['target1']} vs {t['target2']}",
                     "attributes": f"{t['attribute1']} vs {t['attribute2']}", "effect_size": t["effect_size"],
                     "ci_low": boot.get("ci_low"), "ci_high": boot.get("ci_high"), "p_value": t["p_value"],
                     "words_found": sum(v["found"] for v in t["coverage"].values()),
                     "words_total": sum(v["total"] for v in t["coverage"].values())})
    return pd.DataFrame(rows)


def render(scan: ScanDir) -> None:
    st.header(f"Associations: {scan.label}")
    section = scan.report.get("sections", {}).get("associations")
    if not section:
        st.info("This scan has no associations section. Scan with `--associations` (or tick it on the Scan page) "
                "to learn word vectors from the corpus and run the WEAT tests on them.")
        return
    c, m = section["corpus"], section["method"]
    st.caption(f"WEAT (Caliskan et al. 2017) on word vectors learnt from this corpus ({m['vectors']}; "
               f"{c['dimensions']} dimensions, {c['vocabulary']:,} words, {c['tokens']:,} tokens in "
               f"{c['documents']:,} documents). Positive: the first target set sits closer to the first attribute "
               f"set. Intervals: {m['bootstrap']['interval']} over {m['bootstrap']['draws']} document resamples.")
    table = association_table(section)
    if table.empty:
        st.warning("No test had enough of its words in this corpus.")
    else:
        interval_chart(table, "test", "effect_size", "ci_low", "ci_high", percent=False, title="effect size (d)")
        st.dataframe(table, hide_index=True, key="associations_table")
    skipped = [t for t in section["tests"] if t["status"] != "ok"]
    if skipped:
        with st.expander(f"Skipped tests ({len(skipped)})"):
            st.dataframe(pd.DataFrame([{"test": t["test"], "reason": t["reason"]} for t in skipped]),
                         hide_index=True, key="associations_skipped")
