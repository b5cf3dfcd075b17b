"""Read word vectors (word2vec binary/text, GloVe, fastText .vec, spaCy vectors, in-memory gensim KeyedVectors).

Streams files and keeps only the words asked for; never unpickles anything (no gensim ``.kv`` paths) and never
downloads.
"""
from __future__ import annotations

import bz2
import gzip
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import numpy as np

from biasaudit.errors import InputError, UsageError

FORMATS = ("auto", "word2vec-bin", "word2vec-text", "glove", "fasttext", "spacy")
_CHUNK = 1 << 20


class Embeddings(Mapping):
    """word -> float32 vector, with where it came from: ``dim``, ``format``, ``source``, ``source_sha256``
    (of the file's bytes; for spaCy, of the vectors folder) and ``vocab_size`` (words in the source)."""

    def __init__(self, vectors: dict[str, np.ndarray], *, dim: int, format: str, source: str | None,
                 source_sha256: str | None, vocab_size: int) -> None:
        self._vectors, self.dim, self.format = vectors, dim, format
        self.source, self.source_sha256, self.vocab_size = source, source_sha256, vocab_size

    def __getitem__(self, word: str) -> np.ndarray:
        return self._vectors[word]

    def __iter__(self) -> Iterator[str]:
        return iter(self._vectors)

    def __len__(self) -> int:
        return len(self._vectors)

    def lookup(self, word: str) -> np.ndarray | None:
        """The vector or None (the ``lookup`` callable that :func:`weat.run_test` takes)."""
        return self._vectors.get(word)

    def info(self) -> dict:
        return {"source": self.source, "format": self.format, "dim": self.dim, "vocab_size": self.vocab_size,
                "loaded": len(self), "sha256": self.source_sha256}


class _Keeper:
    """Decides which words to keep; lower-cases keys when asked (the first occurrence of a key wins: vector files
    are usually sorted by frequency, so 'apple' beats 'Apple' only when it is the more frequent)."""

    def __init__(self, words: Iterable[str] | None, lowercase: bool) -> None:
        self.lowercase = lowercase
        self.wanted = None if words is None else {w.lower() if lowercase else w for w in words}
        self.vectors: dict[str, np.ndarray] = {}

    def key(self, word: str) -> str | None:
        key = word.lower() if self.lowercase else word
        if key in self.vectors or (self.wanted is not None and key not in self.wanted):
            return None
        return key


def _open_bytes(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def _hashed_chunks(fh, digest) -> Iterator[bytes]:
    for chunk in iter(lambda: fh.read(_CHUNK), b""):
        digest.update(chunk)
        yield chunk


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    rest = b""
    for chunk in chunks:
        parts = (rest + chunk).split(b"\n")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _header(line: bytes) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def detect_format(path: str | Path) -> str:
    """Guess the format from the folder/extension and the first line (a "count dim" header or not)."""
    path = Path(path)
    if path.is_dir():
        return "spacy"
    name = path.name.lower().removesuffix(".gz").removesuffix(".bz2")
    if name.endswith((".kv", ".model", ".pkl")):
        raise UsageError(f"{path}: gensim .kv/.model files are pickles and are never loaded from a path; load "
                         "them yourself and pass the KeyedVectors object to from_keyed_vectors()")
    with _open_bytes(path) as fh:
        head = fh.read(1 << 16)
    first, _, rest = head.partition(b"\n")
    header = _header(first)
    if header is None:
        return "glove"
    if name.endswith(".bin"):
        return "word2vec-bin"
    second = rest.split(b"\n", 1)[0]
    try:
        fields = second.decode("utf-8").rstrip().split(" ")
        [float(x) for x in fields[-header[1]:]]
        text = len(fields) >= header[1] + 1
    except (UnicodeDecodeError, ValueError):
        text = False
    if not text:
        return "word2vec-bin"
    return "fasttext" if name.endswith(".vec") else "word2vec-text"


def load_vectors(path: str | Path, *, format: str = "auto", words: Iterable[str] | None = None,
                 lowercase: bool = False) -> Embeddings:
    """Load vectors from ``path``. ``words`` keeps only those words (memory stays small on big files); None
    loads all. ``lowercase`` lower-cases the file's words (and ``words``) before matching."""
    path = Path(path)
    if format not in FORMATS:
        raise UsageError(f"unknown embeddings format {format!r}; choose one of {', '.join(FORMATS)}")
    if not path.exists():
        raise InputError("embeddings file not found", file=str(path))
    fmt = detect_format(path) if format == "auto" else format
    keeper = _Keeper(words, lowercase)
    if fmt == "spacy":
        return _load_spacy(path, keeper)
    digest = hashlib.sha256()
    with _open_bytes(path) as fh:
        chunks = _hashed_chunks(fh, digest)
        if fmt == "word2vec-bin":
            dim, count = _read_word2vec_bin(chunks, keeper, str(path))
        else:
            dim, count = _read_text(_lines(chunks), keeper, str(path), header=fmt != "glove")
        for _ in chunks:  # hash the whole file even when parsing stopped early
            pass
    return Embeddings(keeper.vectors, dim=dim, format=fmt, source=str(path), source_sha256=digest.hexdigest(),
                      vocab_size=count)


def _read_text(lines: Iterator[bytes], keeper: _Keeper, file: str, *, header: bool) -> tuple[int, int]:
    dim, count, start = None, 0, 1
    if header:
        first = next(lines, b"")
        start = 2
        parsed = _header(first)
        if parsed is None:
            raise InputError("expected a 'count dim' header line (word2vec/fastText text); use --format glove "
                             "for files without one", file=file, line=1)
        dim = parsed[1]
    for lineno, raw in enumerate(lines, start=start):
        line = raw.rstrip(b"\r\n ")
        if not line:
            continue
        if dim is None:  # GloVe: the first line tells the dimension
            dim = len(line.split(b" ")) - 1
            if dim < 1:
                raise InputError("no vector on the first line", file=file, line=lineno)
        count += 1
        # The vector is the last `dim` fields; what precedes is the word (GloVe 840B has words with spaces).
        parts = line.rsplit(b" ", dim)
        if len(parts) != dim + 1:
            raise InputError(f"expected a word and {dim} numbers, got {len(parts) - 1} fields", file=file,
                             line=lineno)
        try:
            word = parts[0].decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("word is not valid UTF-8", file=file, line=lineno) from None
        key = keeper.key(word)
        if key is None:
            continue
        try:
            vec = np.array(parts[1:], dtype=np.float32)
        except ValueError:
            raise InputError("a vector component is not a number", file=file, line=lineno) from None
        keeper.vectors[key] = vec
    return dim or 0, count


def _read_word2vec_bin(chunks: Iterator[bytes], keeper: _Keeper, file: str) -> tuple[int, int]:
    buf = bytearray()
    chunk_iter = iter(chunks)

    def fill(n: int) -> bool:
        while len(buf) < n:
            chunk = next(chunk_iter, None)
            if chunk is None:
                return False
            buf.extend(chunk)
        return True

    fill(1024)
    nl = buf.find(b"\n")
    parsed = _header(bytes(buf[:nl])) if nl >= 0 else None
    if parsed is None:
        raise InputError("expected a 'count dim' header line (word2vec binary)", file=file, line=1)
    count, dim = parsed
    del buf[: nl + 1]
    width = 4 * dim
    for index in range(count):
        while True:
            space = buf.find(b" ")
            if space >= 0:
                break
            if not fill(len(buf) + 1024):
                raise InputError(f"file ends after {index} of the {count} words its header promises", file=file)
        word_bytes = bytes(buf[:space]).lstrip(b"\n")
        if not fill(space + 1 + width):
            raise InputError(f"file ends inside the vector of word {index + 1}", file=file)
        try:
            word = word_bytes.decode("utf-8")
        except UnicodeDecodeError:
            word = word_bytes.decode("utf-8", errors="replace")
        key = keeper.key(word)
        if key is not None:
            keeper.vectors[key] = np.frombuffer(bytes(buf[space + 1: space + 1 + width]), dtype="<f4").copy()
        del buf[: space + 1 + width]
    return dim, count


def _load_spacy(path: Path, keeper: _Keeper) -> Embeddings:
    """A spaCy pipeline folder (uses its vocab/) or a Vectors/Vocab folder, read by spaCy's own from_disk."""
    from spacy.vectors import Vectors

    folder = path / "vocab" if (path / "vocab").is_dir() else path
    if not (folder / "vectors").exists():
        raise InputError("not a spaCy pipeline or vectors folder (no 'vectors' file)", file=str(folder))
    vectors = Vectors().from_disk(folder)
    if vectors.mode != "default":
        raise UsageError(f"{path}: spaCy {vectors.mode!r} vectors (hashed subwords) have no word list; "
                         "only default-mode vectors are supported")
    count = 0
    for key, row in vectors.key2row.items():
        count += 1
        word_key = keeper.key(vectors.strings[key])
        if word_key is not None:
            keeper.vectors[word_key] = np.asarray(vectors.data[row], dtype=np.float32).copy()
    from biasaudit.resources import sha256_tree

    return Embeddings(keeper.vectors, dim=int(vectors.shape[1]), format="spacy", source=str(path),
                      source_sha256=sha256_tree(folder), vocab_size=count)


def from_keyed_vectors(kv, *, words: Iterable[str] | None = None, lowercase: bool = False) -> Embeddings:
    """Wrap an in-memory gensim ``KeyedVectors`` (load a ``.kv`` yourself, if you trust it: it is a pickle)."""
    keeper = _Keeper(words, lowercase)
    for word, index in kv.key_to_index.items():
        key = keeper.key(str(word))
        if key is not None:
            keeper.vectors[key] = np.asarray(kv.vectors[index], dtype=np.float32)
    return Embeddings(keeper.vectors, dim=int(kv.vector_size), format="gensim", source=None, source_sha256=None,
                      vocab_size=len(kv.key_to_index))


def from_mapping(vectors: Mapping[str, np.ndarray], *, lowercase: bool = False) -> Embeddings:
    """Wrap any word -> vector mapping (e.g. vectors computed in memory)."""
    keeper = _Keeper(None, lowercase)
    dim = 0
    for word, vec in vectors.items():
        key = keeper.key(word)
        if key is not None:
            keeper.vectors[key] = np.asarray(vec, dtype=np.float32)
            dim = keeper.vectors[key].shape[0]
    return Embeddings(keeper.vectors, dim=dim, format="mapping", source=None, source_sha256=None,
                      vocab_size=len(vectors))
