"""The HTML report's SVG plots (biasaudit.report.svg): each figure must show report.json's numbers, read back
from the drawing's own geometry, be well-formed XML with every label escaped, and a scan must draw them without
importing matplotlib (its import was half of a small scan's time: tests/test_lazy_imports.py)."""
from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from biasaudit.report.quantiles import histogram
from biasaudit.report.stats import wilson_interval
from biasaudit.report.svg import data_uri, histogram_svg, nice_ticks, rates_svg, sparkline_svg, tick_label

NS = {"s": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def _frame(root: ET.Element) -> tuple[float, float, float, float]:
    """left, top, right, bottom of the plot area (the framed rect)."""
    rect = next(r for r in root.iter(SVG + "rect") if r.get("stroke"))
    x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, x + w, y + h


def _tick_values(root: ET.Element, anchor: str) -> list[tuple[float, float]]:
    """(position, value) of the tick labels with this text-anchor: x for 'middle', y for 'end'."""
    out = []
    for t in root.iter(SVG + "text"):
        if t.get("text-anchor") == anchor and t.get("font-size") == "10" and NUMBER.fullmatch(
                t.text.replace(",", "").replace("\u2212", "-")):
            pos = float(t.get("x") if anchor == "middle" else t.get("y"))
            out.append((pos, float(t.text.replace(",", "").replace("\u2212", "-"))))
    return out


def _stats(values: np.ndarray) -> dict:
    """A score summary as the aggregator writes it: the report's own histogram code on real values."""
    counts, edges = histogram(lambda: iter([values]), 30, float(values.min()), float(values.max()))
    return {"mean": float(values.mean()), "histogram": {"counts": [int(c) for c in counts],
                                                        "edges": [float(e) for e in edges]}}


@pytest.fixture(scope="module")
def scores() -> np.ndarray:
    return np.random.default_rng(7).normal(0.3, 0.4, 5000)


def test_histogram_bars_read_back_as_the_reports_counts(scores):
    stats = _stats(scores)
    root = _tree(histogram_svg("bias_score", stats))
    left, top, right, bottom = _frame(root)
    y_ticks = _tick_values(root, "end")
    (_, v_low), (y_high, v_high) = min(y_ticks, key=lambda t: t[1]), max(y_ticks, key=lambda t: t[1])
    assert v_low == 0 and abs(y_high - 3.5 - top) < 0.11  # the y axis runs from 0 to its top tick
    stairs = next(p.get("d") for p in root.iter(SVG + "path") if p.get("fill") == "#4c72b0")
    heights = [float(v) for v in re.findall(r"V(-?[\d.]+)H", stairs)]
    recovered = [(bottom - y) / (bottom - top) * v_high for y in heights]
    per_pixel = v_high / (bottom - top)
    assert len(recovered) == 30
    assert np.allclose(recovered, stats["histogram"]["counts"], atol=0.06 * per_pixel)
    # the x axis spans the bins exactly; its tick labels sit where their values fall
    edges = stats["histogram"]["edges"]
    for x, value in _tick_values(root, "middle"):
        assert abs(left + (value - edges[0]) / (edges[-1] - edges[0]) * (right - left) - x) < 0.11
    mean_line = next(p.get("d") for p in root.iter(SVG + "path") if p.get("stroke") == "#c44e52"
                     and "V" in p.get("d"))
    x_mean = float(NUMBER.findall(mean_line)[0])
    assert abs(left + (stats["mean"] - edges[0]) / (edges[-1] - edges[0]) * (right - left) - x_mean) < 0.06
    assert f"mean {stats['mean']:.3f}" in "".join(root.itertext())


def test_rate_bars_and_whiskers_read_back_as_rates_and_wilson_intervals():
    counts = {"neither": (188, 210), "offensive": (22, 210), "hate": (0, 210), "undefined": (0, 0)}
    rates = {}
    for name, (k, n) in counts.items():
        low, high = wilson_interval(k, n) if n else (None, None)
        rates[name] = {"rate": k / n if n else None, "ci_low": low, "ci_high": high, "count": k, "n": n}
    root = _tree(rates_svg("hate_label", rates))
    left, _, right, _ = _frame(root)
    x_ticks = _tick_values(root, "middle")
    scale_max = max(v for _, v in x_ticks)
    assert abs(max(x for x, _ in x_ticks) - right) < 0.11 and scale_max >= 100 * max(
        r["ci_high"] for r in rates.values() if r["rate"] is not None)

    def value(x: float) -> float:
        return (x - left) / (right - left) * scale_max

    bars = [r for r in root.iter(SVG + "rect") if r.get("fill") == "#55a868"]
    labels = [t.text for t in root.iter(SVG + "text") if t.get("text-anchor") == "end"]
    assert labels == ["neither", "offensive", "hate"]  # report order, top first; the undefined rate is left out
    half_px = 0.06 * scale_max / (right - left)
    for bar, name in zip(bars, labels):
        assert abs(value(float(bar.get("x")) + float(bar.get("width"))) - 100 * rates[name]["rate"]) < half_px
    whiskers = next(p.get("d") for p in root.iter(SVG + "path") if p.get("fill") == "none")
    spans = re.findall(r"M([\d.]+) [\d.]+H([\d.]+)", whiskers)
    for (lo, hi), name in zip(spans, labels):
        assert abs(value(float(lo)) - 100 * rates[name]["ci_low"]) < half_px
        assert abs(value(float(hi)) - 100 * rates[name]["ci_high"]) < half_px


def test_labels_are_escaped_and_read_back_whole():
    name = "<script>alert(1)</script> & \"group\""
    svg = rates_svg(name, {name: {"rate": 0.5, "ci_low": 0.4, "ci_high": 0.6}})
    assert "<script>" not in svg
    texts = list(_tree(svg).itertext())
    assert name in texts  # the title, whole
    assert any(t.startswith("<script>alert(1)</script> & ") for t in texts)  # the bar label
    hist = histogram_svg(name, {"mean": 0.1, "histogram": {"counts": [1, 2], "edges": [0.0, 0.5, 1.0]}})
    assert "<script>" not in hist and name in list(_tree(hist).itertext())


def test_long_bar_names_are_cut_with_an_ellipsis_and_keep_the_plot_wide():
    long = "religion: " + "x" * 80
    root = _tree(rates_svg("t", {long: {"rate": 0.1, "ci_low": 0.05, "ci_high": 0.2}}))
    label = next(t.text for t in root.iter(SVG + "text") if t.get("text-anchor") == "end")
    assert label.endswith("\u2026") and long.startswith(label[:-1]) and len(label) < len(long)
    left, _, right, _ = _frame(root)
    assert right - left >= 0.35 * float(root.get("width"))


def test_sparkline_bars_follow_the_counts_and_keep_a_lone_outlier_visible():
    counts = [0, 500, 250, 0, 1]
    root = _tree(sparkline_svg({"histogram": {"counts": counts}}))
    bars = re.findall(r"M([\d.]+) 24v-([\d.]+)h([\d.]+)", root.find("s:path", NS).get("d"))
    assert [round(float(x) / 24) for x, _, _ in bars] == [1, 2, 4]  # one bar per non-empty bin, in place
    assert [float(h) for _, h, _ in bars] == [24.0, 12.0, 1.0]


@pytest.mark.parametrize("stats", [
    {}, {"histogram": {"counts": [], "edges": []}}, {"histogram": {"counts": [3], "edges": [-math.inf, 1.0]}},
    {"histogram": {"counts": [3], "edges": [0.0, math.nan]}},
    {"histogram": {"counts": [3], "edges": [1.0, 1.0]}}])
def test_a_histogram_without_finite_bins_draws_nothing(stats):
    assert histogram_svg("x", stats) is None


def test_a_span_beyond_float64_gives_two_ticks_and_no_histogram():
    assert nice_ticks(-1e308, 1e308) == ([-1e308, 1e308], 0)
    stats = {"mean": 0.0, "histogram": {"counts": [1, 0, 1], "edges": [-1e308, -1e307, 1e307, 1e308]}}
    assert histogram_svg("x", stats) is None


def test_nothing_to_draw_gives_no_sparkline_no_rate_bars_and_no_uri():
    assert sparkline_svg({"histogram": {"counts": [0, 0], "edges": [0, 1, 2]}}) is None
    assert sparkline_svg({}) is None
    assert rates_svg("x", {"a": {"rate": None, "ci_low": None, "ci_high": None}}) is None
    assert data_uri(None) is None


@pytest.mark.parametrize("lo,hi,cover,ticks,label", [
    (0.0, 93.0, True, [0, 20, 40, 60, 80, 100], "100"),
    (0.0, 11.45, True, [0, 2.5, 5, 7.5, 10, 12.5], "12.5"),
    (-0.83, 0.84, False, [-0.5, 0.0, 0.5], "\u22120.5"),
    (0.0, 1.0, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0], "0.2"),
    (0.0, 72.0, True, [0, 20, 40, 60, 80], "80"),
    (0.0, 23000.0, True, [0, 5000, 10000, 15000, 20000, 25000], "25,000"),
])
def test_nice_ticks(lo, hi, cover, ticks, label):
    got, decimals = nice_ticks(lo, hi, target=4 if hi == 72.0 else 5, cover=cover)
    assert got == pytest.approx(ticks)
    assert label in [tick_label(t, decimals) for t in got]


def test_the_scan_report_embeds_its_plots_as_svg(tmp_path):
    import biasaudit
    from biasaudit.io import example_path

    biasaudit.scan(example_path(), out=tmp_path, dialogue=True, progress=False)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    uris = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert "data:image/png" not in page
    figures = {alt: _tree(base64.b64decode(b64).decode()) for alt, b64 in uris}
    assert {"hate_label rates", "flag rates", "vader_compound histogram", "bias_score histogram",
            "p_hate histogram"} <= set(figures)
    assert len(figures) > 10  # and the detail columns' sparklines
