"""Chunked exact quantiles and histograms equal np.quantile / np.histogram on the full column, to the bit."""
from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

import biasaudit
from biasaudit.report.aggregate import HIST_BINS, QUANTILES
from biasaudit.report.quantiles import histogram, linear_quantiles


def _passes(values: np.ndarray, chunk: int):
    return lambda: (values[i:i + chunk] for i in range(0, len(values), chunk))


def _columns() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    normal = rng.normal(size=5000)
    normal[rng.choice(5000, 300, replace=False)] = np.nan
    sentiment_like = np.round(np.where(rng.random(20000) < 0.4, 0.0, np.tanh(rng.normal(size=20000))), 4)
    return {
        "normal_with_nans": normal,
        "ties_like_vader": sentiment_like,  # a spike of exact zeros, four-decimal values
        "counts": rng.poisson(2.0, size=12000).astype(np.float64),
        "all_equal": np.full(3000, 0.25),
        "one": np.array([3.5]),
        "two": np.array([2.0, -1.0]),
        "three_with_nan": np.array([np.nan, 1.0, 0.0, 5.0]),
        "heavy_tail": rng.pareto(1.2, size=8000),
        "tiny_range": 1.0 + rng.integers(0, 4, size=5000) * 1e-12,
        "negative_zero_free_spike": np.concatenate([np.full(4000, -0.5), rng.uniform(-1, 1, 999)]),
    }


@pytest.mark.parametrize("name", list(_columns()))
@pytest.mark.parametrize("chunk,max_kept", [(1000, 1 << 17), (333, 16), (97, 1)])
def test_quantiles_and_histogram_equal_numpy_on_the_full_column(name, chunk, max_kept):
    values = _columns()[name]
    finite = values[~np.isnan(values)]
    passes = _passes(values, chunk)
    got = linear_quantiles(passes, QUANTILES, finite.size, finite.min(), finite.max(), max_kept=max_kept)
    np.testing.assert_array_equal(got, np.quantile(finite, QUANTILES))  # exact, not approximately
    counts, edges = histogram(passes, HIST_BINS, finite.min(), finite.max())
    want_counts, want_edges = np.histogram(finite, bins=HIST_BINS)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_array_equal(edges, want_edges)


def test_many_random_quantile_levels_small_memory():
    rng = np.random.default_rng(11)
    for trial in range(30):
        n = int(rng.integers(1, 3000))
        values = np.round(rng.normal(size=n) * 10.0 ** rng.integers(-3, 4), int(rng.integers(0, 6)))
        qs = np.sort(rng.random(9))
        got = linear_quantiles(_passes(values, 128), qs, n, values.min(), values.max(), max_kept=8)
        np.testing.assert_array_equal(got, np.quantile(values, qs), err_msg=f"trial {trial}")


def test_scan_report_quantiles_equal_numpy_on_records(tmp_path):
    texts = ["What a lovely day.", "This is awful.", "", "ok", "!!!", "Not bad at all, really good."] * 40
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    result = biasaudit.scan(corpus, analyzers="sentiment,linguistic_bias", out=tmp_path / "o", batch_size=7)
    table = pq.read_table(tmp_path / "o" / "records.parquet")
    checked = 0
    for name, s in result.report["scores"].items():
        col = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
        finite = col[~np.isnan(col)]
        if not finite.size:
            continue
        assert [s["quantiles"][f"p{round(q * 100):02d}"] for q in QUANTILES] == np.quantile(finite, QUANTILES).tolist()
        assert s["histogram"]["counts"] == np.histogram(finite, bins=HIST_BINS)[0].tolist()
        checked += 1
    assert checked >= 5
