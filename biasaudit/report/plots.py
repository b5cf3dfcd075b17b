"""Plots of a report as PNG bytes, drawn from its JSON numbers (histograms, rates with intervals), for data cards.

Never recomputes statistics: a plot shows exactly what report.json holds. Data cards save these PNGs beside the
card (every Markdown viewer shows a PNG); the HTML scan report draws the same figures as SVG (report.svg, which
shares ``rate_bars``), since matplotlib's import alone cost a small scan a quarter of a second. Figures are drawn
on a bare Agg canvas (no pyplot state, no tight_layout: fixed margins in inches), as layout search cost more than
the drawing.
"""
from __future__ import annotations

import io
from typing import Any

_INCH_PER_CHAR = 0.06  # a 7-pt tick label character, for margins sized to the longest label
#: The report figures' colours, in these PNGs and in report.svg alike.
BAR_BLUE, MEAN_RED, RATE_GREEN = "#4c72b0", "#c44e52", "#55a868"


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


def histogram_png_bytes(name: str, stats: dict[str, Any]) -> bytes | None:
    hist = stats.get("histogram") or {}
    if not hist.get("counts"):
        return None
    fig, ax = _figure()
    ax.stairs(hist["counts"], hist["edges"], fill=True, color=BAR_BLUE)
    if stats.get("mean") is not None:
        ax.axvline(stats["mean"], color=MEAN_RED, linewidth=1, label=f"mean {stats['mean']:.3f}")
        ax.legend(fontsize=7, frameon=False, loc="upper right")
    ax.set_title(name, fontsize=9)
    ax.set_ylabel("records", fontsize=8)
    ax.tick_params(labelsize=7)
    return _png(fig)


def rate_bars(rates: dict[str, dict[str, Any]]) -> list[tuple[str, float, float, float]]:
    """(name, rate, interval low, interval high) in %, top bar first, for every rate that is defined."""
    return [(name, 100 * r["rate"], 100 * min(r["ci_low"], r["rate"]), 100 * max(r["ci_high"], r["rate"]))
            for name, r in rates.items() if r.get("rate") is not None]


def rates_png_bytes(title: str, rates: dict[str, dict[str, Any]]) -> bytes | None:
    """Horizontal bars of rates with their Wilson intervals as error bars."""
    bars = rate_bars(rates)[::-1]  # barh draws the first bar at the bottom
    if not bars:
        return None
    names = [name for name, *_ in bars]
    fig, ax = _figure(5.0, 0.45 * len(bars) + 0.9, left=0.2 + _INCH_PER_CHAR * max(map(len, names)),
                      bottom=0.45)
    ax.barh(names, [pct for _, pct, _, _ in bars],
            xerr=[[pct - lo for _, pct, lo, _ in bars], [hi - pct for _, pct, _, hi in bars]],
            color=RATE_GREEN, error_kw={"elinewidth": 0.8, "capsize": 2})
    ax.set_xlabel("% of records (95% Wilson interval)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return _png(fig)
