"""Write word vectors in the formats :mod:`biasaudit.associations.embeddings` reads (the spaCy folder excepted).

Rows keep the given word order and are float32; files are written atomically (a temporary sibling renamed over
the target), and ``.gz``/``.bz2`` names are compressed without timestamps, so the same vectors give the same bytes.
"""
from __future__ import annotations

import bz2
import gzip
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from biasaudit.errors import UsageError
from biasaudit.report.writers import atomic_writer

WRITABLE_FORMATS = ("word2vec-bin", "word2vec-text", "fasttext", "glove")
_ROWS_PER_WRITE = 4096


@contextmanager
def _compressed(fh, path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0) as gz:
            yield gz
    elif name.endswith(".bz2"):
        with bz2.BZ2File(fh, mode="wb") as bz:
            yield bz
    else:
        yield fh


def _check(words: Sequence[str], vectors: np.ndarray, fmt: str) -> None:
    if fmt not in WRITABLE_FORMATS:
        raise UsageError(f"cannot write {fmt!r} vectors; choose an output format among {', '.join(WRITABLE_FORMATS)}")
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise UsageError(f"need one vector row per word: {len(words)} words, array of shape {vectors.shape}")
    for word in words:
        # A word2vec binary word ends at its first space; no text format can hold a line break in a word.
        if not word or "\n" in word or (fmt == "word2vec-bin" and " " in word):
            raise UsageError(f"the word {word!r} cannot be written in {fmt} format (empty, a line break"
                             + (", or a space" if fmt == "word2vec-bin" else "") + ")")


def _text_line(word: str, row: np.ndarray) -> bytes:
    # 9 significant digits read back to the same float32 (IEEE 754: 9 suffice for single precision).
    return (word + " " + " ".join(f"{x:.9g}" for x in row.tolist()) + "\n").encode("utf-8")


def write_vectors(path: str | Path, words: Sequence[str], vectors: np.ndarray, *, format: str) -> None:
    """Write ``vectors[i]`` as the vector of ``words[i]`` in ``format``: ``word2vec-bin`` (the C tool's layout: a
    "count dim" line, then word, space, little-endian float32s, newline), ``word2vec-text``/``fasttext`` (the same
    header, then one text line per word) or ``glove`` (text lines, no header)."""
    path = Path(path)
    _check(words, vectors, format)
    count, dim = vectors.shape
    with atomic_writer(path, binary=True) as raw, _compressed(raw, path) as fh:
        if format != "glove":
            fh.write(f"{count} {dim}\n".encode())
        for start in range(0, count, _ROWS_PER_WRITE):
            block = np.asarray(vectors[start:start + _ROWS_PER_WRITE], dtype="<f4")
            names = words[start:start + _ROWS_PER_WRITE]
            if format == "word2vec-bin":
                fh.write(b"".join(w.encode("utf-8") + b" " + row.tobytes() + b"\n" for w, row in zip(names, block)))
            else:
                fh.write(b"".join(_text_line(w, row) for w, row in zip(names, block)))
