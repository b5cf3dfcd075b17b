"""The self-audit's whole-record gender swaps (counterfactual swapper) on a small corpus and a stand-in classifier.

Expected numbers are worked out by hand below; intervals are recomputed with scipy's ``sem`` / ``t.interval``
and the Wilson formula written out, independently of biasaudit's statistics code.
"""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from biasaudit.audits.self_audit import hate_self_audit
from biasaudit.audits.self_audit_report import self_audit_markdown
from biasaudit.report.build import json_ready

_FEMALE = re.compile(r"\b(she|her|hers|herself|woman|women|mother|mothers)\b", re.IGNORECASE)


class FemaleWordModel:
    """Stand-in classifier: a female word moves (0.1, 0.3, 0.6) to (0.2, 0.6, 0.2); 'muslim' gives (0.7, 0.2, 0.1).

    Records every text it scores, so the test can see the counterfactuals the audit built.
    """

    def __init__(self) -> None:
        self.seen: list[str] = []

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return np.array([(0.7, 0.2, 0.1) if re.search(r"\bmuslim\b", t, re.IGNORECASE)
                         else (0.2, 0.6, 0.2) if _FEMALE.search(t) else (0.1, 0.3, 0.6) for t in texts])


CORPUS = [  # (id, text, label given by "the scan")
    ("g1", "She gave her book to him.", "offensive"),  # -> He gave his book to her.  (mixed; still female)
    ("g2", "My mother is here.", "offensive"),  # -> father: female -> male, offensive -> neither
    ("g3", "The man is late.", "hate"),  # -> woman: male -> female, neither -> offensive
    ("g4", "I told him to stop.", "offensive"),  # -> her: male -> female, neither -> offensive
    ("g5", "The weather is bad.", "offensive"),  # flagged, no gender word
    ("g6", "Her car is red.", "neither"),  # not flagged
    ("g7", "A male nurse called.", "offensive"),  # -> female: the model ignores it (no change)
    ("g8", "The Muslim shop.", "offensive"),  # identity adjective: religion swaps, not gender
]


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    df = pd.DataFrame(CORPUS, columns=["id", "text", "hate_label"])
    return df.assign(p_hate=0.5, p_offensive=0.3)


@pytest.fixture(scope="module")
def run(records):
    model = FemaleWordModel()
    return model, hate_self_audit(model, records)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def t_interval(deltas: list[float]) -> tuple[float, float]:
    return stats.t.interval(0.95, len(deltas) - 1, loc=np.mean(deltas), scale=stats.sem(deltas))


def test_gender_records_are_swapped_whole_with_grammar(run):
    model, _ = run
    for counterfactual in ("He gave his book to her.", "My father is here.", "The woman is late.",
                           "I told her to stop.", "A female nurse called."):
        assert counterfactual in model.seen


def test_gender_pairs_match_hand_computation(run):
    g = run[1]["counterfactual_swaps"]["attributes"]["gender"]
    assert (g["n_flagged"], g["n_eligible"], g["n_sampled"], g["pairs"]) == (7, 5, 5, 5)
    # pairs g1 g2 g3 g4 g7: Δp_hate 0, -0.1, +0.1, +0.1, 0 and Δp_offensive 0, -0.3, +0.3, +0.3, 0
    d_hate, d_off = [0, -0.1, 0.1, 0.1, 0], [0, -0.3, 0.3, 0.3, 0]
    hate, off = g["scores"]["p_hate"], g["scores"]["p_offensive"]
    assert hate["mean_delta"] == pytest.approx(np.mean(d_hate))
    assert (hate["ci_low"], hate["ci_high"]) == pytest.approx(t_interval(d_hate))
    assert (off["ci_low"], off["ci_high"]) == pytest.approx(t_interval(d_off))
    assert off["mean_abs_delta"] == pytest.approx(0.18)
    assert off["mean_original"] == pytest.approx((0.6 + 0.6 + 0.3 + 0.3 + 0.3) / 5)
    flips = g["labels"]["hate_label"]
    assert (flips["count"], flips["n"]) == (3, 5)
    assert (flips["ci_low"], flips["ci_high"]) == pytest.approx(wilson(3, 5))
    assert flips["transitions"] == {"neither -> offensive": 2, "offensive -> neither": 1}
    assert g["directions"] == {"female -> male": 1, "male -> female": 3, "mixed": 1}
    by_dir = off["by_direction"]
    assert by_dir["male -> female"]["mean_delta"] == pytest.approx(0.2)
    assert by_dir["female -> male"]["mean_delta"] == pytest.approx(-0.3)
    assert flips["by_direction"]["mixed"]["count"] == 0
    assert {c["id"] for c in g["largest_changes"][:3]} == {"g2", "g3", "g4"}
    assert run[1]["summary"]["swap_label_flip_rate"] == {"gender": 0.6}


def test_gender_adjectives_leave_the_adjective_swaps_to_the_swapper(run, records):
    adj = run[1]["counterfactual_records"]
    assert (adj["n_flagged"], adj["n_eligible"]) == (7, 1)  # only the Muslim record; "male" went to the swapper
    assert list(adj["by_family"]) == ["religion"]
    assert run[1]["counterfactual_swaps"]["adjectives_left_to_the_swapper"] == ["female", "male"]
    off = hate_self_audit(FemaleWordModel(), records, cda_attributes=())
    assert off["counterfactual_swaps"] == {"attributes": {}}
    assert off["counterfactual_records"]["n_eligible"] == 2  # "male" is an identity adjective again
    assert off["summary"]["swap_label_flip_rate"] == {}


def test_swap_sample_is_bounded_seeded_and_text_free(records, run):
    a = hate_self_audit(FemaleWordModel(), records, max_counterfactual_records=2, seed=5)
    b = hate_self_audit(FemaleWordModel(), records, max_counterfactual_records=2, seed=5)
    assert json.dumps(json_ready(a)) == json.dumps(json_ready(b))
    g = a["counterfactual_swaps"]["attributes"]["gender"]
    assert (g["n_eligible"], g["n_sampled"], g["pairs"]) == (5, 2, 2)
    text = json.dumps(json_ready(run[1]))
    assert not any(t in text for t in records["text"]) and "father" not in text


def test_markdown_shows_the_gender_swap_table(run):
    lines = self_audit_markdown(json_ready(run[1]))
    assert any(line.startswith("Flagged records with gender words, swapped whole") and "5 of 7" in line
               for line in lines)
    lo, hi = wilson(3, 5)
    assert f"| all | 5 | 0.020 [{t_interval([0, -0.1, 0.1, 0.1, 0])[0]:.3f}, " in "\n".join(lines)
    assert any(line.startswith("| female -> male | 1 | -0.100 [n/a, n/a] | -0.300") and
               line.endswith("| 100.0% [20.7%, 100.0%] |") for line in lines)
    assert f"| 60.0% [{100 * lo:.1f}%, {100 * hi:.1f}%] |" in "\n".join(lines)


def test_finds_agrees_with_swap_on_real_tweets_and_every_lexicon_word():
    """``Swapper.finds`` (the audit's cheap eligibility check) against the full swap as the oracle."""
    from conftest import shared_path

    from biasaudit.transforms.cda_lexicon import CDALexicon
    from biasaudit.transforms.swap import Swapper

    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), index_col=0,
                         keep_default_na=False)["tweet"].tolist()[:4000]
    attr = CDALexicon.load().select(["gender"])[0]
    words = sorted({w for kind in attr.rows.values() for row in kind for w in row} | set(attr.one_way))
    made = [f"{pre}{w}{post}" for w in words for pre, post in (("I met ", " today."), ("", "!"), ("x", ""))]
    made += [w.upper() for w in words] + ["Mr Smith", "Mr. Smith", "mr smith", "He-man", "she's", "Miss"]
    swapper = Swapper([attr], pos="rules")
    texts = tweets + made
    found = [swapper.finds(t, {"gender": 1}) for t in texts]
    assert found == [bool(r.swaps) for r in swapper.swap_many(texts, [{"gender": 1}] * len(texts))]
    assert 500 < sum(found[:4000]) < 3500 and sum(found[4000:]) > len(words)  # both outcomes well represented
    assert not swapper.finds("She said so.", {"gender": 0})


def test_finds_agrees_with_swap_when_several_attributes_shift():
    """With several attributes, overlapping hits are resolved after matching: ``finds`` stops at the first raw
    hit, which must be exactly when the full swap changes something."""
    from conftest import shared_path

    from biasaudit.transforms.cda_lexicon import CDALexicon
    from biasaudit.transforms.swap import Swapper

    lexicon = CDALexicon.load()
    attrs = lexicon.select(list(lexicon.attributes))
    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), index_col=0,
                         keep_default_na=False)["tweet"].tolist()[4000:7000]
    swapper = Swapper(attrs, pos="rules")
    all_shift = {a.name: 1 for a in attrs}
    for shifts in (all_shift, {**all_shift, attrs[0].name: 0}):
        found = [swapper.finds(t, shifts) for t in tweets]
        assert found == [bool(r.swaps) for r in swapper.swap_many(tweets, [shifts] * len(tweets))]
        assert 300 < sum(found) < len(tweets) - 300
