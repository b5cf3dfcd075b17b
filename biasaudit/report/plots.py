"""Plots of a report, drawn from its JSON numbers (histograms, rates with intervals), as PNG bytes or inline data.

Never recomputes statistics: a plot shows exactly what report.json holds. The HTML report inlines the PNGs
(``*_png`` give data URIs); data cards save them beside the card (``*_png_bytes``).
"""
from __future__ import annotations

import base64
import io
from itertools import pairwise
from typing import Any


def _figure(width: float = 5.0, height: float = 2.6):
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    return plt, fig, ax


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", metadata={"Software": None})  # no timestamps: same report, same bytes
    plt.close(fig)
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
    plt, fig, ax = _figure()
    edges, counts = hist["edges"], hist["counts"]
    ax.bar(edges[:-1], counts, width=[b - a for a, b in pairwise(edges)], align="edge",
           color="#4c72b0", edgecolor="white", linewidth=0.3)
    if stats.get("mean") is not None:
        ax.axvline(stats["mean"], color="#c44e52", linewidth=1, label=f"mean {stats['mean']:.3f}")
        ax.legend(fontsize=7, frameon=False)
    ax.set_title(name, fontsize=9)
    ax.set_ylabel("records", fontsize=8)
    ax.tick_params(labelsize=7)
    return _png(plt, fig)


def rates_png_bytes(title: str, rates: dict[str, dict[str, Any]]) -> bytes | None:
    """Horizontal bars of rates with their Wilson intervals as error bars."""
    items = [(k, r) for k, r in rates.items() if r.get("rate") is not None]
    if not items:
        return None
    plt, fig, ax = _figure(5.0, 0.45 * len(items) + 0.9)
    names = [k for k, _ in items][::-1]
    vals = [100 * r["rate"] for _, r in items][::-1]
    lo = [max(0.0, 100 * (r["rate"] - r["ci_low"])) for _, r in items][::-1]
    hi = [max(0.0, 100 * (r["ci_high"] - r["rate"])) for _, r in items][::-1]
    ax.barh(names, vals, xerr=[lo, hi], color="#55a868", error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.set_xlabel("% of records (95% Wilson interval)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return _png(plt, fig)
