"""Data cards from scans: a Hugging Face data set card or a Gebru et al. (2021) datasheet with the audit filled in.

``write_card(scan_dir, out)`` renders FROM the scan's report.json (numbers) and records.parquet (record ids), so
the card's numbers are the report's; figures are saved beside the card. Corpus text appears only when asked
(``CardOptions(include_examples=True)``), masked. Same scan and options give the same card bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from biasaudit.cards import datasheet, hf
from biasaudit.cards.facts import front_matter
from biasaudit.cards.figures import Figure, draw, figures_dir, save
from biasaudit.cards.measured import CardContext
from biasaudit.cards.metadata import CardOptions, input_name
from biasaudit.cards.scan_outputs import load_scan
from biasaudit.errors import UsageError
from biasaudit.report.writers import write_text

TEMPLATES = {"hf": hf.render, "datasheet": datasheet.render}


@dataclass(frozen=True)
class Card:
    """A rendered card: its text (front matter + body), the front matter as a dict, its figures by key."""

    text: str
    front_matter: dict[str, Any]
    figures: dict[str, Figure]


def render_card(scan_dir: str | Path, out: str | Path, *, template: str = "hf",
                options: CardOptions | None = None) -> Card:
    """The card for the scan in ``scan_dir``, to be saved as ``out`` (figure links are relative to it)."""
    options = options or CardOptions()
    options.validate()
    if template not in TEMPLATES:
        raise UsageError(f"unknown card template {template!r}; expected one of {', '.join(TEMPLATES)}")
    outputs = load_scan(scan_dir, with_text=options.include_examples)
    figures = draw(outputs.report) if options.figures else {}
    inputs = outputs.report["inputs"]
    default_name = Path(input_name(inputs[0]["path"])).stem if len(inputs) == 1 else Path(out).stem
    meta = front_matter(outputs, options, default_name)
    ctx = CardContext(outputs, options, figures, Path(out))
    body = TEMPLATES[template](ctx, meta)
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    text = "---\n" + head + "---\n\n" + "\n".join(body).rstrip("\n") + "\n"
    return Card(text, meta, figures)


def write_card(scan_dir: str | Path, out: str | Path, *, template: str = "hf",
               options: CardOptions | None = None) -> Card:
    """Render the card of the scan in ``scan_dir`` and write it to ``out`` (figures in ``<stem>_figures/``).

    Figures are written first and the card last, each atomically, so a card's links always resolve.
    """
    out = Path(out)
    if out.is_dir():
        raise UsageError(f"--out {out} is a directory; give the card's file name, e.g. {out}/README.md")
    card = render_card(scan_dir, out, template=template, options=options)
    out.parent.mkdir(parents=True, exist_ok=True)
    save(out, card.figures)
    write_text(out, card.text)
    return card


__all__ = ["TEMPLATES", "Card", "CardOptions", "figures_dir", "render_card", "write_card"]
