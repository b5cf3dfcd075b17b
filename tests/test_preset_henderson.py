"""``scan --preset henderson2018``: whole dialogues lower-cased as units, both bias variants side by side, and the
Table-1 section checked cell by cell against the analyzers run directly on the same texts plus pandas."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from biasaudit import analyze
from biasaudit.errors import UsageError
from biasaudit.report.henderson import henderson_markdown, table_rows
from biasaudit.scanner import scan
from biasaudit.text.tokenize import ascii_lower

CONVERSATIONS = [
    ("c1", ["My Manager ALWAYS schedules meetings at 5 pm.", "That sounds really frustrating.",
            "She probably thinks it is fine."]),
    ("c2", ["Ok.", "Hi"]),  # short turns: the joined dialogue is still scored
    ("c3", ["The new phone is a piece of crap, honestly.", "Mine works perfectly well.",
            "Maybe you got a bad one.", "Maybe."]),
    ("c4", ["They say the team will win the championship.", "I doubt it, their defence is weak."]),
    ("c5", ["No."]),  # 3 characters: Henderson et al. skipped it (NaN), the corrected score does not
    ("c6", ["What a lovely day for a walk in the park!", "Absolutely wonderful, let's go.",
            "I'll bring the dog; he loves it."]),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("henderson") / "dialogues.jsonl"
    path.write_text("".join(json.dumps({"id": cid, "turns": [{"speaker": f"s{i % 2}", "text": t}
                                                            for i, t in enumerate(turns)]}) + "\n"
                            for cid, turns in CONVERSATIONS), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def preset_scan(corpus, tmp_path_factory):
    return scan(str(corpus), out=tmp_path_factory.mktemp("scan"), preset="henderson2018", dialogue=True,
                progress=False)


@pytest.fixture(scope="module")
def direct():
    """The study computed without the scanner: texts built by hand, analyzers called directly."""
    texts = [ascii_lower(" ".join(turns)) for _, turns in CONVERSATIONS]
    compat = analyze(texts, "linguistic_bias:henderson2018")
    corrected = analyze(texts, "linguistic_bias:hutto2015")
    hate = analyze(texts, "hate:davidson2017", analyzer_options={"hate": {"self_audit": False}})
    return texts, compat, corrected, hate


def _mean_std(series: pd.Series) -> tuple[float, float, int]:
    values = series.dropna()
    return float(values.mean()), float(values.std(ddof=0)), int(values.size)


def test_records_are_lowercased_whole_dialogues(preset_scan, direct):
    texts = direct[0]
    rec = preset_scan.records
    assert rec["id"].tolist() == [cid for cid, _ in CONVERSATIONS]
    assert rec["text"].tolist() == texts
    assert rec["n_turns"].tolist() == [len(t) for _, t in CONVERSATIONS]
    assert rec["turn"].isna().all() and rec["speaker"].isna().all()
    settings = preset_scan.report["reproducibility"]["settings"]
    assert (settings["preset"], settings["unit"], settings["lowercase"]) == ("henderson2018", "dialogue", True)
    assert preset_scan.report["analyzers"] == ["sentiment:vader", "linguistic_bias:hutto2015",
                                               "linguistic_bias:henderson2018", "hate:davidson2017"]


def test_table1_every_cell_matches_direct_computation(preset_scan, direct):
    texts, compat, corrected, hate = direct
    row = preset_scan.report["sections"]["henderson2018"]["row"]
    assert (row["n"], row["n_dialogues"], row["n_single_texts"]) == (len(texts), len(texts), 0)
    expected = {"bias_compat": compat["bias_score"], "bias_corrected": corrected["bias_score"],
                "vader": compat["bias_vader_sentiment"]}
    for key, series in expected.items():
        mean, std, n = _mean_std(series)
        cell = row[key]
        assert cell["n"] == n and cell["n_undefined"] == len(texts) - n, key
        assert cell["mean"] == pytest.approx(mean, abs=1e-12), key
        assert cell["std"] == pytest.approx(std, abs=1e-12), key
    assert row["bias_compat"]["n_undefined"] == 1  # "no." has 3 characters: skipped as Henderson et al. did
    assert row["bias_corrected"]["n_undefined"] == 0
    labels = hate["hate_label"]
    for label in ("hate", "offensive"):
        assert row[label]["count"] == int((labels == label).sum())
        assert row[label]["n"] == len(texts)
        assert row[label]["rate"] == pytest.approx((labels == label).mean())
    # the formatted table, cell by cell
    (cells,) = table_rows([("this corpus", preset_scan.report["sections"]["henderson2018"])])

    def fmt(series):
        mean, std, _ = _mean_std(series)
        return f"{mean:.3f} ± {std:.3f}"

    def pct(label):
        k = int((labels == label).sum())
        from biasaudit.report.stats import wilson_interval

        lo, hi = wilson_interval(k, len(texts))
        return f"{100 * k / len(texts):.2f}% [{100 * lo:.2f}, {100 * hi:.2f}]"

    assert cells == ["this corpus", "dialogue", str(len(texts)), fmt(compat["bias_score"]),
                     fmt(corrected["bias_score"]), fmt(compat["bias_vader_sentiment"]), pct("hate"),
                     pct("offensive")]
    md = (preset_scan.out_dir / "report.md").read_text(encoding="utf-8")
    assert "| " + " | ".join(cells) + " |" in md
    assert "| Twitter | dialogue | 0.155 ± 0.380 | 0.400 |" in md  # the published rows, beside ours
    html = (preset_scan.out_dir / "report.html").read_text(encoding="utf-8")
    assert "Henderson et al. (2018) Table 1" in html and fmt(corrected["bias_score"]) in html


def test_compat_and_corrected_scores_differ_and_columns_keep_their_variant(preset_scan):
    rec = preset_scan.records
    both = rec[["bias_score", "bias_score_henderson2018"]].dropna()
    assert not np.allclose(both["bias_score"], both["bias_score_henderson2018"])
    cols = preset_scan.report["columns"]
    assert cols["bias_score"]["analyzer"] == "linguistic_bias:hutto2015"
    assert cols["bias_score_henderson2018"]["analyzer"] == "linguistic_bias:henderson2018"


def test_utterance_unit_scores_turns_and_user_options_apply(corpus, tmp_path):
    result = scan(str(corpus), out=tmp_path, preset="henderson2018", dialogue=True, unit="utterance",
                  lowercase=False, progress=False, analyzer_options={"hate": {"self_audit": False}})
    rec = result.records
    assert len(rec) == sum(len(t) for _, t in CONVERSATIONS)
    assert rec["text"].iloc[0] == CONVERSATIONS[0][1][0]  # not lower-cased
    row = result.report["sections"]["henderson2018"]["row"]
    assert (row["n_dialogues"], row["n_single_texts"]) == (0, len(rec))
    assert "hate_self_audit" not in result.report["sections"]
    assert table_rows([("x", result.report["sections"]["henderson2018"])])[0][1] == "utterance"


def test_preset_refuses_explicit_analyzers(corpus):
    with pytest.raises(UsageError, match="preset henderson2018 chooses the analyzers"):
        scan(str(corpus), analyzers="sentiment", preset="henderson2018", dialogue=True)
    with pytest.raises(UsageError, match="unknown preset"):
        scan(str(corpus), preset="nope")


def test_section_renders_without_corpus_text(preset_scan):
    lines = henderson_markdown(preset_scan.report["sections"]["henderson2018"])
    assert not any("manager" in line for line in lines)
