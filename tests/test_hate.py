"""The hate analyzer: real predictions of the shipped models, the safe model format, options."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from biasaudit.analyzers.hate import HateAnalyzer, shipped_model_dir
from biasaudit.analyzers.hate_features import (
    char_wb_ngrams,
    davidson_preprocess,
    davidson_tokenize,
    normalize,
    old_textstat_syllables,
    other_features,
    word_ngrams,
)
from biasaudit.analyzers.hate_model import HateLinearModel
from biasaudit.analyzers.registry import build
from biasaudit.errors import InputError, UsageError
from biasaudit.text.batch import TextBatch
from biasaudit.text.vader import polarity

# Minimal template for clear hate (no slur): a call for violence against a group.
HATE = "i hate all {} people, they should all die"
OFFENSIVE = ["this bitch is so annoying lol", "shut up hoe you aint shit"]
NEUTRAL = ["I had a lovely lunch with my family today", "the game starts at 7 tonight, see you there"]


@pytest.fixture(scope="module", params=["default", "davidson2017"])
def analyzer(request):
    return HateAnalyzer(request.param)


def test_labels_on_clear_cases(analyzer):
    assert analyzer.predict(NEUTRAL) == ["neither", "neither"]
    assert analyzer.predict(OFFENSIVE) == ["offensive", "offensive"]


def test_clear_hate_template_scores_above_neutral(analyzer):
    hate = analyzer.predict_proba([HATE.format("black")])[0]
    neutral = analyzer.predict_proba([NEUTRAL[0]])[0]
    assert hate[0] > 2 * neutral[0]
    assert hate[2] < neutral[2]


def test_columns_and_probabilities(analyzer):
    out = analyzer.analyze_batch(TextBatch(NEUTRAL + OFFENSIVE + ["", "   "]))
    proba = np.column_stack([out["p_hate"], out["p_offensive"], out["p_neither"]])
    assert proba.shape == (6, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(out["hate_label"]) <= {"hate", "offensive", "neither"}
    np.testing.assert_allclose(analyzer.predict_proba(NEUTRAL), proba[:2])
    assert [c.name for c in analyzer.columns] == ["hate_label", "p_hate", "p_offensive", "p_neither"]


def test_default_variant_flags_the_hate_template():
    assert HateAnalyzer().predict([HATE.format("black")]) == ["hate"]


def test_davidson_variant_shares_vader_with_the_batch():
    a = HateAnalyzer("davidson2017")
    batch = TextBatch(NEUTRAL)
    a.analyze_batch(batch)
    assert "vader_polarity" in batch._shared


def test_info_records_hashes_and_pos_source(analyzer):
    info = analyzer.info().as_dict()
    assert info["settings"]["pos_features"].startswith("none")
    assert len(info["resources"]) == 2 and all(len(h) == 64 for h in info["resources"].values())


def test_registry_builds_it():
    assert isinstance(build("hate:davidson2017"), HateAnalyzer)


def test_load_refuses_pickles_and_unknown_formats(tmp_path):
    for name in ("model.pkl", "model.joblib"):
        (tmp_path / name).write_bytes(b"\x80\x04K\x01.")
        with pytest.raises(InputError, match="refusing"):
            HateAnalyzer(model_path=tmp_path / name)
    good = shipped_model_dir("davidson2017")
    bad = tmp_path / "m"
    shutil.copytree(good, bad)
    spec = json.loads((bad / "model.json").read_text())
    for key, value, msg in (("format", "sklearn-pickle", "unknown model format"),
                            ("format_version", 99, "unsupported")):
        (bad / "model.json").write_text(json.dumps(dict(spec, **{key: value})))
        with pytest.raises(InputError, match=msg):
            HateLinearModel.load(bad)
    for broken in (b'{"format": ', b'{"format": "\xff"}'):  # cut short; not UTF-8
        (bad / "model.json").write_bytes(broken)
        with pytest.raises(InputError, match="model.json is not valid JSON"):
            HateLinearModel.load(bad)
    (bad / "model.json").write_text(json.dumps(spec))
    np.savez(bad / "weights.npz", coef=np.array([object()], dtype=object))
    with pytest.raises(InputError, match="without pickle"):
        HateLinearModel.load(bad)
    with pytest.raises(InputError, match="not found"):
        HateLinearModel.load(tmp_path / "missing")
    arrays = dict(HateLinearModel.load(good).arrays, calib_coef=np.eye(2), calib_intercept=np.zeros(3))
    np.savez(bad / "weights.npz", **arrays)
    with pytest.raises(InputError, match="calibration"):
        HateLinearModel.load(bad)


def test_default_model_is_calibrated():
    model = HateAnalyzer()._model
    assert model.arrays["calib_coef"].shape == (3, 3)
    assert model.spec["decision"]["rule"] == "hate_threshold"


def test_options_are_checked(tmp_path):
    with pytest.raises(UsageError, match="model_path"):
        HateAnalyzer("transformers")
    with pytest.raises(UsageError, match="davidson2017"):
        HateAnalyzer("default", model_path=shipped_model_dir("davidson2017"))
    with pytest.raises(UsageError, match="transformers variant only"):
        HateAnalyzer("default", batch_size=8)


def test_self_audit_collector_respects_the_option():
    assert HateAnalyzer("davidson2017", self_audit=False).collectors() == []
    assert [c.name for c in HateAnalyzer("davidson2017").collectors()] == ["hate_self_audit"]


# --- Davidson et al. (2017) features -------------------------------------------------------------------------
def test_davidson_other_features_match_the_notebook_row():
    # The notebook's stored feature row of the data set's first tweet (spec pitfall 2).
    tweet = ("!!! RT @mayasolovely: As a woman you shouldn't complain about cleaning up your house. &amp; as a man "
             "you should always take the trash out...")
    row = other_features([tweet], polarity([tweet]))[0]
    assert (row[0], row[1], row[2]) == (6.5, 93.14, pytest.approx(26.1))
    assert row[12] == pytest.approx(0.4563)


def test_davidson_tokenizer_keeps_the_stemmed_stopword_quirk():
    toks = davidson_tokenize(davidson_preprocess("This was his @user http://t.co/x RUNNING"))
    assert toks == ["thi", "wa", "hi", "run"]
    assert word_ngrams(toks, 1, 2, frozenset({"wa"})) == ["thi", "hi", "run", "thi hi", "hi run"]


def test_old_syllable_heuristic():
    assert old_textstat_syllables("table") == pytest.approx(1.8)  # 'a','e' groups -1 final e +1 le = 2, x0.9
    assert old_textstat_syllables("") == 0


def test_default_analyzers_match_scikit_learn_char_wb():
    from sklearn.feature_extraction.text import CountVectorizer

    text = normalize("Hey @bob, check https://x.co &amp; THIS out &#128514;")
    assert text == "hey @user , check urlhere & this out &emoji;"
    ref = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()(text)
    assert char_wb_ngrams(text, 2, 5) == ref


def test_per_word_char_cache_gives_the_training_features():
    import scipy.sparse as sp

    from biasaudit.analyzers.hate_model import block_tokens, ngram_matrix

    model = HateAnalyzer()._model
    texts = NEUTRAL + OFFENSIVE + [HATE.format("asian"), "", "RT @x: yes!!! http://t.co/abc &#128514;"]
    slow = sp.hstack([ngram_matrix(block_tokens(b, texts), model._vocabs[i], model.arrays.get(f"idf_{i}"),
                                   b.get("sublinear_tf", False), b.get("norm") == "l2")
                      for i, b in enumerate(model.blocks)], format="csr")
    for _ in range(2):  # cold and warm cache
        assert abs(model.features(texts) - slow).max() < 1e-12


@pytest.mark.transformers
def test_transformers_variant_delegates_to_the_backend(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from test_hate_transformers import _tiny_classifier

    from biasaudit.analyzers.hate_transformers import TransformersHateModel

    _tiny_classifier(tmp_path, {0: "hate", 1: "offensive", 2: "neither"})
    a = HateAnalyzer("transformers", model_path=tmp_path, batch_size=2)
    texts = ["i am a good person", "they are not nice", ""]
    np.testing.assert_allclose(a.predict_proba(texts), TransformersHateModel(tmp_path).predict_proba(texts),
                               atol=1e-6)
    out = a(texts)
    assert out["hate_label"] == [["hate", "offensive", "neither"][i] for i in a.predict_proba(texts).argmax(1)]
    assert a.info().as_dict()["settings"]["model_path"] == str(tmp_path)


# Neutral sentences that only name a group (3 templates x 13 groups, as in the model card's probe).
PROBE_GROUPS = ("white", "gay", "black", "mexican", "american", "asian", "muslim", "women", "trans", "straight",
                "jewish", "christian", "men")
PROBE = [t.format(g) for g in PROBE_GROUPS for t in ("i am a {} person", "{} people live here", "my neighbour is {}")]


def test_default_model_identity_term_false_positives_stay_bounded():
    """Regression guard for the Dixon et al. (2018) augmentation of the shipped default model.

    Measured at training time (model card): 10/39 neutral probe sentences labelled hate and 1/39 offensive
    (before the augmentation: 16 and 6); on the self-audit's templates, 0% offensive (before: 22%).
    A retrain that loses the augmentation's effect fails here.
    """
    from biasaudit.audits.identity import IdentityLexicon
    from biasaudit.audits.self_audit import TEMPLATES

    a = HateAnalyzer(self_audit=False)
    labels = np.array(a.labels(a.predict_proba(PROBE)))
    assert (labels == 0).sum() <= 12 and (labels == 1).sum() <= 3
    terms = sorted({t for fam in IdentityLexicon.load().swaps.values() for sub in fam.values() for t in sub})
    templ = [tpl.format(t) for tpl in TEMPLATES for t in terms]
    tl = np.array(a.labels(a.predict_proba(templ)))
    assert (tl == 1).mean() <= 0.02 and (tl == 0).mean() <= 0.06
    assert HateLinearModel.load(shipped_model_dir("default")).spec["augmentation"]["n"] == 1150
