"""Render analyzer-provided report sections (e.g. the hate self-audit) for the Markdown and HTML views.

A section renderer maps a report.json section to Markdown lines; the HTML view converts that Markdown subset
(paragraphs and pipe tables) with every cell escaped. Renderers are found by section name, extensible through
the ``biasaudit.report_sections`` entry point group.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

ENTRY_POINT_GROUP = "biasaudit.report_sections"
BUILTIN = {"hate_self_audit": "biasaudit.audits.self_audit_report:self_audit_markdown",
           "associations": "biasaudit.associations.report:associations_markdown",
           "henderson2018": "biasaudit.report.henderson:henderson_markdown",
           "filtered_out": "biasaudit.report.filtered:filtered_out_markdown"}
TITLES = {"hate_self_audit": "Hate classifier self-audit", "associations": "Associations the corpus teaches",
          "henderson2018": "Henderson et al. (2018) Table 1", "filtered_out": "Who gets filtered out"}


@cache
def _renderer(name: str) -> Callable[[dict[str, Any]], list[str]] | None:
    target = BUILTIN.get(name)
    if target is None:
        ep = {e.name: e for e in entry_points(group=ENTRY_POINT_GROUP)}.get(name)
        return ep.load() if ep is not None else None
    module, attr = target.split(":")
    return getattr(import_module(module), attr)


def title(name: str) -> str:
    return TITLES.get(name, name.replace("_", " ").capitalize())


def section_markdown(name: str, section: Any) -> list[str]:
    """Markdown lines for a section; a pointer to report.json when no renderer is known."""
    render = _renderer(name)
    if render is None or not isinstance(section, dict):
        return ["No readable view for this section; see report.json.", ""]
    try:
        return list(render(section))
    except (KeyError, TypeError, ValueError) as err:  # an older/partial section must not break the report
        return [f"This section could not be rendered ({type(err).__name__}: {err}); see report.json.", ""]


def markdown_to_html(lines: list[str]) -> str:
    """The Markdown subset section renderers emit (paragraphs, pipe tables) as HTML, all text escaped."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if not table:
            return
        head, body = table[0], [r for r in table[1:] if not all(set(c) <= set("-: ") for c in r)]
        out.append("<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in head) + "</tr>"
                   + "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in body)
                   + "</table>")
        table.clear()

    for line in lines:
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        if line.strip():
            out.append(f"<p>{escape(line)}</p>")
    flush()
    return "".join(out)
