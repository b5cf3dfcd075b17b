"""``biasaudit train hate``: reproducible retraining, the evaluation files, loading the result."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import shared_path

from biasaudit.analyzers.hate import HateAnalyzer
from biasaudit.cli import main
from biasaudit.resources import sha256_file
from biasaudit.train import hate as trainer


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory) -> Path:
    """A small stratified sample (120 hate, 300 offensive, 150 neither) of the training portion."""
    df = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), index_col=0, keep_default_na=False)
    parts = [df[df["class"] == k].sample(n, random_state=1) for k, n in ((0, 120), (1, 300), (2, 150))]
    path = tmp_path_factory.mktemp("data") / "small.csv"
    pd.concat(parts).sort_index()[["tweet", "class"]].to_csv(path, index=False)
    return path


@pytest.mark.parametrize("variant", ["default", "davidson2017"])
def test_same_seed_gives_identical_weights(small_csv, variant):
    df = pd.read_csv(small_csv, keep_default_na=False)
    texts, y = df["tweet"].tolist(), df["class"].to_numpy()
    a, b = trainer.fit(variant, texts, y, seed=3), trainer.fit(variant, texts, y, seed=3)
    assert a.spec == b.spec
    assert a.arrays.keys() == b.arrays.keys()
    for k in a.arrays:
        assert np.array_equal(a.arrays[k], b.arrays[k]), k


def test_cli_trains_evaluates_and_the_analyzer_loads_it(small_csv, tmp_path, capsys):
    out = tmp_path / "model"
    rc = main(["train", "hate", "--data", str(small_csv), "--out", str(out), "--seed", "0"])
    assert rc == 0
    assert "5-fold CV: hate F1" in capsys.readouterr().out
    ev = json.loads((out / "evaluation.json").read_text())
    cv = ev["cross_validation"]
    assert ev["n"] == 570 and cv["folds"] == 5 and len(cv["per_fold"]) == 5
    assert set(cv["per_class"]) == {"hate", "offensive", "neither"}
    assert np.array(cv["confusion_matrix"]["counts"]).sum(axis=1).tolist() == [120, 300, 150]
    assert 0.0 <= cv["macro_f1"] <= 1.0 and "weighted" in cv
    assert "| hate |" in (out / "evaluation.md").read_text()
    a = HateAnalyzer(model_path=out)
    info = a.info().as_dict()
    assert info["resources"]["hate/default/weights.npz"] == sha256_file(str(out / "weights.npz"))
    assert info["settings"]["training_data_sha256"] == sha256_file(str(small_csv))
    p = a.predict_proba(["I had a lovely lunch with my family today", "this bitch is so annoying lol"])
    assert p[0, 2] > p[1, 2] and p[1, 1] > p[0, 1]


def test_bad_labels_exit_2_with_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("tweet,class\nhello,2\nworld,maybe\n")
    assert main(["train", "hate", "--data", str(bad), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "bad.csv:3" in err and "maybe" in err


@pytest.mark.spacy_model
def test_davidson_with_spacy_pos_records_the_tagger(small_csv, tmp_path):
    from biasaudit.analyzers.hate_features import spacy_tagger_name
    from biasaudit.train.hate_eval import train_and_evaluate

    tagger = spacy_tagger_name()
    if tagger is None:
        pytest.skip("no English spaCy pipeline installed")
    model, ev = train_and_evaluate(small_csv, tmp_path / "pos", variant="davidson2017", folds=2)
    assert ev["cross_validation"]["pos"] == "spacy"
    assert model.spec["training"]["settings"]["pos_tagger"] == tagger
    a = HateAnalyzer("davidson2017", model_path=tmp_path / "pos")
    info = a.info().as_dict()["settings"]
    assert info["pos_features"] == "spacy" or not a._model.needs_pos  # POS n-grams may all be deselected
    assert a.predict_proba(["", "I had a lovely lunch"]).shape == (2, 3)


def test_labels_by_name_and_other_columns(tmp_path):
    from biasaudit.errors import InputError
    from biasaudit.train.hate_eval import load_labeled_csv

    path = tmp_path / "named.csv"
    rows = [("a", "hate"), ("b", "Offensive"), ("c", "neither")] * 5
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(path, index=False)
    texts, y = load_labeled_csv(path, "text", "label")
    assert texts[:3] == ["a", "b", "c"] and y[:3].tolist() == [0, 1, 2]
    with pytest.raises(InputError, match="no column 'tweet'"):
        load_labeled_csv(path)
    pd.DataFrame(rows[:6], columns=["text", "label"]).to_csv(path, index=False)
    with pytest.raises(InputError, match="at least 5 rows"):
        load_labeled_csv(path, "text", "label")


def test_identity_augmentation_is_disjoint_from_the_audit_templates():
    from biasaudit.audits.self_audit import TEMPLATES

    sentences = trainer.neutral_identity_sentences()
    assert len(sentences) == len(set(sentences)) == 1150
    stems = [t.replace("{}", "").strip(" .").lower() for t in TEMPLATES]
    assert not any(stem in s.lower() for s in sentences for stem in stems)


def test_identity_augmentation_can_be_switched_off(small_csv):
    df = pd.read_csv(small_csv, keep_default_na=False)
    texts, y = df["tweet"].tolist(), df["class"].to_numpy()
    on = trainer.fit("default", texts, y, seed=0)
    off = trainer.fit("default", texts, y, seed=0, settings={"identity_augmentation": False})
    assert on.spec["augmentation"]["n"] == 1150 and "augmentation" not in off.spec
    assert off.spec["training"]["settings"]["identity_augmentation"] is False
    # the augmentation teaches that naming a group is not offensive: p_neither rises on unseen neutral sentences
    probe = ["my neighbour is gay", "we had lunch with a muslim colleague", "i am a black person"]
    assert on.predict_proba(probe)[:, 2].mean() > off.predict_proba(probe)[:, 2].mean()
