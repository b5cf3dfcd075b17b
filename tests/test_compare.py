"""``biasaudit compare``: every number checked against a direct pandas / textbook computation on the scans'
records.parquet (means, sample std, rates, Welch's t-test, Fisher's exact test, Holm), plus the bootstrap's
determinism and width, the ratio rule, notes, escaping and the CLI."""
from __future__ import annotations

import json
import math
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from biasaudit.cli import main
from biasaudit.report.compare import compare_scans, holm
from biasaudit.report.compare_views import render_markdown, write_compare_files
from biasaudit.scanner import scan

DATA = ["What a lovely day.", "I love this place, it is wonderful.", "The service was fine.",
        "Great job, thank you!", "The weather is nice today.", "This is a good book.", "We had a great time.",
        "The food was okay.", "I am happy with the result.", "The train was on time.", "Nice work, well done.",
        "That was a pleasant surprise.", "What a piece of crap.", "It rained all day."] * 3
MODEL = ["This is terrible.", "I hate waiting.", "The service was fine.", "What an awful mess.",
         "The food was okay.", "That was a pleasant surprise.", "It is broken again, what a piece of crap.",
         "Nobody cares.", "Great job.", "The room was dirty and cold.", "Piss off."] * 3
ANALYZERS = "sentiment,hate"


def write(path, texts):
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare")
    opts = {"hate": {"self_audit": False}}
    data = scan(str(write(root / "data.jsonl", DATA)), ANALYZERS, out=root / "data-scan", progress=False,
                analyzer_options=opts)
    model = scan(str(write(root / "model.jsonl", MODEL)), ANALYZERS, out=root / "model-scan", progress=False,
                 analyzer_options=opts)
    return root, data, model


@pytest.fixture(scope="module")
def result(scans):
    root, _, _ = scans
    return compare_scans([f"data={root / 'data-scan'}", f"model={root / 'model-scan'}"], bootstrap=1000, seed=3)


def metric(result, key):
    return next(m for m in result["metrics"] if m["key"] == key)


def fisher_two_sided(a, b, c, d):
    """Fisher's exact test by the hypergeometric sum (tables no more probable than the observed one)."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def prob(x):
        return comb(col1, x) * comb(n - col1, row1 - x) / comb(n, row1)

    observed = prob(a)
    return min(1.0, sum(prob(x) for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1)
                        if prob(x) <= observed * (1 + 1e-7)))


def test_scores_match_pandas_and_welch(scans, result):
    _, data, model = scans
    a, b = data.records["vader_compound"], model.records["vader_compound"]
    m = metric(result, "vader_compound")
    for label, series in (("data", a), ("model", b)):
        cell = m["per_scan"][label]
        assert cell["n"] == series.notna().sum()
        assert cell["mean"] == pytest.approx(series.mean(), abs=1e-12)
        assert cell["std"] == pytest.approx(series.std(ddof=1), abs=1e-12)
    d = m["differences"]["model"]
    assert d["difference"] == pytest.approx(b.mean() - a.mean(), abs=1e-12)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    t = (b.mean() - a.mean()) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    assert d["statistic"] == pytest.approx(t, rel=1e-9) and d["df"] == pytest.approx(df, rel=1e-9)
    assert d["p"] == pytest.approx(2 * sps.t.sf(abs(t), df), rel=1e-6)
    assert d["amplification"]["ratio"] == pytest.approx(b.mean() / a.mean(), rel=1e-12)


def test_label_rates_match_pandas_and_fisher(scans, result):
    _, data, model = scans
    for label in ("hate", "offensive", "neither"):
        m = metric(result, f"hate_label={label}")
        ka, na = int((data.records["hate_label"] == label).sum()), len(data.records)
        kb, nb = int((model.records["hate_label"] == label).sum()), len(model.records)
        assert (m["per_scan"]["data"]["count"], m["per_scan"]["data"]["n"]) == (ka, na)
        assert (m["per_scan"]["model"]["count"], m["per_scan"]["model"]["n"]) == (kb, nb)
        d = m["differences"]["model"]
        assert d["difference"] == pytest.approx(kb / nb - ka / na, abs=1e-12)
        assert d["p"] == pytest.approx(fisher_two_sided(kb, nb - kb, ka, na - ka), rel=1e-6)
        amp = d["amplification"]
        if ka == 0:
            assert amp["ratio"] is None and "0" in amp["undefined_because"]
        else:
            assert amp["ratio"] == pytest.approx((kb / nb) / (ka / na), rel=1e-12)
    offensive = metric(result, "hate_label=offensive")["per_scan"]
    assert offensive["model"]["rate"] > offensive["data"]["rate"]  # the test corpora are built that way


def test_bootstrap_interval_width_determinism_and_seed(scans, result):
    root, data, _ = scans
    cell = metric(result, "vader_compound")["per_scan"]["data"]
    series = data.records["vader_compound"]
    se = series.std(ddof=1) / math.sqrt(len(series))
    assert cell["ci_low"] < cell["mean"] < cell["ci_high"]
    assert (cell["ci_high"] - cell["ci_low"]) == pytest.approx(2 * 1.96 * se, rel=0.2)
    args = [f"data={root / 'data-scan'}", f"model={root / 'model-scan'}"]
    again = compare_scans(args, bootstrap=1000, seed=3)
    assert json.dumps(again, sort_keys=True) == json.dumps(result, sort_keys=True)
    other = compare_scans(args, bootstrap=1000, seed=4)
    assert metric(other, "vader_compound")["per_scan"]["data"]["ci_low"] != cell["ci_low"]
    assert metric(other, "vader_compound")["per_scan"]["data"]["mean"] == cell["mean"]


def test_ratio_undefined_when_reference_mean_is_near_zero(tmp_path):
    balanced = ["What a lovely day.", "What a horrible day.", "The train left at noon."] * 10
    a = scan(str(write(tmp_path / "a.jsonl", balanced)), "sentiment", out=tmp_path / "a", progress=False)
    assert abs(a.records["vader_compound"].mean()) < 0.05
    write(tmp_path / "b.jsonl", ["What a lovely day."] * 20)
    scan(str(tmp_path / "b.jsonl"), "sentiment", out=tmp_path / "b", progress=False)
    res = compare_scans([str(tmp_path / "a"), str(tmp_path / "b")], bootstrap=500)
    amp = metric(res, "vader_compound")["differences"]["b"]["amplification"]
    assert amp["ratio"] is None and "includes 0" in amp["undefined_because"]


def test_holm_matches_textbook():
    assert holm([0.01, None, 0.04, 0.03, 0.005]) == pytest.approx([0.03, None, 0.06, 0.06, 0.02])


def test_holm_applied_over_all_rows(result):
    rows = [d for m in result["metrics"] for d in m["differences"].values()]
    assert [d["p_holm"] for d in rows] == pytest.approx(holm([d["p"] for d in rows]))


def test_files_views_and_escaping(scans, result, tmp_path):
    root, _, _ = scans
    res = compare_scans([f"<b>data</b>={root / 'data-scan'}", f"model={root / 'model-scan'}"], bootstrap=200)
    write_compare_files(res, tmp_path)
    for name in ("compare.json", "compare.md", "compare.html", "compare.png"):
        assert (tmp_path / name).stat().st_size > 100
    html = (tmp_path / "compare.html").read_text(encoding="utf-8")
    assert "<b>data</b>" not in html and "&lt;b&gt;data&lt;/b&gt;" in html
    assert "<b>data</b>" not in (tmp_path / "compare.md").read_text(encoding="utf-8")
    md = render_markdown(result)
    mean = pd.read_parquet(root / "data-scan" / "records.parquet")["vader_compound"].mean()
    assert f"| vader\\_compound | data | {len(DATA)} | {mean:.3f} |" in md
    assert (tmp_path / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unit_mismatch_is_noted(tmp_path, scans):
    root, _, _ = scans
    dialogues = tmp_path / "d.jsonl"
    dialogues.write_text(json.dumps({"id": "x", "turns": [{"text": "Hello there."}, {"text": "Hi."}]}) + "\n")
    scan(str(dialogues), "sentiment,hate", dialogue=True, unit="dialogue", out=tmp_path / "dscan", progress=False,
         analyzer_options={"hate": {"self_audit": False}})
    res = compare_scans([str(tmp_path / "dscan"), str(root / "model-scan")], bootstrap=200)
    assert [s["unit"] for s in res["scans"]] == ["dialogue", "utterance"]
    assert any("scoring units" in n for n in res["notes"])


def test_cli_writes_outputs_and_refuses_bad_input(scans, tmp_path, capsys):
    root, _, _ = scans
    out = tmp_path / "cmp"
    code = main(["compare", str(root / "data-scan"), str(root / "model-scan"), "--out", str(out),
                 "--bootstrap", "200", "--columns", "vader_compound,hate_label"])
    assert code == 0 and (out / "compare.json").exists()
    saved = json.loads((out / "compare.json").read_text())
    assert {m["column"] for m in saved["metrics"]} == {"vader_compound", "hate_label"}
    assert "Differences from data-scan" in capsys.readouterr().out
    assert main(["compare", str(root / "data-scan"), str(tmp_path)]) == 2
    assert "expected a scan directory" in capsys.readouterr().err
    assert main(["compare", str(root / "data-scan")]) == 2
    assert np.isfinite(saved["metrics"][0]["per_scan"]["data-scan"]["mean"])
