"""The hate classifiers' safe on-disk format and fast inference: JSON + ``.npz`` (no pickle), linear scoring.

A model is a list of feature blocks (n-gram vocabularies, POS n-grams, Davidson's 17 features) and a linear
layer. This module loads, saves and scores; it never trains and never reads anything but model.json/weights.npz.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers.hate_fast import FAST_KINDS, FastNgrams, make_block, positions
from biasaudit.errors import InputError

if TYPE_CHECKING:  # scipy.sparse is imported where a matrix is built: the default (kernel) path never needs it
    import scipy.sparse as sp

FORMAT = "biasaudit.hate-linear"
FORMAT_VERSION = 1
MODEL_FILE, WEIGHTS_FILE = "model.json", "weights.npz"
CLASSES = ("hate", "offensive", "neither")
_UNSAFE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".p", ".pt", ".pth", ".bin")
_TAG_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern, as the paper's POS vectorizer

#: Feature block kinds this version can score.
BLOCK_KINDS = ("davidson_words", "pos", "other17", "words", "char_wb")


def block_tokens(block: dict[str, Any], texts: Sequence[str], pos_tags: Sequence[str] | None = None,
                 norm_texts: Sequence[str] | None = None) -> list[list[str]]:
    """The n-gram features of each text for an n-gram ``block`` (the same function serves fit and predict)."""
    lo, hi = block["ngram_range"]
    kind = block["kind"]
    if kind == "davidson_words":
        stop = frozenset(block.get("stop_words", ()))
        return [hf.word_ngrams(hf.davidson_tokenize(hf.davidson_preprocess(t)), lo, hi, stop) for t in texts]
    if kind == "pos":
        if pos_tags is None:
            raise ValueError("this model needs POS tags")
        return [hf.word_ngrams(_TAG_TOKEN.findall(tags), lo, hi) for tags in pos_tags]
    norm_texts = norm_texts if norm_texts is not None else [hf.normalize(t) for t in texts]
    if kind == "words":
        return [hf.word_ngrams(hf.words_of(t), lo, hi) for t in norm_texts]
    if kind == "char_wb":
        return [hf.char_wb_ngrams(t, lo, hi) for t in norm_texts]
    raise ValueError(f"unknown n-gram block kind {kind!r}")


def ngram_matrix(token_lists: list[list[str]], vocab: dict[str, int], idf: np.ndarray | None,
                 sublinear: bool, l2: bool) -> sp.csr_matrix:
    """TF(-IDF) matrix of ``token_lists`` over ``vocab`` (scikit-learn's TfidfVectorizer arithmetic)."""
    get = vocab.get
    flat: list[int] = []
    lengths = np.empty(len(token_lists), dtype=np.int64)
    for i, toks in enumerate(token_lists):
        flat.extend(map(get, toks, repeat(-1, len(toks))))
        lengths[i] = len(toks)
    return ids_matrix(flat, lengths, len(vocab), idf, sublinear, l2)


def ids_matrix(flat: list[int], lengths: np.ndarray, n_features: int, idf: np.ndarray | None, sublinear: bool,
               l2: bool) -> sp.csr_matrix:
    """CSR TF(-IDF) rows from concatenated feature ids (-1: unknown) and the number of ids per row."""
    import scipy.sparse as sp

    ids = np.fromiter(flat, dtype=np.int64, count=len(flat))
    docs = np.repeat(np.arange(len(lengths)), lengths)
    known = ids >= 0
    m = sp.csr_matrix((np.ones(int(known.sum())), (docs[known], ids[known])),
                      shape=(len(lengths), n_features))  # duplicates are summed: term counts
    m.sort_indices()
    return weighted(m, idf, sublinear, l2)


def weighted(m: sp.csr_matrix, idf: np.ndarray | None, sublinear: bool, l2: bool) -> sp.csr_matrix:
    """TF-IDF weighting of a count matrix with sorted indices, in place (scikit-learn's order of operations)."""
    if sublinear:
        np.log(m.data, out=m.data)
        m.data += 1.0
    if idf is not None:
        m.data *= idf[m.indices]
    if l2:
        per_row = np.diff(m.indptr)
        norms = np.sqrt(np.bincount(np.repeat(np.arange(m.shape[0]), per_row), weights=m.data ** 2,
                                    minlength=m.shape[0]))
        norms[norms == 0] = 1.0
        m.data /= np.repeat(norms, per_row)
    return m


class HateLinearModel:
    """A loaded hate/offensive/neither model: ``spec`` (the JSON) and ``arrays`` (from the ``.npz``)."""

    def __init__(self, spec: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        self.spec = spec
        self.arrays = arrays
        self.blocks: list[dict[str, Any]] = spec["blocks"]
        fast = {i: make_block(b) for i, b in enumerate(self.blocks) if b["kind"] in FAST_KINDS}
        self._fast = FastNgrams({i: f for i, f in fast.items() if f is not None})
        self.coef = arrays["coef"]  # (n_features, 3), columns hate, offensive, neither
        self.intercept = arrays["intercept"]
        self._kernel = None  # per block, the compiled kernel's weights, when it scores every block
        if len(self._fast.blocks) == len(self.blocks) and self._fast.kernel_ready():
            self._kernel, start = {}, 0
            for i, b in enumerate(self.blocks):
                idf, n = arrays.get(f"idf_{i}"), len(b["vocabulary"])
                weights = np.empty((n, 4))  # a feature's idf and coef row side by side: one cache line
                weights[:, 0] = 1.0 if idf is None else idf
                weights[:, 1:] = self.coef[start:start + n]
                self._kernel[i] = (weights.ravel(), idf is not None, b.get("sublinear_tf", False),
                                   b.get("norm") == "l2")
                start += n

    @cached_property
    def _vocabs(self) -> list[dict[str, int] | None]:
        """Per block, term -> feature id: the slow path's look-up, built when first needed (hashing ~100k
        vocabulary strings costs ~10 ms a load; the fast blocks read the term lists)."""
        return [positions(b["vocabulary"]) if "vocabulary" in b else None for b in self.blocks]

    @property
    def needs_vader(self) -> bool:
        return any(b["kind"] == "other17" for b in self.blocks)

    @property
    def needs_pos(self) -> bool:
        return any(b["kind"] == "pos" for b in self.blocks)

    def features(self, texts: Sequence[str], vader: np.ndarray | None = None,
                 pos_tags: Sequence[str] | None = None) -> sp.csr_matrix:
        """The model's feature matrix for ``texts`` (``vader``: (n, 4) polarity; ``pos_tags``: tag strings)."""
        import scipy.sparse as sp

        mats = []
        counts = self._fast.counts(texts) if self._fast.blocks else {}
        norm_texts = None
        if any(b["kind"] in ("words", "char_wb") and i not in counts for i, b in enumerate(self.blocks)):
            norm_texts = [hf.normalize(t) for t in texts]
        for i, b in enumerate(self.blocks):
            if b["kind"] == "other17":
                if vader is None:
                    raise ValueError("this model needs VADER polarity")
                cols = np.asarray(b["columns"], dtype=np.int64)
                mats.append(sp.csr_matrix(hf.other_features(texts, vader)[:, cols]))
                continue
            idf = self.arrays.get(f"idf_{i}")
            sub, l2 = b.get("sublinear_tf", False), b.get("norm") == "l2"
            if i in counts:
                mats.append(weighted(counts[i], idf, sub, l2))
                continue
            mats.append(ngram_matrix(block_tokens(b, texts, pos_tags, norm_texts), self._vocabs[i], idf, sub, l2))
        return sp.hstack(mats, format="csr") if len(mats) > 1 else mats[0]

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        return np.asarray(x @ self.coef) + self.intercept

    def proba_from_decision(self, z: np.ndarray) -> np.ndarray:
        """Class probabilities: softmax (multinomial) or normalised sigmoids (one-vs-rest, as liblinear)."""
        if self.spec["link"] == "softmax":
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
        else:
            e = 1.0 / (1.0 + np.exp(-z))
        return e / e.sum(axis=1, keepdims=True)

    def predict_proba(self, texts: Sequence[str], vader: np.ndarray | None = None,
                      pos_tags: Sequence[str] | None = None) -> np.ndarray:
        """``(n, 3)`` probabilities, columns hate, offensive, neither."""
        if not len(texts):
            return np.zeros((0, 3))
        if self._kernel is not None:  # the same numbers without building the feature matrix
            z = self._fast.decisions(texts, self._kernel) + self.intercept
        else:
            z = self.decision(self.features(texts, vader, pos_tags))
        return self.calibrate(self.proba_from_decision(z))

    def calibrate(self, proba: np.ndarray) -> np.ndarray:
        """Map raw probabilities through the stored calibration (multinomial logistic regression on their logs,
        fitted on out-of-fold predictions) when the model has one; class weighting inflates raw ``p_hate``."""
        if "calib_coef" not in self.arrays:
            return proba
        return calibrated(proba, self.arrays["calib_coef"], self.arrays["calib_intercept"])

    def labels(self, proba: np.ndarray) -> np.ndarray:
        """Class index per row: arg-max, or hate when ``p_hate`` reaches the tuned threshold."""
        return decide(proba, self.spec["decision"])

    # --- safe persistence ---------------------------------------------------------------------------------
    def save(self, out_dir: str | Path) -> None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / MODEL_FILE).write_text(json.dumps(self.spec, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
        with open(out / WEIGHTS_FILE, "wb") as fh:  # np.savez with a file handle: no timestamps vary
            np.savez_compressed(fh, **self.arrays)

    @classmethod
    def load(cls, model_dir: str | Path) -> HateLinearModel:
        """Load ``model.json`` + ``weights.npz``; refuse pickles and unknown formats or versions."""
        path = Path(model_dir)
        if path.suffix.lower() in _UNSAFE_SUFFIXES:
            raise InputError(f"refusing to load {path.name!r}: pickle/joblib/torch files can run code; "
                             f"biasaudit models are a folder with {MODEL_FILE} and {WEIGHTS_FILE}", file=str(path))
        if not path.is_dir():
            raise InputError(f"model folder not found (expected a folder with {MODEL_FILE} and {WEIGHTS_FILE})",
                             file=str(path))
        try:
            spec = orjson.loads((path / MODEL_FILE).read_bytes())  # ~4x json's speed on 100k vocabulary strings
        except FileNotFoundError:
            raise InputError(f"no {MODEL_FILE} in the model folder", file=str(path)) from None
        except orjson.JSONDecodeError as err:  # also invalid UTF-8
            raise InputError(f"{MODEL_FILE} is not valid JSON: {err}", file=str(path)) from None
        if not isinstance(spec, dict) or spec.get("format") != FORMAT:
            raise InputError(f"unknown model format {spec.get('format') if isinstance(spec, dict) else None!r}; "
                             f"expected {FORMAT!r}", file=str(path / MODEL_FILE))
        if spec.get("format_version") != FORMAT_VERSION:
            raise InputError(f"unsupported {FORMAT} version {spec.get('format_version')!r}; this biasaudit reads "
                             f"version {FORMAT_VERSION}", file=str(path / MODEL_FILE))
        kinds = [b.get("kind") for b in spec.get("blocks", [])]
        if not kinds or any(k not in BLOCK_KINDS for k in kinds) or spec.get("link") not in ("softmax", "ovr"):
            raise InputError(f"model blocks {kinds} or link {spec.get('link')!r} not understood",
                             file=str(path / MODEL_FILE))
        try:
            with np.load(path / WEIGHTS_FILE, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
        except FileNotFoundError:
            raise InputError(f"no {WEIGHTS_FILE} in the model folder", file=str(path)) from None
        except ValueError as err:  # object arrays need pickle: refused
            raise InputError(f"{WEIGHTS_FILE} cannot be read without pickle: {err}", file=str(path)) from None
        n_feat = sum(len(b["vocabulary"]) if "vocabulary" in b else len(b["columns"]) for b in spec["blocks"])
        if arrays.get("coef") is None or arrays["coef"].shape != (n_feat, 3):
            raise InputError(f"weights do not match the declared features ({n_feat})", file=str(path))
        if "calib_coef" in arrays and (arrays["calib_coef"].shape != (3, 3)
                                       or arrays.get("calib_intercept", np.zeros(0)).shape != (3,)):
            raise InputError("calibration arrays must be 3x3 and 3", file=str(path))
        return cls(spec, arrays)


def calibrated(proba: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Softmax of ``log(proba) @ coef + intercept`` (the calibration map's arithmetic).

    The product is summed explicitly, not by BLAS: a matrix product rounds differently for 1 row than for many
    (gemv vs gemm kernels), so a record's probabilities would depend on its batch.
    """
    logp = np.log(np.clip(proba, 1e-12, 1.0))
    z = (logp[:, :, None] * coef[None, :, :]).sum(axis=1) + intercept
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def decide(proba: np.ndarray, decision: dict[str, Any]) -> np.ndarray:
    """Apply a decision rule (``argmax`` or ``hate_threshold``) to ``(n, 3)`` probabilities."""
    if decision.get("rule") == "hate_threshold":
        lab = np.where(proba[:, 1] >= proba[:, 2], 1, 2)
        lab[proba[:, 0] >= decision["threshold"]] = 0
        return lab
    return proba.argmax(axis=1)


ProbaFn = Callable[[Sequence[str]], np.ndarray]
