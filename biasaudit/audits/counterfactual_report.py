"""counterfactual.json (the source of truth) and counterfactual.md (its readable view), written atomically.

A view only: every number comes from the report dict; corpus text arrives masked and is escaped here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from biasaudit.report.markdown import fmt, fmt_rate, md_text
from biasaudit.report.writers import atomic_writer, dumps_json, write_text


def _delta(s: dict[str, Any]) -> str:
    if s.get("mean_delta") is None:
        return "-"
    return f"{fmt(s['mean_delta'])} [{fmt(s['ci_low'])}, {fmt(s['ci_high'])}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(r) + " |" for r in rows] + [""])


def render_counterfactual_markdown(report: dict[str, Any]) -> str:
    c = report["counts"]
    lines = ["# biasaudit counterfactual evaluation", "",
             (f"Records read: **{fmt(c['read'])}**, evaluated: **{fmt(c['records'])}**, rejected: "
              f"**{fmt(c['rejected'])}**. Analyzers: {', '.join(report['analyzers'])}. Swapper POS: "
              f"{report['settings']['pos']}."), "",
             ("Each record holding a word of the attribute is paired with its counterfactual (the words swapped "
              "for their counterparts). Delta = counterfactual - original, mean over pairs with a paired t 95% "
              "interval; a label flips when the two records get different labels."), ""]
    for name, a in report["attributes"].items():
        lines += [f"## {name}", "", f"Pairs: **{fmt(a['pairs'])}** ("
                  + ", ".join(f"{d}: {fmt(n)}" for d, n in a["directions"].items()) + ")." if a["pairs"]
                  else "No record holds a word of this attribute.", ""]
        if not a["pairs"]:
            continue
        rows = []
        for col, s in a["scores"].items():
            rows.append([col, "all", fmt(s["n"]), fmt(s.get("mean_original")), fmt(s.get("mean_counterfactual")),
                         _delta(s), fmt(s.get("mean_abs_delta"))])
            rows += [["", d, fmt(v["n"]), fmt(v.get("mean_original")), fmt(v.get("mean_counterfactual")),
                      _delta(v), fmt(v.get("mean_abs_delta"))] for d, v in s["by_direction"].items()]
        if rows:
            lines += _table(["score", "direction", "pairs", "mean original", "mean counterfactual",
                             "mean delta [95% CI]", "mean abs delta"], rows)
        rows = []
        for col, s in a["labels"].items():
            trans = ", ".join(f"{k}: {v}" for k, v in s["transitions"].items()) or "-"
            rows.append([col, "all", fmt(s["n"]), fmt_rate(s), md_text(trans)])
            rows += [["", d, fmt(v["n"]), fmt_rate(v), md_text(", ".join(f"{k}: {n}" for k, n in
                                                                          v["transitions"].items()) or "-")]
                     for d, v in s["by_direction"].items()]
        if rows:
            lines += _table(["label", "direction", "pairs", "flip rate [95% CI]", "transitions"], rows)
        for col, items in a["largest_changes"].items():
            if not items:
                continue
            lines += [f"Largest changes of `{col}` (text masked):", ""]
            lines += _table(["id", "delta", "original", "counterfactual"],
                            [[md_text(i["id"]), fmt(i["delta"]), md_text(i["original"]),
                              md_text(i["counterfactual"])] for i in items])
    lex = report["lexicon"]
    lines += ["## Reproducibility", "", f"- biasaudit {report['reproducibility']['biasaudit']}",
              f"- lexicon {md_text(lex['source'])} sha256 `{lex['sha256']}`"]
    lines += [f"- input {md_text(p)} sha256 `{h}`" for p, h in report["reproducibility"]["input_sha256"].items()]
    return "\n".join(lines) + "\n"


def write_counterfactual(report: dict[str, Any], out: str | Path) -> None:
    """``out/counterfactual.json`` and ``out/counterfactual.md``, each replaced atomically."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out / "counterfactual.json", binary=True) as fh:
        fh.write(dumps_json(report) + b"\n")
    write_text(out / "counterfactual.md", render_counterfactual_markdown(report))
