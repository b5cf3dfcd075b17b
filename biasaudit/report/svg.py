"""The scan report's plots as SVG text: score histograms, rate bars with intervals, and sparklines.

Why hand-written: a scan report draws about seven figures, and matplotlib's import plus drawing took ~0.45 s, more
than scoring 5,000 chat records. A histogram or a few bars are a short list of rectangles, lines and labels; as SVG
they are built in well under a millisecond, stay sharp at any zoom and need nothing installed. Data cards keep
report.plots' PNGs (the same numbers via ``rate_bars``), since every Markdown viewer shows a PNG.

Like report.plots, a figure shows exactly what report.json holds and never recomputes a statistic. Every label is
XML-escaped; the HTML report embeds each figure as an ``<img>`` data URI, where an SVG can run nothing.
"""
from __future__ import annotations

import base64
import math
from html import escape
from typing import Any

from biasaudit.report.plots import BAR_BLUE, MEAN_RED, RATE_GREEN, rate_bars

FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
INK = "#222"
WIDTH = 500
LABEL_PX = 10  # tick and axis label size
CHAR_PX = 6.0  # mean width of a 10-px label character, to size margins to the longest label
MAX_NAME_CHARS = 48  # longer bar names are cut with an ellipsis (the table under the plot has them whole)


def nice_ticks(lo: float, hi: float, target: int = 5, *, cover: bool = False) -> tuple[list[float], int]:
    """Round tick values within [lo, hi] (steps 1, 2, 2.5 or 5 × 10^k) and the decimals that print them;
    ``cover`` adds the tick at or above ``hi``, for an axis that ends on a tick."""
    raw = (hi - lo) / target
    if not 0 < raw < math.inf:  # one value, or a span beyond float64 (then the two ends, printed whole)
        return ([lo], 0) if not hi > lo else ([lo, hi], 0)
    mag = 10.0 ** math.floor(math.log10(raw))
    mult = next(m for m in (1.0, 2.0, 2.5, 5.0, 10.0) if raw <= m * mag * (1 + 1e-9))
    step = mult * mag
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if mult == 2.5 and step < 10 else 0)
    k, last = math.ceil(lo / step - 1e-9), math.ceil(hi / step - 1e-9) if cover else math.floor(hi / step + 1e-9)
    return [round(i * step, decimals + 2) + 0.0 for i in range(k, last + 1)], decimals  # + 0.0: no "-0"


def tick_label(value: float, decimals: int) -> str:
    """``1,250`` or ``0.25``; a typographic minus, as in print."""
    return f"{value:,.{decimals}f}".replace("-", "\u2212")


def _n(x: float) -> str:
    """A coordinate: one decimal is a tenth of a pixel."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, body: str, *, size: int = LABEL_PX, anchor: str = "middle", extra: str = "") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}"{extra}>'
            f"{escape(body, quote=False)}</text>")


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{escape(FONT)}" fill="{INK}">'
            f"<title>{escape(title, quote=False)}</title>"
            f'<rect width="100%" height="100%" fill="#fff"/>' + "".join(body) + "</svg>")


def data_uri(svg: str | None) -> str | None:
    return None if svg is None else "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


class _Axes:
    """A plot area in pixels with linear x and y scales, drawing its frame, ticks and tick labels."""

    def __init__(self, left: float, top: float, right: float, bottom: float,
                 x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        self.left, self.top, self.right, self.bottom = left, top, right, bottom
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range

    def x(self, v: float) -> float:
        return self.left + (v - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def y(self, v: float) -> float:
        return self.bottom - (v - self.y0) / (self.y1 - self.y0) * (self.bottom - self.top)

    def frame(self) -> str:
        return (f'<rect x="{_n(self.left)}" y="{_n(self.top)}" width="{_n(self.right - self.left)}" '
                f'height="{_n(self.bottom - self.top)}" fill="none" stroke="{INK}" stroke-width="0.8"/>')

    def x_ticks(self, ticks: list[float], decimals: int) -> list[str]:
        marks = "".join(f"M{_n(self.x(t))} {_n(self.bottom)}v3.5" for t in ticks)
        return [f'<path d="{marks}" stroke="{INK}" stroke-width="0.8"/>'] + [
            _text(self.x(t), self.bottom + 14, tick_label(t, decimals)) for t in ticks]

    def y_ticks(self, ticks: list[float], decimals: int) -> list[str]:
        marks = "".join(f"M{_n(self.left)} {_n(self.y(t))}h-3.5" for t in ticks)
        return [f'<path d="{marks}" stroke="{INK}" stroke-width="0.8"/>'] + [
            _text(self.left - 6, self.y(t) + 3.5, tick_label(t, decimals), anchor="end") for t in ticks]


def histogram_svg(name: str, stats: dict[str, Any]) -> str | None:
    """The score's histogram (report.json's bins) with its mean marked; None when it has no finite values."""
    hist = stats.get("histogram") or {}
    counts, edges = list(hist.get("counts") or []), list(hist.get("edges") or [])
    if not counts or len(edges) != len(counts) + 1 or not 0 < edges[-1] - edges[0] < math.inf:
        return None  # no values, or a span beyond float64 (the table beside it has the numbers)
    y_ticks, y_dec = nice_ticks(0.0, max(max(counts), 1), target=4, cover=True)
    x_ticks, x_dec = nice_ticks(edges[0], edges[-1])
    x_ticks = [t for t in x_ticks if edges[0] <= t <= edges[-1]]
    widest = max(len(tick_label(t, y_dec)) for t in y_ticks)
    height = 260
    ax = _Axes(24 + widest * CHAR_PX + 8, 28, WIDTH - 25, height - 32, (edges[0], edges[-1]),
               (0.0, y_ticks[-1]))
    stairs = f"M{_n(ax.x(edges[0]))} {_n(ax.y(0))}"
    for count, hi in zip(counts, edges[1:]):
        stairs += f"V{_n(ax.y(count))}H{_n(ax.x(hi))}"
    body = [_text(WIDTH / 2, 18, name, size=12), f'<path d="{stairs}V{_n(ax.y(0))}Z" fill="{BAR_BLUE}"/>']
    mean = stats.get("mean")
    if isinstance(mean, (int, float)) and math.isfinite(mean) and edges[0] <= mean <= edges[-1]:
        body.append(f'<path d="M{_n(ax.x(mean))} {_n(ax.top)}V{_n(ax.bottom)}" stroke="{MEAN_RED}"/>')
        legend = f"mean {mean:.3f}".replace("-", "\u2212")
        lx = ax.right - 8 - len(legend) * CHAR_PX
        body += [(f'<rect x="{_n(lx - 28)}" y="{_n(ax.top + 4)}" width="{_n(ax.right - lx + 24)}" height="17" '
                  'fill="#fff" fill-opacity="0.8"/>'),
                 f'<path d="M{_n(lx - 24)} {_n(ax.top + 13)}h18" stroke="{MEAN_RED}"/>',
                 _text(lx, ax.top + 16.5, legend, anchor="start")]
    body += [ax.frame(), *ax.x_ticks(x_ticks, x_dec), *ax.y_ticks(y_ticks, y_dec),
             _text(12, (ax.top + ax.bottom) / 2, "records", extra=(
                 f' transform="rotate(-90 12 {_n((ax.top + ax.bottom) / 2)})"'))]
    return _svg(WIDTH, height, f"{name} histogram", body)


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[:MAX_NAME_CHARS - 1] + "\u2026"


def rates_svg(title: str, rates: dict[str, dict[str, Any]]) -> str | None:
    """Horizontal bars of rates (in %) with their 95% Wilson intervals; None when no rate is defined."""
    bars = rate_bars(rates)
    if not bars:
        return None
    names = [_short(name) for name, *_ in bars]
    height = 45.0 * len(bars) + 90  # 45 px per bar
    ticks, dec = nice_ticks(0.0, max(hi for *_, hi in bars) or 1.0, cover=True)  # every hi >= 0
    left = min(0.6 * WIDTH, 20 + CHAR_PX * max(map(len, names)))
    ax = _Axes(left, 28.0, WIDTH - 25, height - 45, (0.0, ticks[-1]), (0.0, len(bars)))
    half = 0.4 * (ax.bottom - ax.top) / len(bars)  # a bar fills 80% of its row
    body = [_text(WIDTH / 2, 18, title, size=12)]
    whiskers = ""
    for i, ((_, pct, lo, hi), name) in enumerate(zip(bars, names)):
        mid = ax.y(len(bars) - i - 0.5)  # the first rate on top
        body.append(f'<rect x="{_n(ax.x(0))}" y="{_n(mid - half)}" width="{_n(ax.x(pct) - ax.x(0))}" '
                    f'height="{_n(2 * half)}" fill="{RATE_GREEN}"/>')
        body.append(_text(ax.left - 6, mid + 3.5, name, anchor="end"))
        whiskers += (f"M{_n(ax.x(lo))} {_n(mid)}H{_n(ax.x(hi))}"
                     f"M{_n(ax.x(lo))} {_n(mid - 2)}v4M{_n(ax.x(hi))} {_n(mid - 2)}v4")
    body += [f'<path d="{whiskers}" stroke="{INK}" stroke-width="0.8" fill="none"/>', ax.frame(),
             *ax.x_ticks(ticks, dec),
             _text((ax.left + ax.right) / 2, height - 12, "% of records (95% Wilson interval)")]
    return _svg(WIDTH, height, title, body)


def sparkline_svg(stats: dict[str, Any], width: int = 120, height: int = 24) -> str | None:
    """A histogram's shape without axes (the table row beside it has the numbers); None when it has no values.
    A non-empty bin is at least one pixel high, so a lone outlier still shows."""
    counts = (stats.get("histogram") or {}).get("counts") or []
    top = max(counts, default=0)
    if top <= 0:
        return None
    w = width / len(counts)
    bars = "".join(f"M{_n(i * w)} {height}v-{_n(max(1.0, c / top * height))}h{_n(w)}V{height}Z"
                   for i, c in enumerate(counts) if c > 0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}"><path d="{bars}" fill="{BAR_BLUE}"/></svg>')
