"""Render compare.json as Markdown, self-contained HTML and a PNG of the means and rates with their intervals.

Views only: every number comes from the comparison dict. Scan labels and paths are user text: escaped in both
views (Markdown cells through ``md_text``, HTML through ``html.escape``).
"""
from __future__ import annotations

import base64
import math
from html import escape
from pathlib import Path
from typing import Any

from biasaudit.report import henderson
from biasaudit.report.markdown import md_text
from biasaudit.report.plots import _figure, _png
from biasaudit.report.writers import atomic_writer, dumps_json, write_text

Block = tuple  # ("h2", text) | ("p", text) | ("table", header, rows) | ("img", alt)


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _p(x: float | None) -> str:
    return "-" if x is None else (f"{x:.2g}" if x >= 1e-4 else "< 1e-4")


def _interval(lo: float | None, hi: float | None, scale: float = 1.0, digits: int = 3) -> str:
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return "-"
    return f"[{lo * scale:.{digits}f}, {hi * scale:.{digits}f}]"


def _estimate(metric: dict[str, Any], cell: dict[str, Any]) -> list[str]:
    """n, mean or %, std, 95% interval."""
    if metric["kind"] == "score":
        return [f"{cell['n']:,}", _num(cell["mean"]), _num(cell["std"]), _interval(cell["ci_low"], cell["ci_high"])]
    rate = cell["rate"]
    pct = "-" if rate is None or math.isnan(rate) else f"{100 * rate:.2f}%"
    return [f"{cell['n']:,}", pct, "", _interval(cell["ci_low"], cell["ci_high"], 100, 2)]


def blocks(result: dict[str, Any]) -> list[Block]:
    ref = result["reference"]
    s = result["settings"]
    out: list[Block] = [("h1", "biasaudit compare"),
                        ("p", (f"Reference (data): {ref}. Intervals: 95%; bootstrap draws: {s['bootstrap']:,}, "
                               f"seed {s['seed']}. Scores: mean, sample std, bootstrap interval of the mean. "
                               "Rates: share with a Wilson interval."))]
    out.append(("table", ["scan", "path", "records", "unit scored", "lower-cased", "preset"],
                [[x["label"], x["path"], f"{x['records']:,}", str(x["unit"]), str(x["lowercase"]),
                  str(x["preset"] or "-")] for x in result["scans"]]))
    out.append(("img", "means and rates per scan with 95% intervals"))
    out.append(("h2", "Per scan"))
    out.append(("table", ["metric", "scan", "n", "mean / rate", "std", "95% interval"],
                [[m["key"], label] + _estimate(m, cell) for m in result["metrics"]
                 for label, cell in m["per_scan"].items()]))
    out.append(("h2", f"Differences from {ref}"))
    out.append(("p", ("difference = scan - reference with the bootstrap interval; p two-sided (Welch's t-test "
                      "for scores, Fisher's exact test for rates), Holm-adjusted over all rows; ratio = scan / "
                      "reference (amplification when above 1), left out when the reference is not clearly away "
                      "from 0.")))
    rows = []
    for m in result["metrics"]:
        scale, digits = (1.0, 3) if m["kind"] == "score" else (100.0, 2)
        for label, d in m["differences"].items():
            amp = d["amplification"]
            ratio = "-" if amp["ratio"] is None else f"{amp['ratio']:.2f} {_interval(amp['ci_low'], amp['ci_high'], digits=2)}"
            rows.append([m["key"], f"{label} vs {ref}",
                         f"{d['difference'] * scale:.{digits}f} {_interval(d['ci_low'], d['ci_high'], scale, digits)}"
                         + ("" if m["kind"] == "score" else " pts"),
                         d["test"], _p(d["p"]), _p(d.get("p_holm")), ratio])
    out.append(("table", ["metric", "scans", "difference [95% CI]", "test", "p", "p (Holm)", "ratio [95% CI]"],
                rows))
    if result["table1"]:
        out.append(("h2", "Henderson et al. (2018) Table 1"))
        out.append(("p", ("Rows computed as Henderson et al. did (mean ± population std; see each scan's "
                          "report). Their published numbers are in each scan's report.md.")))
        out.append(("table", henderson.TABLE_HEADER,
                    henderson.table_rows([(t["label"], t["section"]) for t in result["table1"]])))
    if result["notes"]:
        out.append(("h2", "Notes"))
        out += [("p", note) for note in result["notes"]]
    return out


def render_markdown(result: dict[str, Any]) -> str:
    lines: list[str] = []
    for block in blocks(result):
        kind = block[0]
        if kind == "h1":
            lines += [f"# {block[1]}", ""]
        elif kind == "h2":
            lines += [f"## {md_text(block[1])}", ""]
        elif kind == "p":
            lines += [md_text(block[1], limit=2000), ""]
        elif kind == "img":
            lines += [f"![{block[1]}](compare.png)", ""]
        else:
            header, rows = block[1], block[2]
            lines += ["| " + " | ".join(md_text(h) for h in header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(md_text(c, limit=200) for c in r) + " |" for r in rows] + [""]
    return "\n".join(lines)


def render_html(result: dict[str, Any], png: bytes | None) -> str:
    parts = []
    for block in blocks(result):
        kind = block[0]
        if kind in ("h1", "h2"):
            parts.append(f"<{kind}>{escape(block[1])}</{kind}>")
        elif kind == "p":
            parts.append(f"<p>{escape(block[1])}</p>")
        elif kind == "img":
            if png:
                parts.append(f'<img alt="{escape(block[1])}" src="data:image/png;base64,'
                             f'{base64.b64encode(png).decode("ascii")}">')
        else:
            head = "".join(f"<th>{escape(h)}</th>" for h in block[1])
            body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in block[2])
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
    css = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
           "table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}td,th{border:1px solid #ddd;"
           "padding:.25em .6em;text-align:left}th{background:#f4f4f4}")
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>biasaudit compare</title>"
            f"<style>{css}</style></head><body>" + "".join(parts) + "</body></html>\n")


def plot_png(result: dict[str, Any]) -> bytes | None:
    """Small multiples: one panel per score (mean and interval per scan), one panel for all rates (%)."""
    scores = [m for m in result["metrics"] if m["kind"] == "score"]
    rates = [m for m in result["metrics"] if m["kind"] == "rate"]
    panels = [(m["key"], [m]) for m in scores] + ([("rates (%)", rates)] if rates else [])
    if not panels:
        return None
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, _ = _figure(4.2 * cols, 2.6 * rows)
    fig.clf()
    labels = [s["label"] for s in result["scans"]]
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]
    for p, (title, metrics) in enumerate(panels):
        ax = fig.add_subplot(rows, cols, p + 1)
        for j, label in enumerate(labels):
            xs, ys, lo, hi = [], [], [], []
            for i, m in enumerate(metrics):
                cell = m["per_scan"][label]
                scale = 1.0 if m["kind"] == "score" else 100.0
                value = cell["mean"] if m["kind"] == "score" else cell["rate"]
                if value is None or cell["ci_low"] is None or math.isnan(value) or math.isnan(cell["ci_low"]):
                    continue
                xs.append(i + (j - (len(labels) - 1) / 2) * 0.8 / max(1, len(labels)))
                ys.append(value * scale)
                lo.append(max(0.0, (value - cell["ci_low"]) * scale))
                hi.append(max(0.0, (cell["ci_high"] - value) * scale))
            ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o", color=colors[j % len(colors)], label=label, capsize=2,
                        markersize=4, elinewidth=0.8)
        ax.set_xlim(-0.6, len(metrics) - 0.4)
        ax.set_xticks(range(len(metrics)))
        ax.set_xticklabels([m["key"] if len(metrics) > 1 else "" for m in metrics], rotation=30, ha="right",
                           fontsize=7)
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        if p == 0:
            ax.legend(fontsize=7, frameon=False)
    return _png(fig, tight=True)


def write_compare_files(result: dict[str, Any], out_dir: str | Path) -> None:
    """compare.json (source of truth), compare.md, compare.html (plot inline) and compare.png, atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    png = plot_png(result)
    with atomic_writer(out / "compare.json", binary=True) as fh:
        fh.write(dumps_json(result) + b"\n")
    if png is not None:
        with atomic_writer(out / "compare.png", binary=True) as fh:
            fh.write(png)
    write_text(out / "compare.md", render_markdown(result))
    write_text(out / "compare.html", render_html(result, png))
