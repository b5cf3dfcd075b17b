"""Plots of a report, drawn from its JSON numbers (histograms, rates with intervals), as PNG bytes or inline data.

Never recomputes statistics: a plot shows exactly what report.json holds. The HTML report inlines the PNGs
(``*_png`` give data URIs); data cards save them beside the card (``*_png_bytes``). Figures are drawn on a bare
Agg canvas (no pyplot state, no tight_layout: fixed margins in inches) because a scan report draws several and
layout search cost more than the drawing. Detail columns get a text-free ``sparkline_png`` instead of a plot.
"""
from __future__ import annotations

import base64
import io
from typing import Any

_INCH_PER_CHAR = 0.06  # a 7-pt tick label character, for margins sized to the longest label


def _figure(width: float = 5.0, height: float = 2.6, *, left: float = 0.62, bottom: float = 0.32,
            top: float = 0.28, right: float = 0.25):
    """A figure with one axes and fixed margins (inches), on the Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=min(0.6, left / width), right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height)
    return fig, fig.add_subplot()


def _png(fig, *, tight: bool = False) -> bytes:
    """PNG bytes without a timestamp (same report, same bytes); ``tight`` for multi-panel figures only."""
    buf = io.BytesIO()
    if tight:
        fig.tight_layout()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _data_uri(png: bytes | None) -> str | None:
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def histogram_png(name: str, stats: dict[str, Any]) -> str | None:
    """The histogram as an inline ``data:`` URI (None when the score has no values)."""
    return _data_uri(histogram_png_bytes(name, stats))


def rates_png(title: str, rates: dict[str, dict[str, Any]]) -> str | None:
    """The rate bars as an inline ``data:`` URI (None when no rate is defined)."""
    return _data_uri(rates_png_bytes(title, rates))


def histogram_png_bytes(name: str, stats: dict[str, Any]) -> bytes | None:
    hist = stats.get("histogram") or {}
    if not hist.get("counts"):
        return None
    fig, ax = _figure()
    ax.stairs(hist["counts"], hist["edges"], fill=True, color="#4c72b0")
    if stats.get("mean") is not None:
        ax.axvline(stats["mean"], color="#c44e52", linewidth=1, label=f"mean {stats['mean']:.3f}")
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax.set_title(name, fontsize=9)
    ax.set_ylabel("records", fontsize=8)
    ax.tick_params(labelsize=7)
    return _png(fig)


def rates_png_bytes(title: str, rates: dict[str, dict[str, Any]]) -> bytes | None:
    """Horizontal bars of rates with their Wilson intervals as error bars."""
    items = [(k, r) for k, r in rates.items() if r.get("rate") is not None]
    if not items:
        return None
    names = [k for k, _ in items][::-1]
    fig, ax = _figure(5.0, 0.45 * len(items) + 0.9, left=0.2 + _INCH_PER_CHAR * max(map(len, names)),
                      bottom=0.45)
    vals = [100 * r["rate"] for _, r in items][::-1]
    lo = [max(0.0, 100 * (r["rate"] - r["ci_low"])) for _, r in items][::-1]
    hi = [max(0.0, 100 * (r["ci_high"] - r["rate"])) for _, r in items][::-1]
    ax.barh(names, vals, xerr=[lo, hi], color="#55a868", error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.set_xlabel("% of records (95% Wilson interval)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return _png(fig)


def sparkline_png(stats: dict[str, Any], width: int = 120, height: int = 24) -> str | None:
    """A histogram's shape as a small inline PNG ``data:`` URI, no axes (the table row beside it has the
    numbers); None when the score has no values. Drawn pixel by pixel: a figure per detail column cost more
    than the rest of the report."""
    import numpy as np
    from PIL import Image

    counts = np.asarray((stats.get("histogram") or {}).get("counts") or [], dtype=np.float64)
    if not counts.size or counts.max() <= 0:
        return None
    bars = np.ceil(counts / counts.max() * height).astype(int)[np.arange(width) * counts.size // width]
    filled = np.arange(height)[:, None] >= height - bars[None, :]
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    pixels[filled] = (0x4C, 0x72, 0xB0, 255)
    buf = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(buf, format="PNG")
    return _data_uri(buf.getvalue())
