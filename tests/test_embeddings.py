"""Embedding readers: every format, written by the test (by hand and by gensim/spaCy), read back exactly."""
import gzip
import hashlib
import struct

import numpy as np
import pytest

from biasaudit.associations.embeddings import detect_format, from_keyed_vectors, load_vectors
from biasaudit.errors import InputError, UsageError

WORDS = ["the", "Apple", "apple", "naïve", "zebra"]
DIM = 4
VECS = np.arange(len(WORDS) * DIM, dtype=np.float32).reshape(len(WORDS), DIM) / 8 - 1  # exact in float32


def _text_lines(header: bool) -> str:
    body = "".join(w + " " + " ".join(repr(float(x)) for x in v) + "\n" for w, v in zip(WORDS, VECS))
    return (f"{len(WORDS)} {DIM}\n" if header else "") + body


def _write_bin(path):
    with open(path, "wb") as fh:  # the word2vec C tool's layout: header, then "word " + float32s + "\n"
        fh.write(f"{len(WORDS)} {DIM}\n".encode())
        fh.writelines(w.encode() + b" " + struct.pack(f"<{DIM}f", *v) + b"\n" for w, v in zip(WORDS, VECS))


def _check_all(emb, fmt):
    assert emb.format == fmt and emb.dim == DIM and emb.vocab_size == len(WORDS)
    assert list(emb) == WORDS
    for w, v in zip(WORDS, VECS):
        np.testing.assert_array_equal(emb[w], v)


@pytest.mark.parametrize("name,fmt,header", [("v.txt", "word2vec-text", True), ("v.vec", "fasttext", True),
                                             ("glove.txt", "glove", False)])
def test_text_formats_are_detected_and_read(tmp_path, name, fmt, header):
    path = tmp_path / name
    path.write_text(_text_lines(header), encoding="utf-8")
    assert detect_format(path) == fmt
    emb = load_vectors(path)
    _check_all(emb, fmt)
    assert emb.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    _check_all(load_vectors(path, format=fmt), fmt)


def test_word2vec_binary_by_hand_and_by_gensim(tmp_path):
    path = tmp_path / "v.bin"
    _write_bin(path)
    assert detect_format(path) == "word2vec-bin"
    _check_all(load_vectors(path), "word2vec-bin")
    gensim = pytest.importorskip("gensim")
    kv = gensim.models.KeyedVectors(DIM)
    kv.add_vectors(WORDS, VECS)
    for binary, fmt in ((True, "word2vec-bin"), (False, "word2vec-text")):
        out = tmp_path / f"gensim_{binary}.w2v"
        kv.save_word2vec_format(str(out), binary=binary)
        assert detect_format(out) == fmt
        _check_all(load_vectors(out), fmt)


def test_compressed_file_and_glove_words_with_spaces(tmp_path):
    path = tmp_path / "glove.txt.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write(_text_lines(False) + ". . . 1.0 2.0 3.0 4.0\n")  # GloVe 840B has tokens with spaces
    emb = load_vectors(path)
    assert emb.format == "glove" and emb.vocab_size == 6
    np.testing.assert_array_equal(emb[". . ."], [1, 2, 3, 4])


def test_only_requested_words_are_kept_and_lowercase_keeps_the_first(tmp_path):
    path = tmp_path / "v.bin"
    _write_bin(path)
    emb = load_vectors(path, words=["APPLE", "zebra", "absent"], lowercase=True)
    assert sorted(emb) == ["apple", "zebra"]
    np.testing.assert_array_equal(emb["apple"], VECS[1])  # "Apple" comes first in the file
    assert emb.vocab_size == 5 and emb.lookup("absent") is None
    cased = load_vectors(path, words=["Apple", "the"])
    assert sorted(cased) == ["Apple", "the"]


def test_spacy_vectors_folder_and_pipeline(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.vocab import Vocab

    vocab = Vocab()
    for w, v in zip(WORDS, VECS):
        vocab.set_vector(w, v)
    vocab.vectors.to_disk(tmp_path / "vectors")
    nlp = spacy.blank("en")
    for w, v in zip(WORDS, VECS):
        nlp.vocab.set_vector(w, v)
    nlp.to_disk(tmp_path / "pipeline")
    for folder in ("vectors", "pipeline"):
        assert detect_format(tmp_path / folder) == "spacy"
        emb = load_vectors(tmp_path / folder, words=WORDS)
        assert emb.format == "spacy" and emb.dim == DIM and sorted(emb) == sorted(WORDS)
        for w, v in zip(WORDS, VECS):
            np.testing.assert_array_equal(emb[w], v)
        assert len(emb.source_sha256) == 64


def test_gensim_objects_in_memory_but_never_kv_paths(tmp_path):
    gensim = pytest.importorskip("gensim")
    kv = gensim.models.KeyedVectors(DIM)
    kv.add_vectors(WORDS, VECS)
    emb = from_keyed_vectors(kv, words=["the", "zebra"])
    assert sorted(emb) == ["the", "zebra"] and emb.format == "gensim"
    np.testing.assert_array_equal(emb["zebra"], VECS[4])
    kv_path = tmp_path / "model.kv"
    kv_path.write_bytes(b"\x80\x04not really loaded")
    with pytest.raises(UsageError, match="pickles"):
        load_vectors(kv_path)


def test_bad_files_name_the_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("2 3\nthe 1 2 3\nbad 1 x 3\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.txt:3: a vector component"):
        load_vectors(bad)
    short = tmp_path / "short.txt"
    short.write_text("the 1 2 3\nshort 1 2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"short.txt:2: expected a word and 3 numbers"):
        load_vectors(short)
    truncated = tmp_path / "t.bin"
    _write_bin(truncated)
    truncated.write_bytes(truncated.read_bytes()[:-10])
    with pytest.raises(InputError, match="ends inside the vector"):
        load_vectors(truncated, format="word2vec-bin")
    with pytest.raises(InputError, match="not found"):
        load_vectors(tmp_path / "missing.vec")
    with pytest.raises(UsageError, match="unknown embeddings format"):
        load_vectors(bad, format="hdf5")
