"""``biasaudit debias`` end to end on small vector files written by gensim here: outputs, report, formats,
determinism and errors."""
import json

import numpy as np
import pytest
from debias_vectors import planted_vectors

from biasaudit.associations.embeddings import load_vectors
from biasaudit.cli import main
from biasaudit.resources import lexicon_path, sha256_file
from biasaudit.transforms.debias_lists import load_debias_lists
from biasaudit.transforms.hard_debias import gender_direction, hard_debias
from biasaudit.transforms.word_matrix import WordMatrix

LISTS = load_debias_lists()
INLP_SMALL = ["--per-class", "300", "--neutral-threshold", "0.1", "--iterations", "10"]


def _keyed_vectors():
    from gensim.models import KeyedVectors

    words, vectors, _ = planted_vectors()
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors)
    return kv


@pytest.fixture(scope="module")
def w2v_bin(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "vectors.bin"
    _keyed_vectors().save_word2vec_format(str(path), binary=True)
    return path


def _gensim(path, **kw):
    from gensim.models import KeyedVectors

    return KeyedVectors.load_word2vec_format(str(path), **kw)


def test_hard_end_to_end(w2v_bin, tmp_path, capsys):
    out = tmp_path / "debiased.bin"
    assert main(["debias", "--embeddings", str(w2v_bin), "--method", "hard", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "DirectBias (c=1)" in printed and "weat7" in printed and "debiased.report.json" in printed
    before = _gensim(w2v_bin, binary=True)
    after = _gensim(out, binary=True)
    assert after.index_to_key == before.index_to_key and after.vectors.dtype == np.float32
    # The file holds exactly what the Python API computes on the same vectors, and the paper's properties.
    matrix = WordMatrix.from_embeddings(load_vectors(w2v_bin))
    expected = hard_debias(matrix, LISTS.definitional, LISTS.equalize, LISTS.gender_specific)
    assert np.array_equal(after.vectors, expected.matrix.vectors)
    g = gender_direction(matrix, LISTS.definitional).direction
    neutral = [w for w in after.index_to_key if w not in LISTS.gender_specific
               and not any(w in p for p in expected.equalized)]
    assert np.abs(np.array([after[w] for w in neutral]) @ g).max() < 1e-6

    report = json.loads((tmp_path / "debiased.report.json").read_text())
    assert report["format"] == "biasaudit.debias/1" and report["method"] == "hard"
    assert report["input"]["sha256"] == sha256_file.__wrapped__(w2v_bin)
    assert report["output"] == {"path": str(out), "format": "word2vec-bin", "words": len(before.index_to_key),
                                "dim": 40, "sha256": sha256_file.__wrapped__(out)}
    assert report["direct_bias"]["before"] > 0.1 and report["direct_bias"]["after"] < 1e-6
    assert len(report["direction"]["explained_variance_ratio"]["before"]) == 10
    assert report["hard"]["equalized_pairs"][:2] == [["monastery", "convent"], ["spokesman", "spokeswoman"]]
    assert [t["test"] for t in report["weat"]] == ["weat6", "weat7", "weat8"]
    assert all("effect_size" in t["before"] and "effect_size" in t["after"] for t in report["weat"])
    assert report["lists"]["gender_specific"]["sha256"] == sha256_file(
        lexicon_path("debias", "gender_specific_full.json"))
    md = (tmp_path / "debiased.report.md").read_text()
    assert "| DirectBias (c=1) over" in md and "![Gender direction" in md and "Equalized" in md
    assert (tmp_path / "debiased.report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_inlp_end_to_end(w2v_bin, tmp_path):
    out = tmp_path / "inlp.bin"
    args = ["debias", "--embeddings", str(w2v_bin), "--method", "inlp", "--out", str(out), "--quiet",
            "--report", str(tmp_path / "r.json"), *INLP_SMALL]
    assert main(args) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    inlp = report["inlp"]
    assert len(inlp["iterations"]) == 10 and inlp["rank_removed"] == 30
    assert inlp["test_accuracy"]["before"] > 0.7
    assert inlp["test_accuracy"]["after"] < inlp["test_accuracy"]["majority_class"] + 0.1
    after = _gensim(out, binary=True)
    assert np.linalg.matrix_rank(after.vectors.astype(np.float64), tol=1e-4) == 40 - 30
    assert report["direct_bias"]["after"] < report["direct_bias"]["before"]
    assert (tmp_path / "r.md").exists() and (tmp_path / "r.png").exists()


@pytest.mark.parametrize("method", ["hard", "inlp"])
def test_same_seed_same_bytes(w2v_bin, tmp_path, method):
    out = tmp_path / "v.bin"

    def args(seed):
        return ["debias", "--embeddings", str(w2v_bin), "--method", method, "--out", str(out), "--quiet",
                "--seed", str(seed), *(INLP_SMALL if method == "inlp" else [])]

    files = [out] + [tmp_path / f"v.report.{ext}" for ext in ("json", "md", "png")]
    assert main(args(3)) == 0
    first = [f.read_bytes() for f in files]
    assert main(args(3)) == 0
    assert [f.read_bytes() for f in files] == first
    if method == "inlp":
        assert main(args(4)) == 0
        assert out.read_bytes() != first[0]  # another seed samples other neutral words and splits differently


def test_text_formats_are_kept(tmp_path):
    kv = _keyed_vectors()
    w2v_txt, glove = tmp_path / "in.txt", tmp_path / "glove.txt"
    kv.save_word2vec_format(str(w2v_txt), binary=False)
    kv.save_word2vec_format(str(glove), binary=False, write_header=False)
    common = ["--method", "hard", "--quiet", "--weat-test"]
    assert main(["debias", "--embeddings", str(w2v_txt), "--out", str(tmp_path / "o.txt"), *common]) == 0
    assert (tmp_path / "o.txt").read_text().startswith(f"{len(kv.index_to_key)} 40\n")
    assert main(["debias", "--embeddings", str(glove), "--out", str(tmp_path / "g.txt"), *common]) == 0
    assert load_vectors(tmp_path / "g.txt").format == "glove"
    text_out, glove_out = _gensim(tmp_path / "o.txt"), _gensim(tmp_path / "g.txt", no_header=True)
    assert np.array_equal(text_out.vectors, glove_out.vectors)  # same vectors whatever the file format
    assert main(["debias", "--embeddings", str(glove), "--out", str(tmp_path / "g.bin"), "--out-format",
                 "word2vec-bin", *common]) == 0
    assert np.array_equal(_gensim(tmp_path / "g.bin", binary=True).vectors, glove_out.vectors)
    report = json.loads((tmp_path / "g.report.json").read_text())
    assert report["weat"] == [] and report["reproducibility"]["settings"]["out_format"] == "word2vec-bin"


def test_spacy_input_needs_an_output_format(tmp_path, capsys):
    from spacy.vocab import Vocab

    words, vectors, _ = planted_vectors(n_fillers=50)
    vocab = Vocab()
    for w, v in zip(words, vectors):
        vocab.set_vector(w, v)
    vocab.vectors.to_disk(tmp_path / "vectors")
    args = ["debias", "--embeddings", str(tmp_path / "vectors"), "--method", "hard", "--quiet", "--weat-test"]
    assert main([*args, "--out", str(tmp_path / "o.bin")]) == 2
    assert "--out-format" in capsys.readouterr().err and not (tmp_path / "o.bin").exists()
    assert main([*args, "--out", str(tmp_path / "o.bin"), "--out-format", "word2vec-bin"]) == 0
    assert len(_gensim(tmp_path / "o.bin", binary=True).index_to_key) == len(words)


def test_bad_inputs_exit_2_with_one_line(w2v_bin, tmp_path, capsys):
    out = tmp_path / "o.bin"
    base = ["debias", "--method", "hard", "--out", str(out), "--quiet"]
    assert main([*base, "--embeddings", str(tmp_path / "absent.bin")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "absent.bin" in err and "not found" in err
    truncated = tmp_path / "cut.bin"
    truncated.write_bytes(w2v_bin.read_bytes()[:5000])
    assert main([*base, "--embeddings", str(truncated)]) == 2
    assert "file ends" in capsys.readouterr().err
    not_gzip = tmp_path / "v.bin.gz"
    not_gzip.write_bytes(b"plain bytes")
    assert main([*base, "--embeddings", str(not_gzip)]) == 2
    assert "cannot read the vectors" in capsys.readouterr().err
    bad_list = tmp_path / "pairs.txt"
    bad_list.write_text("she he\nlonely\n", encoding="utf-8")
    assert main([*base, "--embeddings", str(w2v_bin), "--definitional", str(bad_list)]) == 2
    assert f"{bad_list}:2" in capsys.readouterr().err
    assert main([*base, "--embeddings", str(w2v_bin), "--weat-test", "weat99"]) == 2
    assert "unknown WEAT test" in capsys.readouterr().err
    few = tmp_path / "few.txt"
    few.write_text("she he\nabsentword man\n", encoding="utf-8")
    assert main([*base, "--embeddings", str(w2v_bin), "--definitional", str(few)]) == 2
    assert "at least 2 are needed" in capsys.readouterr().err
    assert not out.exists()


def test_inlp_that_removes_every_dimension_says_so(w2v_bin, tmp_path):
    out = tmp_path / "all.bin"
    args = ["debias", "--embeddings", str(w2v_bin), "--method", "inlp", "--out", str(out), "--quiet",
            "--per-class", "300", "--neutral-threshold", "0.1", "--iterations", "16", "--weat-test", "weat7"]
    assert main(args) == 0
    report = json.loads((tmp_path / "all.report.json").read_text())
    assert report["inlp"]["rank_removed"] == 40
    assert not _gensim(out, binary=True).vectors.any()  # exactly zero, not rounding noise
    assert "zero" in report["weat"][0]["after"]["refused"] and report["direction"]["cosine_after_before"] is None
    assert "More than half of the dimensions are gone" in (tmp_path / "all.report.md").read_text()
