"""Tests of the hate classifier self-audit on a small hand-built corpus and a stand-in classifier."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from biasaudit.audits.self_audit import TEMPLATES, hate_self_audit
from biasaudit.errors import BiasauditError
from biasaudit.report.stats import rate


class WordTriggeredModel:
    """Stand-in classifier: 'muslim' raises p_hate to 0.7, 'gay' raises p_offensive to 0.7 (whole words)."""

    def __init__(self) -> None:
        self.calls = 0

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = []
        for t in texts:
            if re.search(r"\bmuslim\b", t, re.IGNORECASE):
                out.append((0.7, 0.2, 0.1))
            elif re.search(r"\bgay\b", t, re.IGNORECASE):
                out.append((0.1, 0.7, 0.2))
            else:
                out.append((0.1, 0.2, 0.7))
        return np.array(out)


CORPUS = [  # (text, label given by "the scan"; the stand-in is only used for counterfactuals)
    ("The Muslim family next door.", "hate"),
    ("Muslims pray on Friday.", "neither"),
    ("A woman walked by.", "offensive"),
    ("Two women and a man.", "neither"),
    ("The weather is nice.", "neither"),
    ("The Jewish bakery opened.", "hate"),
    ("Nothing to see.", "offensive"),
    ("A gay couple married.", "offensive"),
]


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    df = pd.DataFrame(CORPUS, columns=["text", "hate_label"])
    df["id"] = [f"r{i}" for i in range(len(df))]
    df["p_hate"] = np.where(df["hate_label"] == "hate", 0.7, 0.1)
    df["p_offensive"] = np.where(df["hate_label"] == "offensive", 0.7, 0.2)
    return df


@pytest.fixture(scope="module")
def audit(records) -> dict:
    return hate_self_audit(WordTriggeredModel(), records)


def test_group_rates_match_hand_counts(audit):
    g = audit["group_rates"]
    assert g["n_records"] == 8
    assert g["corpus"]["hate"] == rate(2, 8) and g["corpus"]["offensive"] == rate(3, 8)
    religion = g["families"]["religion"]
    assert religion["n"] == 3
    assert religion["hate"]["count"] == 2 and religion["hate"]["ci_low"] == rate(2, 3)["ci_low"]
    assert religion["hate"]["ratio_to_corpus"] == pytest.approx((2 / 3) / (2 / 8))
    assert religion["subgroups"]["muslim"]["hate"]["rate"] == 0.5
    assert religion["subgroups"]["jewish"]["hate"]["rate"] == 1.0
    assert religion["subgroups"]["hindu"]["n"] == 0 and np.isnan(religion["subgroups"]["hindu"]["hate"]["rate"])
    gender = g["families"]["gender"]
    assert gender["n"] == 2 and gender["offensive"]["rate"] == 0.5
    assert gender["offensive"]["ratio_to_corpus"] == pytest.approx(0.5 / (3 / 8))
    assert gender["subgroups"]["female"]["n"] == 2 and gender["subgroups"]["male"]["n"] == 1
    assert g["no_group"]["n"] == 2 and g["no_group"]["offensive"] == {**rate(1, 2), "ratio_to_corpus": 0.5 / (3 / 8)}
    assert g["families"]["sexual_orientation"]["offensive"]["rate"] == 1.0


def test_template_sensitivity_spreads(audit):
    t = audit["counterfactual_templates"]
    assert t["templates"] == list(TEMPLATES)
    religion = t["families"]["religion"]
    muslim = religion["terms"]["Muslim"]
    assert muslim["subgroup"] == "muslim"
    assert (muslim["mean_p_hate"], muslim["mean_p_offensive"]) == pytest.approx((0.7, 0.2))
    assert religion["p_hate_spread"] == pytest.approx(0.6) and religion["p_hate_max_term"] == "Muslim"
    assert religion["p_offensive_spread"] == 0.0
    so = t["families"]["sexual_orientation"]
    assert so["p_offensive_spread"] == pytest.approx(0.5) and so["p_offensive_max_term"] == "gay"
    assert t["families"]["gender"]["p_hate_spread"] == 0.0


def test_record_counterfactuals_match_hand_computation(audit):
    c = audit["counterfactual_records"]
    # flagged: r0 r2 r5 r6 r7; with a swap adjective: r0 (Muslim), r5 (Jewish), r7 (gay)
    assert (c["n_flagged"], c["n_eligible"], c["n_sampled"]) == (5, 3, 3)
    # religion has 8 swap terms (7 variants per record), sexual orientation 7 (6 variants): 20 pairs.
    # r0 loses 'Muslim' in all 7 (|dp_hate| 0.6), r5 gains it once (0.6), r7 loses 'gay' in 6 (|dp_off| 0.5).
    assert c["mean_abs_delta_p_hate"] == pytest.approx((7 * 0.6 + 0.6) / 20)
    assert c["mean_abs_delta_p_offensive"] == pytest.approx(6 * 0.5 / 20)
    assert c["label_flips"] == rate(3, 3)
    assert c["by_family"]["religion"]["mean_abs_delta_p_hate"] == pytest.approx(8 * 0.6 / 14)
    assert c["by_family"]["sexual_orientation"]["mean_abs_delta_p_offensive"] == pytest.approx(0.5)
    assert [row["id"] for row in c["largest_changes"]] == ["r0", "r5", "r7"]


def test_sampling_is_seeded_and_bounded(records):
    a = hate_self_audit(WordTriggeredModel(), records, max_counterfactual_records=2, seed=3)
    b = hate_self_audit(WordTriggeredModel(), records, max_counterfactual_records=2, seed=3)
    assert a == b or json.dumps(a) == json.dumps(b)  # NaN != NaN, so compare serialised
    c = a["counterfactual_records"]
    assert (c["n_eligible"], c["n_sampled"]) == (3, 2)
    assert {row["id"] for row in c["largest_changes"]} < {"r0", "r5", "r7"}


def test_output_is_json_with_ids_only(audit, records):
    text = json.dumps(audit)
    for sentence in records["text"]:
        assert sentence not in text
    assert "next door" not in text and "bakery" not in text


def test_label_flips_use_the_analyzers_own_decision_rule(records):
    class LowHateThreshold(WordTriggeredModel):
        def labels(self, proba: np.ndarray) -> np.ndarray:
            return np.where(proba[:, 0] >= 0.05, 0, proba.argmax(axis=1))  # every text is "hate"

    c = hate_self_audit(LowHateThreshold(), records)["counterfactual_records"]
    assert c["label_flips"] == rate(0, 3)
    assert c["mean_abs_delta_p_hate"] == pytest.approx((7 * 0.6 + 0.6) / 20)


def test_no_flagged_records_and_bad_input(records):
    calm = records.assign(hate_label="neither")
    c = hate_self_audit(WordTriggeredModel(), calm)["counterfactual_records"]
    assert c["n_flagged"] == 0 and c["label_flips"]["n"] == 0 and np.isnan(c["mean_abs_delta_p_hate"])
    with pytest.raises(ValueError, match="p_offensive"):
        hate_self_audit(WordTriggeredModel(), records.drop(columns="p_offensive"))


def test_summary_names_the_largest_spreads_and_over_flagged_subgroups(audit):
    s = audit["summary"]
    assert s["max_template_p_hate_spread"]["family"] == "religion"
    assert s["max_template_p_hate_spread"]["value"] == pytest.approx(0.6)
    assert s["max_template_p_offensive_spread"]["family"] == "sexual_orientation"
    assert s["record_label_flip_rate"] == 1.0
    assert s["over_flagged_hate"] == []  # 8 records: no interval clears the corpus rate


def test_over_flagged_subgroup_needs_its_interval_above_the_corpus_rate():
    texts = ([f"The Muslim shop {i}." for i in range(10)] + ["A Hindu temple."] * 3 + ["A Sikh cook."] * 2
             + [f"The blue car {i}." for i in range(25)])
    labels = ["hate"] * 13 + ["neither", "hate"] + ["neither"] * 25
    recs = pd.DataFrame({"text": texts, "hate_label": labels, "p_hate": 0.5, "p_offensive": 0.1})
    s = hate_self_audit(WordTriggeredModel(), recs, max_counterfactual_records=0)["summary"]
    # corpus 14/40 = 0.35. Wilson low ends: Muslim 10/10 0.72, Hindu 3/3 0.44 (both above), Sikh 1/2 0.09.
    assert [(o["group"], o["n"], o["rate"]) for o in s["over_flagged_hate"]] == [
        ("religion/muslim", 10, 1.0), ("religion/hindu", 3, 1.0)]
    assert s["over_flagged_hate"][1]["ci_low"] == rate(3, 3)["ci_low"] > 0.35 > rate(1, 2)["ci_low"]
    assert s["over_flagged_hate"][0]["ratio_to_corpus"] == pytest.approx(40 / 14)
    assert s["over_flagged_offensive"] == []


def test_smoke_with_the_shipped_hate_model(records):
    hate = pytest.importorskip("biasaudit.analyzers.hate")
    try:
        analyzer = hate.HateAnalyzer()
    except (BiasauditError, OSError) as err:  # shipped model not built in this checkout
        pytest.skip(f"shipped hate model unavailable: {err}")
    scored = analyzer(records["text"].tolist())
    recs = records.assign(hate_label=scored["hate_label"], p_hate=scored["p_hate"],
                          p_offensive=scored["p_offensive"])
    audit = hate_self_audit(analyzer, recs, max_counterfactual_records=5)
    json.dumps(audit)
    for fam in audit["counterfactual_templates"]["families"].values():
        assert 0.0 <= fam["p_hate_spread"] <= 1.0 and 0.0 <= fam["p_offensive_spread"] <= 1.0
    c = audit["counterfactual_records"]
    assert c["n_sampled"] <= min(5, c["n_eligible"]) and c["n_eligible"] <= c["n_flagged"]
    assert audit["group_rates"]["families"]["religion"]["n"] == 3


def test_streaming_collector_equals_the_one_shot_audit(records, audit):
    """A scan feeds the audit batch by batch; the section must not depend on the batching."""
    from biasaudit.audits.self_audit import HateSelfAudit

    collector = HateSelfAudit(WordTriggeredModel())
    for start in range(0, len(records), 3):
        collector.update(records.iloc[start:start + 3])
    assert json.dumps(collector.finish(), sort_keys=True) == json.dumps(audit, sort_keys=True)


def test_reservoir_keeps_a_bounded_uniform_sample():
    """1,000 eligible flagged records, reservoir of 10: bounded state, seeded, every record can be picked."""
    from biasaudit.audits.self_audit import HateSelfAudit

    frame = pd.DataFrame({"id": [f"x{i}" for i in range(1000)], "text": ["A Muslim neighbour."] * 1000,
                          "hate_label": "hate", "p_hate": 0.7, "p_offensive": 0.2})
    picked = []
    for seed in range(30):
        c = HateSelfAudit(WordTriggeredModel(), max_counterfactual_records=10, seed=seed)
        for start in range(0, 1000, 128):
            c.update(frame.iloc[start:start + 128])
        assert len(c._reservoir.items) == 10 and c._reservoir.seen == 1000 and c.n_flagged == 1000
        picked += [r[0] for r in c._reservoir.items]
    # uniform over the stream: the mean position of picked records is near the middle (499.5; sd of the mean ~16)
    assert 420 < np.mean(picked) < 580
    again = HateSelfAudit(WordTriggeredModel(), max_counterfactual_records=10, seed=29)
    again.update(frame)
    assert [r[0] for r in again._reservoir.items] == picked[-10:]
