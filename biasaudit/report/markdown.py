"""Render report.json as Markdown for a repository or a pull request.

A view only: every number comes from the report dict; corpus text is escaped so it cannot inject markup.
"""
from __future__ import annotations

import html
from typing import Any

from biasaudit.report import sections
from biasaudit.text.masking import mask_text


def fmt(value: Any, digits: int = 4) -> str:
    """A number as the reports show it: fixed digits, '-' when undefined."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def fmt_rate(r: dict[str, Any]) -> str:
    """``12.50% [10.1, 15.3]`` from a rate dict."""
    if r.get("rate") is None:
        return "-"
    return f"{100 * r['rate']:.2f}% [{100 * r['ci_low']:.2f}, {100 * r['ci_high']:.2f}]"


def view_text(text: str, report: dict[str, Any]) -> str:
    """Corpus text as a person should see it: listed slurs and profanities masked unless the scan asked not to."""
    settings = report.get("reproducibility", {}).get("settings", {})
    return str(text) if settings.get("show_offensive") else mask_text(str(text))


def is_headline(report: dict[str, Any], column: str) -> bool:
    """Headline columns lead the views; detail columns (model features) are folded away, never dropped."""
    return report["columns"].get(column, {}).get("headline", True)


def score_rows(report: dict[str, Any], names: list[str]) -> list[list[Any]]:
    """n, mean, std, min, p05, median, p95, max, undefined per score (unformatted)."""
    rows = []
    for name in names:
        s = report["scores"][name]
        q = s.get("quantiles") or {}
        rows.append([name, s["n"], s["mean"], s["std"], s["min"], q.get("p05"), q.get("p50"), q.get("p95"),
                     s["max"], s["n_nan"]])
    return rows


SCORE_HEADER = ["score", "n", "mean", "std", "min", "p05", "median", "p95", "max", "undefined"]


def md_text(text: str, limit: int = 160) -> str:
    """Corpus text made inert for a Markdown table cell."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = html.escape(text, quote=False)
    for ch in "\\`*_[]|#<>":
        text = text.replace(ch, "\\" + ch)
    return text


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def render_markdown(report: dict[str, Any]) -> str:
    c = report["counts"]
    lines = ["# biasaudit scan report", "",
             (f"Records read: **{fmt(c['read'])}**, scored: **{fmt(c['scored'])}**, "
              f"rejected: **{fmt(c['rejected'])}**."), ""]
    if report["inputs"]:
        lines += ["## Inputs", ""]
        lines += _table(["source", "format", "records", "rejected", "sha256"],
                        [[md_text(i["path"]), str(i.get("format")), fmt(i.get("records")), fmt(i.get("rejected")),
                          f"`{(i.get('sha256') or '')[:16]}`"] for i in report["inputs"]])
    if c["rejected_by_reason"]:
        lines += ["Rejected by reason: " + ", ".join(f"{md_text(k)}: {v}"
                                                      for k, v in c["rejected_by_reason"].items()), ""]
    if report["labels"] or report["flags"]:
        lines += ["## Rates (Wilson 95% intervals)", ""]
        rows = [[f"{col} = {lab}", fmt_rate(r), fmt(r["count"]), fmt(r["n"])]
                for col, labels in report["labels"].items() for lab, r in labels.items()]
        rows += [[col, fmt_rate(r), fmt(r["count"]), fmt(r["n"])] for col, r in report["flags"].items()]
        lines += _table(["what", "rate", "count", "of"], rows)
    if report["scores"]:
        head = [n for n in report["scores"] if is_headline(report, n)]
        detail = [n for n in report["scores"] if not is_headline(report, n)]
        lines += ["## Scores", ""]
        lines += _table(SCORE_HEADER, [[r[0]] + [fmt(v) for v in r[1:]] for r in score_rows(report, head)])
        lines += ["### Extreme records", ""]
        rows = []
        for name in head:
            for end in ("highest", "lowest"):
                for e in report["scores"][name].get("extremes", {}).get(end, [])[:1]:
                    rows.append([name, end, fmt(e["value"]), md_text(e["id"], 60),
                                 md_text(view_text(e["text"], report))])
        lines += _table(["score", "end", "value", "id", "text"], rows)
        if detail:
            lines += ["### Detail columns", ""]
            lines += _table(SCORE_HEADER, [[r[0]] + [fmt(v) for v in r[1:]] for r in score_rows(report, detail)])
    for dim, groups in report["breakdowns"].items():
        lines += [f"## By {dim.replace('_', ' ')}", ""]
        score_names = [n for n in report["scores"] if is_headline(report, n)][:6]
        label_cols = [(col, lab) for col, labs in report["labels"].items() if is_headline(report, col)
                      for lab in list(labs)[:3]]
        header = [dim, "n"] + [f"{s} mean" for s in score_names] + [f"{lab} rate" for _, lab in label_cols]
        rows = []
        for key, g in list(groups.items())[:25]:
            rows.append([md_text(key, 60), fmt(g["n"])] + [fmt(g["scores"][s]["mean"]) for s in score_names]
                        + [fmt_rate(g["labels"][col][lab]) for col, lab in label_cols])
        lines += _table(header, rows)
        if len(groups) > 25:
            lines += [f"({len(groups) - 25} more groups in report.json)", ""]
    for name, section in report.get("sections", {}).items():
        lines += [f"## {sections.title(name)}", ""] + sections.section_markdown(name, section)
    if report.get("gates"):
        lines += ["## Gates", ""]
        lines += _table(["gate", "value", "result"], [[md_text(g["expr"]), fmt(g["value"]),
                                                       "passed" if g["passed"] else "**FAILED**"]
                                                      for g in report["gates"]])
    r = report["reproducibility"]
    lines += ["## Reproducibility", "",
              f"biasaudit {r['biasaudit']}, Python {r['python']}; "
              + ", ".join(f"{k} {v}" for k, v in r["packages"].items()) + ".", ""]
    lines += _table(["analyzer", "version", "resources (sha256)"],
                    [[f"{a['name']}:{a['variant']}", a["version"],
                      "<br>".join(f"{k} `{v[:12]}`" for k, v in a["resources"].items()) or "-"]
                     for a in r["analyzers"]])
    return "\n".join(lines)
