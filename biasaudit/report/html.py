"""Render report.json as one self-contained HTML file (inline CSS and SVG plots as data URIs, no external assets).

Every string that can come from a corpus or a path is HTML-escaped here; nothing else renders user text.
"""
from __future__ import annotations

from html import escape
from typing import Any

from biasaudit.report import sections
from biasaudit.report.markdown import SCORE_HEADER, fmt, fmt_rate, is_headline, score_rows, view_text
from biasaudit.report.svg import data_uri, histogram_svg, rates_svg, sparkline_svg

_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}.text{max-width:520px;white-space:pre-wrap;
word-break:break-word}.fail{color:#b00;font-weight:bold}.plots img{margin:.3em}.muted{color:#777}"""


def _t(value: Any) -> str:
    return escape(str(value), quote=True)


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_t(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{cell}</td>' if i >= numeric_from else f"<td>{cell}</td>" for i, cell in enumerate(r)
    ) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _plots(report: dict[str, Any], names: list[str]) -> str:
    imgs = [(n, data_uri(histogram_svg(n, report["scores"][n]))) for n in names]
    return "<div class=plots>" + "".join(f'<img alt="{_t(n)} histogram" src="{uri}">' for n, uri in imgs if uri) \
        + "</div>"


def _sparkline(name: str, stats: dict[str, Any]) -> str:
    uri = data_uri(sparkline_svg(stats))
    return f'<img alt="{_t(name)} histogram" src="{uri}">' if uri else ""


def render_html(report: dict[str, Any]) -> str:
    c = report["counts"]
    parts = [(f"<h1>biasaudit scan report</h1><p>Records read: <b>{_t(fmt(c['read']))}</b>, scored: "
              f"<b>{_t(fmt(c['scored']))}</b>, rejected: <b>{_t(fmt(c['rejected']))}</b>.</p>")]
    if report["inputs"]:
        parts.append("<h2>Inputs</h2>" + _table(
            ["source", "format", "records", "rejected", "sha256"],
            [[_t(i["path"]), _t(i.get("format")), _t(fmt(i.get("records"))), _t(fmt(i.get("rejected"))),
              f"<code>{_t((i.get('sha256') or '')[:16])}</code>"] for i in report["inputs"]], numeric_from=2))
    if c["rejected_by_reason"]:
        parts.append("<p>Rejected by reason: " + ", ".join(
            f"{_t(k)}: {_t(v)}" for k, v in c["rejected_by_reason"].items()) + " (see rejected.jsonl)</p>")
    if report["labels"] or report["flags"]:
        parts.append("<h2>Rates</h2><div class=plots>")
        for col, labels in report["labels"].items():
            uri = data_uri(rates_svg(col, labels))
            if uri:
                parts.append(f'<img alt="{_t(col)} rates" src="{uri}">')
        if report["flags"]:
            uri = data_uri(rates_svg("flags", report["flags"]))
            if uri:
                parts.append(f'<img alt="flag rates" src="{uri}">')
        parts.append("</div>")
        rows = [[_t(f"{col} = {lab}"), _t(fmt_rate(r)), _t(fmt(r["count"])), _t(fmt(r["n"]))]
                for col, labels in report["labels"].items() for lab, r in labels.items()]
        rows += [[_t(col), _t(fmt_rate(r)), _t(fmt(r["count"])), _t(fmt(r["n"]))]
                 for col, r in report["flags"].items()]
        parts.append(_table(["what", "rate [95% CI]", "count", "of"], rows))
    if report["scores"]:
        head = [n for n in report["scores"] if is_headline(report, n)]
        detail = [n for n in report["scores"] if not is_headline(report, n)]
        parts.append("<h2>Scores</h2>" + _plots(report, head))
        parts.append(_table(SCORE_HEADER, [[_t(r[0])] + [_t(fmt(v)) for v in r[1:]]
                                           for r in score_rows(report, head)]))
        parts.append("<h3>Extreme records</h3>")
        rows = []
        for name in head:
            for end in ("highest", "lowest"):
                for e in report["scores"][name].get("extremes", {}).get(end, []):
                    rows.append([_t(name), _t(end), _t(fmt(e["value"])), _t(e["id"]),
                                 f'<div class="text">{_t(view_text(e["text"], report))}</div>'])
        parts.append(_table(["score", "end", "value", "id", "text"], rows, numeric_from=2)
                     .replace('<td class="num"><div', "<td><div"))
        if detail:
            parts.append(f"<details><summary>Detail columns ({len(detail)}: model features and other inputs; "
                         "all figures are in report.json)</summary>"
                         + _table(SCORE_HEADER + ["histogram"],
                                  [[_t(r[0])] + [_t(fmt(v)) for v in r[1:]]
                                   + [_sparkline(r[0], report["scores"][r[0]])]
                                   for r in score_rows(report, detail)])
                         + "</details>")
    for dim, groups in report["breakdowns"].items():
        score_names = [n for n in report["scores"] if is_headline(report, n)]
        label_cols = [(col, lab) for col, labs in report["labels"].items() if is_headline(report, col)
                      for lab in labs]
        header = [dim, "n"] + [f"{s} mean" for s in score_names] + [f"{lab} rate" for _, lab in label_cols]
        rows = [[_t(key), _t(fmt(g["n"]))] + [_t(fmt(g["scores"][s]["mean"])) for s in score_names]
                + [_t(fmt_rate(g["labels"][col][lab])) for col, lab in label_cols]
                for key, g in list(groups.items())[:50]]
        parts.append(f"<h2>By {_t(dim.replace('_', ' '))}</h2>" + _table(header, rows))
    for name, section in report.get("sections", {}).items():
        parts.append(f"<h2>{_t(sections.title(name))}</h2>"
                     + sections.markdown_to_html(sections.section_markdown(name, section)))
    if report.get("gates"):
        rows = [[_t(g["expr"]), _t(fmt(g["value"])),
                 "passed" if g["passed"] else '<span class="fail">FAILED</span>'] for g in report["gates"]]
        parts.append("<h2>Gates</h2>" + _table(["gate", "value", "result"], rows))
    r = report["reproducibility"]
    rows = [[_t(f"{a['name']}:{a['variant']}"), _t(a["version"]),
             "<br>".join(f"{_t(k)} <code>{_t(v[:16])}</code>" for k, v in a["resources"].items()) or "-",
             _t(", ".join(f"{k}={v}" for k, v in a["settings"].items()))] for a in r["analyzers"]]
    parts.append("<h2>Reproducibility</h2><p class=muted>biasaudit " + _t(r["biasaudit"]) + ", Python "
                 + _t(r["python"]) + "; " + _t(", ".join(f"{k} {v}" for k, v in r["packages"].items()))
                 + "</p>" + _table(["analyzer", "version", "resources (sha256)", "settings"], rows, 9)
                 + "<p class=muted>Settings: " + _t(r["settings"]) + "</p>")
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>biasaudit scan report</title>"
            f"<style>{_CSS}</style></head><body>" + "".join(parts) + "</body></html>\n")
