"""Markdown lines for the ``associations`` section of a scan report (report.md/.html render them).

Formats the JSON section as report.json holds it; computes nothing and reads no records.
"""
from __future__ import annotations

from typing import Any


def _num(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def associations_markdown(section: dict[str, Any]) -> list[str]:
    """What the corpus teaches: one row per WEAT test (effect size, p-value, bootstrap interval) or why skipped."""
    m, c = section["method"], section["corpus"]
    lines = [(f"Word vectors learnt from this corpus ({m['vectors']}; window {m['window']}, {c['dimensions']} "
              f"dimensions, {c['vocabulary']:,} words x {c['contexts']:,} contexts from {c['tokens']:,} tokens in "
              f"{c['documents']:,} documents), tested with WEAT (Caliskan et al. 2017). A positive effect size "
              "means the first target set sits closer to the first attribute set in what this data teaches."), "",
             "| test | targets | attributes | effect size | 95% interval | p-value | words found |",
             "|---|---|---|---|---|---|---|"]
    skipped = []
    for t in section["tests"]:
        if t["status"] != "ok":
            skipped.append(t)
            continue
        boot = t.get("bootstrap") or {}
        interval = (f"[{_num(boot['ci_low'])}, {_num(boot['ci_high'])}] ({boot['valid_draws']} draws)"
                    if boot else "not computed")
        found = sum(v["found"] for v in t["coverage"].values())
        total = sum(v["total"] for v in t["coverage"].values())
        n_perm = t["n_permutations"]
        p = f"{t['p_value']:.3g}" + ("" if n_perm == "exact" else f" ({n_perm:,} permutations)")
        lines.append(f"| {t['test']} | {t['target1']} vs {t['target2']} | {t['attribute1']} vs {t['attribute2']} "
                     f"| {_num(t['effect_size'])} | {interval} | {p} | {found}/{total} |")
    if len(skipped) == len(section["tests"]):
        lines = lines[:2] + ["No test had enough of its words in this corpus."]
    lines.append("")
    for t in skipped:
        lines += [f"Skipped {t['test']}: {t['reason']}", ""]
    return lines
