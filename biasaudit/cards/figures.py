"""Figures of a data card, drawn by biasaudit.report.plots from report.json and saved as PNGs beside the card.

Cards are read on the Hub or in a repository, where inline data URIs are not shown: the PNGs live in
``<card name>_figures/`` and the card links them by relative path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from biasaudit.cards import facts
from biasaudit.report.plots import histogram_png_bytes, rates_png_bytes
from biasaudit.report.writers import atomic_writer


@dataclass(frozen=True)
class Figure:
    name: str  # file name inside the figures folder
    caption: str
    png: bytes


def figures_dir(card_path: str | Path) -> Path:
    card_path = Path(card_path)
    return card_path.with_name(f"{card_path.stem}_figures")


def link(card_path: str | Path, figure: Figure) -> str:
    """Markdown image link to ``figure``, relative to the card (URL-quoted: card names may hold spaces)."""
    folder = figures_dir(card_path).name
    return f"![{figure.caption}]({quote(folder)}/{quote(figure.name)})"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "score"


def draw(report: dict[str, Any]) -> dict[str, Figure]:
    """Every figure the report supports, keyed by what it shows: 'rates', 'identity_<flag>', 'score_<name>'."""
    out: dict[str, Figure] = {}
    rates = {f"{col} = {lab}": r for col, labs in report["labels"].items() for lab, r in labs.items()}
    rates |= report["flags"]
    png = rates_png_bytes("rates (95% Wilson intervals)", rates) if rates else None
    if png:
        out["rates"] = Figure("rates.png", "Label and flag rates with 95% Wilson intervals", png)
    section = facts.self_audit(report)
    if section:
        for flag in facts.FLAGS:
            rows = facts.most_affected(section, flag, k=10)
            bars = {"whole corpus": section["group_rates"]["corpus"][flag]}
            bars |= {f"{r['group']} (n={r['n']:,})": r for r in rows}
            png = rates_png_bytes(f"{flag} rate by identity group mentioned", bars) if rows else None
            if png:
                out[f"identity_{flag}"] = Figure(f"identity_{flag}.png",
                                                 f"{flag} rate of records mentioning each identity group", png)
    for name in facts.headline_scores(report):
        png = histogram_png_bytes(name, report["scores"][name])
        if png:
            out[f"score_{name}"] = Figure(f"score_{_safe(name)}.png", f"Distribution of {name}", png)
    return out


def save(card_path: str | Path, figures: dict[str, Figure]) -> list[Path]:
    """Write the PNGs (atomically); remove PNGs an earlier card at this path had and this one does not draw."""
    folder = figures_dir(card_path)
    if figures:
        folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fig in figures.values():
        with atomic_writer(folder / fig.name, binary=True) as fh:
            fh.write(fig.png)
        written.append(folder / fig.name)
    if folder.is_dir():
        for old in folder.glob("*.png"):
            if old not in written:
                old.unlink()
    return written
