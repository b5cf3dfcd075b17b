"""Tests of the Hutto et al. (2015) bias score: the 41 rated sentences of the reference, and the quirks of
spec hutto2015.md §5-§6 pinned with sentences whose values are worked out by hand in the comments."""
from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from conftest import shared_path

from biasaudit.analyzers.linguistic_bias import (
    COEFFICIENTS,
    LinguisticBiasAnalyzer,
    column_name,
    henderson_preprocess,
    hutto2015_score,
    round4,
)
from biasaudit.analyzers.registry import build


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(shared_path("data", "hutto_bsd", "collapsedData.csv"), newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def lexical() -> LinguisticBiasAnalyzer:
    return LinguisticBiasAnalyzer(modality=False)


def one(analyzer: LinguisticBiasAnalyzer, text: str) -> dict:
    return {k: v[0] for k, v in analyzer([text]).items()}


def reference_formula(f: dict) -> float:
    """compute_bias of cjhutto/bsd@f98aef4, term by term as printed in spec §2."""
    return (-0.5581467 + 0.3477007 * f["vader_sentiment"] + -2.0461103 * f["opinion_rto"]
            + 0.5164345 * f["modality"] + 8.3551389 * f["liwc_3pp_rto"] + 4.5965115 * f["liwc_tent_rto"]
            + 5.737545 * f["liwc_achiev_rto"] + 5.6573254 * f["liwc_discr_rto"] + -0.953181 * f["bias_rto"]
            + 9.811681 * f["liwc_work_rto"] + -16.6359498 * f["factive_rto"] + 3.059548 * f["hedge_rto"]
            + -3.5770891 * f["assertive_rto"] + 5.0959142 * f["subj_strong_rto"] + 4.872367 * f["subj_weak_rto"])


def test_41_reference_rows_match_every_lexical_feature_and_the_score(rows, lexical):
    out = lexical([r["text"] for r in rows])
    for name, _ in COEFFICIENTS:
        if name == "modality":
            continue
        np.testing.assert_array_equal(out[column_name(name)], [float(r[name]) for r in rows], err_msg=name)
    np.testing.assert_array_equal(out["bias_word_count"], [float(r["word_cnt"]) for r in rows])
    # Score from our features + the stored modality column equals the reference formula on the stored features.
    feats = {n: out[column_name(n)] for n, _ in COEFFICIENTS}
    feats["modality"] = np.array([float(r["modality"]) for r in rows])
    expected = [reference_formula({k: float(r[k]) for k, _ in COEFFICIENTS}) for r in rows]
    np.testing.assert_array_equal(hutto2015_score(feats), expected)


def test_41_reference_rows_unused_features_match_with_extras(rows):
    out = LinguisticBiasAnalyzer(modality=False, extras=True)([r["text"] for r in rows])
    stored = {"implicative": "implicative_rto", "coherence": "cm_rto", "degree_modifier": "dm_rto",
              **{f"liwc_{c}": f"liwc_{c}_rto" for c in ("aux", "adv", "prep", "conj", "cert", "causn")}}
    for ours, theirs in stored.items():
        np.testing.assert_array_equal(out[f"bias_{ours}_rto"], [float(r[theirs]) for r in rows], err_msg=ours)


def test_41_reference_rows_full_score_with_pattern_modality(rows):
    out = LinguisticBiasAnalyzer()([r["text"] for r in rows])
    np.testing.assert_array_equal(out["bias_modality"], [float(r["modality"]) for r in rows])
    expected = [reference_formula({k: float(r[k]) for k, _ in COEFFICIENTS}) for r in rows]
    np.testing.assert_array_equal(out["bias_score"], expected)


def test_hand_worked_sentence_and_score(lexical):
    # "They probably know." -> tokens they, probably, know (the "." is dropped): word_count 3.
    # they: liwc_3pp; probably: hedge AND liwc_tent (a word in two lists counts in both);
    # know: bias words, factive, strong subjective. None is a VADER word -> opinion 0 and compound 0.0.
    # Each hit is 1/3 -> round(0.33333, 4) = 0.3333.
    f = one(lexical, "They probably know.")
    assert f["bias_word_count"] == 3
    for col in ("bias_liwc_3pp_rto", "bias_hedge_rto", "bias_liwc_tent_rto", "bias_rto", "bias_factive_rto",
                "bias_subj_strong_rto"):
        assert f[col] == 0.3333, col
    for col in ("bias_opinion_rto", "bias_assertive_rto", "bias_subj_weak_rto", "bias_liwc_achiev_rto",
                "bias_liwc_discr_rto", "bias_liwc_work_rto", "bias_vader_sentiment"):
        assert f[col] == 0.0, col
    assert math.isnan(f["bias_score"]) and math.isnan(f["bias_modality"])  # modality off -> no score
    # Modality by hand (spec §4.6, tags PRP RB VBP .): RB probably +0.25 weight 2, VB know +0.75 weight 2
    # -> n = 0.5 + 1.5 = 2.0, m = 4 -> 0.5.  Score = -0.5581467 + 0.5164345*0.5
    #   + 0.3333*(8.3551389 + 4.5965115 - 0.953181 - 16.6359498 + 3.059548 + 5.0959142 = 3.5179818)
    # = -0.5581467 + 0.25821725 + 1.17254333 = 0.87261388
    feats = {n: np.array([f[column_name(n)]]) for n, _ in COEFFICIENTS}
    feats["modality"] = np.array([0.5])
    assert hutto2015_score(feats)[0] == pytest.approx(0.87261388, abs=1e-8)


def test_liwc_prefix_entries_never_match_as_in_the_reference(lexical):
    # Spec §4.4 example: 12 tokens; their* / abilit* / achiev* / success* / determina* are globs, "work " has a
    # trailing space: all three LIWC counts are 0 in the reference.
    text = "Their ability to achieve success through hard work and determination is remarkable."
    f = one(lexical, text)
    assert f["bias_word_count"] == 12
    assert f["bias_liwc_3pp_rto"] == f["bias_liwc_achiev_rto"] == f["bias_liwc_work_rto"] == 0.0
    # Correct LIWC prefixes: their -> 3pp 1/12 = 0.0833; ability, achieve, success, determination -> achiev
    # 4/12 = 0.3333; work: "work " (trailing space) still never matches, but liwc_work also holds the globs
    # achiev* and success* -> achieve + success = 2/12 = 0.1667.
    g = one(LinguisticBiasAnalyzer(modality=False, liwc_wildcards="prefix"), text)
    assert g["bias_liwc_3pp_rto"] == 0.0833
    assert g["bias_liwc_achiev_rto"] == 0.3333
    assert g["bias_liwc_work_rto"] == 0.1667


def test_token_with_a_literal_star_matches_exact_and_prefix(lexical):
    # "their* cars" -> tokens their*, cars. "their*" is an exact entry of liwc_3pp (+1) and also
    # startswith("their*") (+1): 2/2 = 1.0.
    assert one(lexical, "their* cars")["bias_liwc_3pp_rto"] == 1.0


def test_unigrams_count_every_time_ngrams_once(lexical):
    # 9 tokens. "they" twice -> 3pp 2/9 = 0.2222; "agree" twice -> assertive 2/9 = 0.2222;
    # hedge: the bigram "tend to" occurs twice but n-grams are a set -> 1/9 = 0.1111.
    f = one(lexical, "they tend to agree and they tend to agree")
    assert f["bias_word_count"] == 9
    assert f["bias_liwc_3pp_rto"] == 0.2222
    assert f["bias_assertive_rto"] == 0.2222
    assert f["bias_hedge_rto"] == 0.1111


def test_token_filter_is_a_substring_test(lexical):
    # Treebank: he 's `` sure '' it 's fine ; is n't it ?  -> drop 's (substring of .?!,;:'s"$), ; and ?
    # -> he `` sure '' it fine is n't it = 9 tokens (converted quotes and n't are kept).
    assert one(lexical, 'He\'s "sure" it\'s fine; isn\'t it?')["bias_word_count"] == 9


def test_rounding_is_half_away_from_zero_like_python2(lexical):
    # 1 hedge in 32 tokens = 0.03125 exactly: Python 2 round -> 0.0313 (Python 3 round would give 0.0312).
    assert round4(np.array([0.03125, 0.00005, 2.675e-4]))[0] == 0.0313
    f = one(lexical, "probably " + "x " * 31)
    assert f["bias_word_count"] == 32 and f["bias_hedge_rto"] == 0.0313


def test_no_tokens_gives_nan_and_short_inputs_are_flagged(lexical):
    out = lexical(["?!", "", "I know.", "They said it was fine."])
    assert np.isnan(out["bias_score"][:2]).all() and np.isnan(out["bias_hedge_rto"][:2]).all()
    assert list(out["bias_word_count"]) == [0, 0, 2, 5]
    assert list(out["bias_short_input"]) == [True, True, True, False]


def test_henderson_variant_zeroes_single_word_matches_and_preprocesses():
    hend = LinguisticBiasAnalyzer("henderson2018", modality=False)
    ref = LinguisticBiasAnalyzer(modality=False)
    # Markup removed -> "in my opinion they probably know" (6 tokens).
    # hutto2015: hedge = probably + trigram "in my opinion" = 2/6 = 0.3333; bias words: know 1/6 = 0.1667.
    # henderson2018: unigram hits of the reference lists vanish (their bug): hedge 1/6 = 0.1667, bias 0;
    # LIWC lists are unaffected: 3pp they 1/6 = 0.1667.
    text = "<first_speaker> in my opinion they probably know __eou__"
    assert henderson_preprocess(text) == "in my opinion they probably know"
    h = one(hend, text)
    r = one(ref, henderson_preprocess(text))
    assert (r["bias_hedge_rto"], r["bias_rto"]) == (0.3333, 0.1667)
    assert (h["bias_hedge_rto"], h["bias_rto"], h["bias_liwc_3pp_rto"]) == (0.1667, 0.0, 0.1667)
    # Commas and semicolons are deleted, non-ASCII dropped; 3 characters or fewer are skipped (NaN).
    assert henderson_preprocess("yes, well; caf\u00e9") == "yes well caf"
    skipped = one(hend, "ok.")
    assert math.isnan(skipped["bias_score"]) and math.isnan(skipped["bias_word_count"])


def test_registered_and_info_records_lexicon_hashes():
    analyzer = build("linguistic_bias")
    assert analyzer.variant == "hutto2015"
    info = analyzer.info().as_dict()
    assert len(info["resources"]["lexicons/hutto2015"]) == 64
    assert info["settings"]["liwc_wildcards"] == "reference"


def test_liwc_dic_file_is_accepted(tmp_path):
    # A tiny LIWC-format dictionary: "they" in category they (id 7), "maybe" tentat (131).
    dic = tmp_path / "mini.dic"
    dic.write_text("%\n7\tthey\n6\tshehe\n131\ttentat\n126\tachieve\n133\tdiscrep\n110\twork\n%\n"
                   "they\t7\nmaybe\t131\nwork\t110\n")
    f = one(LinguisticBiasAnalyzer(modality=False, liwc=dic), "they maybe work")
    # 3 tokens, one hit each in 3pp, tent and work: 1/3 = 0.3333 (the shipped list has "work " -> 0).
    assert f["bias_liwc_3pp_rto"] == f["bias_liwc_tent_rto"] == f["bias_liwc_work_rto"] == 0.3333
