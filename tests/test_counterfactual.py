"""Counterfactual evaluation: the report's numbers against a direct pandas/scipy computation on a small corpus."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy import stats

import biasaudit
from biasaudit.audits.counterfactual import counterfactual_eval, direction
from biasaudit.cli import main
from biasaudit.transforms.cda_lexicon import CDALexicon
from biasaudit.transforms.swap import Swapper

# (text, direction of its gender swap, or None when it holds no gender word)
CORPUS = [
    ("He said the meeting went well.", "male -> female"),
    ("She thinks the new plan is a mistake.", "female -> male"),
    ("My brother loves cooking pasta.", "male -> female"),
    ("The train leaves at noon.", None),
    ("Her team won the final again.", "female -> male"),
    ("Ask him whether the shop is open.", "male -> female"),
    ("What a lovely day for a walk.", None),
    ("The girls stayed late to finish the project.", "female -> male"),
    ("My father is annoyed about the noise.", "male -> female"),
    ("She and he both arrived early.", "mixed"),
    ("Mary is the best driver in town.", "female -> male"),
    ("The waiter was rude to us.", "male -> female"),
    ("The new library opens tomorrow.", None),
    ("My aunt hates waiting in line.", "female -> male"),
    ("That guy is always complaining.", "male -> female"),
    ("My sister is a brilliant engineer.", "female -> male"),
]
ANALYZERS = "sentiment,hate"


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cf") / "c.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": t}) for i, (t, _) in enumerate(CORPUS)]
    lines.insert(5, "{broken json")  # one bad record: counted, not evaluated
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(corpus_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("cfout")
    rep = counterfactual_eval(corpus_path, analyzers=ANALYZERS, id_field="id", out=out, top=3)
    rep["_out"] = str(out)
    return rep


@pytest.fixture(scope="module")
def direct():
    """Pairs, scores and deltas computed directly: swap with the Swapper, score each list with analyze()."""
    swapper = Swapper(CDALexicon.load().select(["gender"]))
    rows = [(f"r{i}", t, swapper.swap(t, {"gender": 1}).text, d) for i, (t, d) in enumerate(CORPUS) if d]
    frame = pd.DataFrame(rows, columns=["id", "text", "cf_text", "direction"])
    orig = biasaudit.analyze(frame["text"].tolist(), ANALYZERS)
    cf = biasaudit.analyze(frame["cf_text"].tolist(), ANALYZERS)
    return frame, orig, cf


def test_counts_and_directions(report, direct):
    frame, _, _ = direct
    c = report["counts"]
    assert (c["read"], c["records"], c["rejected"]) == (len(CORPUS) + 1, len(CORPUS), 1)
    g = report["attributes"]["gender"]
    assert g["pairs"] == len(frame) == sum(d is not None for _, d in CORPUS)
    assert g["directions"] == frame["direction"].value_counts().sort_index().to_dict()


@pytest.mark.parametrize("column", ["vader_compound", "p_hate", "p_offensive", "p_neither"])
def test_paired_deltas_match_scipy(report, direct, column):
    _, orig, cf = direct
    s = report["attributes"]["gender"]["scores"][column]
    delta = cf[column] - orig[column]
    assert s["n"] == len(delta)
    assert s["mean_original"] == pytest.approx(orig[column].mean(), abs=1e-12)
    assert s["mean_counterfactual"] == pytest.approx(cf[column].mean(), abs=1e-12)
    assert s["mean_delta"] == pytest.approx(delta.mean(), abs=1e-12)
    assert s["sd_delta"] == pytest.approx(delta.std(), abs=1e-12)
    assert s["mean_abs_delta"] == pytest.approx(delta.abs().mean(), abs=1e-12)
    if delta.std() > 0:
        ci = stats.ttest_rel(cf[column], orig[column]).confidence_interval(0.95)
        assert (s["ci_low"], s["ci_high"]) == pytest.approx((ci.low, ci.high), abs=1e-10)
    else:
        assert s["ci_low"] == s["ci_high"] == pytest.approx(delta.mean())


def test_by_direction_matches_a_groupby(report, direct):
    frame, orig, cf = direct
    delta = (cf["p_offensive"] - orig["p_offensive"]).groupby(frame["direction"])
    by = report["attributes"]["gender"]["scores"]["p_offensive"]["by_direction"]
    assert set(by) == set(frame["direction"])
    for d, group in delta:
        assert by[d]["n"] == len(group)
        assert by[d]["mean_delta"] == pytest.approx(group.mean(), abs=1e-12)


def test_label_flips_match_a_direct_count(report, direct):
    _, orig, cf = direct
    lab = report["attributes"]["gender"]["labels"]["hate_label"]
    flips = orig["hate_label"] != cf["hate_label"]
    k, n = int(flips.sum()), len(flips)
    assert (lab["count"], lab["n"]) == (k, n)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (lab["ci_low"], lab["ci_high"]) == pytest.approx((ci.low, ci.high), abs=1e-9)
    expected = pd.Series([f"{a} -> {b}" for a, b in zip(orig["hate_label"][flips], cf["hate_label"][flips])])
    assert lab["transitions"] == expected.value_counts().sort_index().to_dict()


def test_largest_changes_are_the_top_absolute_deltas(report, direct):
    frame, orig, cf = direct
    delta = (cf["p_offensive"] - orig["p_offensive"])
    top = delta.abs().sort_values(ascending=False, kind="stable").index[:3]
    items = report["attributes"]["gender"]["largest_changes"]["p_offensive"]
    assert [i["id"] for i in items] == frame["id"][top].tolist()
    for item, idx in zip(items, top):
        assert item["delta"] == pytest.approx(delta[idx], abs=1e-12)
        assert item["counterfactual_id"] == item["id"] + "#cf-gender"
        assert item["original"] == frame["text"][idx] and item["counterfactual"] == frame["cf_text"][idx]
    # unchanged pairs are never listed as changes (VADER ignores most gender words)
    assert all(i["delta"] != 0 for i in report["attributes"]["gender"]["largest_changes"]["vader_compound"])


def test_files_written_match_the_returned_report(report):
    from pathlib import Path

    out = Path(report["_out"])
    saved = json.loads((out / "counterfactual.json").read_text())
    assert saved["attributes"] == report["attributes"] and saved["counts"] == report["counts"]
    md = (out / "counterfactual.md").read_text()
    assert "## gender" in md and "p_offensive" in md and "flip rate" in md
    assert [json.loads(line)["line"] for line in (out / "rejected.jsonl").read_text().splitlines()] == [6]


def test_direction_of_a_pair():
    assert direction([{"from_group": "male", "to_group": "female"}] * 2) == "male -> female"
    assert direction([{"from_group": "male", "to_group": "female"},
                      {"from_group": "female", "to_group": "male"}]) == "mixed"


def test_no_attribute_words_gives_no_pairs(tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("The train leaves at noon.\nIt is raining.\n", encoding="utf-8")
    rep = counterfactual_eval(path, analyzers="sentiment")
    g = rep["attributes"]["gender"]
    assert g["pairs"] == 0 and g["scores"]["vader_compound"]["n"] == 0
    assert g["scores"]["vader_compound"]["mean_delta"] is None  # undefined: null, as in the JSON file


def test_cli_end_to_end(corpus_path, tmp_path, capsys):
    out = tmp_path / "cf"
    assert main(["counterfactual", str(corpus_path), "--analyzers", "sentiment", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "gender: 13 pairs" in printed and "vader_compound" in printed
    assert (out / "counterfactual.json").exists() and (out / "counterfactual.md").exists()
    assert main(["counterfactual", str(corpus_path), "--analyzers", "nope"]) == 2


def test_paired_interval_is_scipy_stats_t_to_the_last_bit():
    """paired_summary takes the t quantile from a table of scipy.special's values, else scipy.special (scipy.stats
    costs ~37 MB per scan): the same bits as scipy.stats, for df in the table and beyond it."""
    import math

    import numpy as np

    from biasaudit.audits.counterfactual import paired_summary

    rng = np.random.default_rng(0)
    for n in [2, 3, 5, 10, 31, 100, 1000, 12_345, 250_000]:
        a, b = rng.random(n), rng.random(n)
        s = paired_summary(a, b)
        d = b - a
        half = float(stats.t.ppf(0.975, n - 1)) * float(d.std(ddof=1)) / math.sqrt(n)
        assert (s["ci_low"], s["ci_high"]) == (float(d.mean()) - half, float(d.mean()) + half)
    assert math.isnan(paired_summary(np.array([0.1]), np.array([0.3]))["ci_low"])
