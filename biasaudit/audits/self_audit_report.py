"""Markdown lines for the hate self-audit section of a report (the report's markdown/HTML views can call it).

Formats the JSON section as report.json holds it (NaN already null); computes nothing and reads no records.
"""
from __future__ import annotations

import math
from typing import Any


def _pct(x: float | None) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _delta(entry: dict[str, Any]) -> str:
    return f"{_num(entry.get('mean_delta'))} [{_num(entry.get('ci_low'))}, {_num(entry.get('ci_high'))}]"


def swap_markdown(swaps: dict[str, Any]) -> list[str]:
    """Flagged records with every word of an attribute swapped (pronouns, nouns, titles, names): paired changes."""
    lines: list[str] = []
    for name, a in swaps.get("attributes", {}).items():
        lines += [(f"Flagged records with {name} words, swapped whole (pronoun grammar, nouns, titles, first names; "
                   f"POS: {swaps['swapper']['pos']}): {a['n_eligible']:,} of {a['n_flagged']:,}; "
                   f"{a['n_sampled']:,} swapped (seed {a['seed']}), {a['pairs']:,} pairs. Mean change after the "
                   "swap (counterfactual - original) with t 95% intervals; label changes with Wilson intervals:"),
                  "", "| direction | pairs | Δp_hate | Δp_offensive | label changes |", "|---|---|---|---|---|"]
        if not a["pairs"]:
            lines += ["| all | 0 | n/a | n/a | n/a |", ""]
            continue
        hate, off, lab = a["scores"]["p_hate"], a["scores"]["p_offensive"], a["labels"]["hate_label"]
        rows = [("all", hate, off, lab)] + [(d, hate["by_direction"][d], off["by_direction"][d],
                                             lab["by_direction"][d]) for d in hate["by_direction"]]
        lines += [f"| {d} | {h['n']:,} | {_delta(h)} | {_delta(o)} | {_pct(f['rate'])} "
                  f"[{_pct(f['ci_low'])}, {_pct(f['ci_high'])}] |" for d, h, o, f in rows]
        lines.append("")
    return lines


def self_audit_markdown(section: dict[str, Any], *, max_rows: int = 10) -> list[str]:
    """The self-audit as markdown: over-flagged subgroups, template spreads, flagged-record swaps."""
    s, g = section["summary"], section["group_rates"]
    cf = section["counterfactual_records"]
    lines = ["How the hate classifier itself treats identity groups (Dixon et al. 2018; Sap et al. 2019).", "",
             (f"Corpus rates: hate {_pct(g['corpus']['hate']['rate'])}, offensive "
              f"{_pct(g['corpus']['offensive']['rate'])}; records mentioning no group: {g['no_group']['n']:,}."), ""]
    for flag in ("hate", "offensive"):
        rows = s[f"over_flagged_{flag}"]
        if not rows:
            lines += [f"No subgroup's {flag} rate is above the corpus rate beyond its 95% interval.", ""]
            continue
        lines += [f"Subgroups flagged {flag} more than the corpus (95% Wilson low end above the corpus rate):", "",
                  "| subgroup | n | rate | interval low | x corpus |", "|---|---|---|---|---|"]
        lines += [f"| {r['group']} | {r['n']:,} | {_pct(r['rate'])} | {_pct(r['ci_low'])} | "
                  f"{_num(r['ratio_to_corpus'], 1)} |" for r in rows[:max_rows]]
        if len(rows) > max_rows:
            lines.append(f"| ... {len(rows) - max_rows} more in report.json | | | | |")
        lines.append("")
    lines += ["Template swaps (neutral sentences, only the identity adjective changes): spread of mean p across terms.",
              "", "| family | p_hate spread | highest | lowest | p_offensive spread | highest | lowest |",
              "|---|---|---|---|---|---|---|"]
    for family, f in section["counterfactual_templates"]["families"].items():
        lines.append(f"| {family} | {_num(f['p_hate_spread'])} | {f['p_hate_max_term']} | {f['p_hate_min_term']} | "
                     f"{_num(f['p_offensive_spread'])} | {f['p_offensive_max_term']} | {f['p_offensive_min_term']} |")
    flips = cf["label_flips"]
    lines += ["", (f"Flagged records with an identity adjective: {cf['n_eligible']:,} of {cf['n_flagged']:,}; "
                   f"{cf['n_sampled']:,} swapped (seed {cf['seed']}). Mean |Δp_hate| "
                   f"{_num(cf['mean_abs_delta_p_hate'])}, mean |Δp_offensive| "
                   f"{_num(cf['mean_abs_delta_p_offensive'])}; label changes for {_pct(flips['rate'])} of records "
                   f"[{_pct(flips['ci_low'])}, {_pct(flips['ci_high'])}]."), ""]
    return lines + swap_markdown(section.get("counterfactual_swaps", {}))
