"""Iterative Nullspace Projection (INLP; Ravfogel, Elazar, Gonen, Twiton & Goldberg 2020, "Null It Out").

Train a linear classifier to predict the protected attribute, project the data onto the nullspace of its
weights, train again on the projected data, repeat. The final projection is onto the intersection of all the
nullspaces, P = I - P_R(W_1 + ... + W_n) with P_R the projection onto a row space (Ben-Israel's formula, as the
authors' code computes it). For word vectors the paper's set-up is followed (``gender_training_words``): the 150k
first words of the file with no digit or punctuation, the 7,500 most he-like and most she-like by cosine with
he - she, 7,500 neutral words with |cos| < 0.03, three classes, a 70/30 then 70/30 train/dev/test split,
35 iterations of LinearSVC without intercept.
"""
from __future__ import annotations

import string
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from biasaudit.errors import InputError, UsageError
from biasaudit.transforms.word_matrix import WordMatrix

CLASSIFIERS = ("svm", "logistic")
_PUNCT = set(string.punctuation)
_CHUNK = 8192  # rows per float64 block: 20 MB at d=300


def make_classifier(name: str, seed: int):
    """A linear classifier whose ``coef_`` rows span what it uses: the paper's LinearSVC, or logistic regression."""
    if name == "svm":
        from sklearn.svm import LinearSVC

        return LinearSVC(fit_intercept=False, dual=False, random_state=seed)
    if name == "logistic":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(fit_intercept=False, max_iter=2000, random_state=seed)
    raise UsageError(f"unknown classifier {name!r}; choose one of {', '.join(CLASSIFIERS)}")


def _orthonormal_split(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal bases of the column space of ``m`` and of its orthogonal complement (SVD, numerical rank)."""
    u, s, _ = np.linalg.svd(m, full_matrices=True)
    tol = max(m.shape) * np.finfo(np.float64).eps * (s[0] if s.size else 0.0)
    rank = int(np.count_nonzero(s > tol))
    return u[:, :rank], u[:, rank:]


def rowspace_projection(w: np.ndarray) -> np.ndarray:
    """Orthogonal projection onto the row space of ``w`` (zero matrix for an all-zero ``w``)."""
    basis, _ = _orthonormal_split(np.atleast_2d(np.asarray(w, dtype=np.float64)).T)
    return basis @ basis.T


def nullspace_intersection(rowspace_projections: Sequence[np.ndarray], dim: int) -> np.ndarray:
    """Projection onto the intersection of the nullspaces, I - P_R(sum of the row-space projections) (Ben-Israel;
    the authors' formula), built from a basis of that intersection so that it is exactly zero when nothing is left."""
    if not rowspace_projections:
        return np.eye(dim)
    _, null = _orthonormal_split(np.sum(rowspace_projections, axis=0))
    return null @ null.T


class INLP:
    """Fit the debiasing projection on labelled vectors; ``transform`` applies it (x -> P x; P is symmetric).

    Attributes after ``fit``: ``projection_`` (d x d), ``weights_`` (one coef_ per iteration kept),
    ``iterations_`` (dev accuracy, rank removed so far, whether the solver converged)."""

    def __init__(self, n_iterations: int = 35, *, classifier: str = "svm", seed: int = 0,
                 min_accuracy: float = 0.0, progress: bool = False) -> None:
        if n_iterations < 1:
            raise UsageError(f"INLP needs at least 1 iteration, got {n_iterations}")
        make_classifier(classifier, seed)  # validate the name now
        self.n_iterations, self.classifier, self.seed = n_iterations, classifier, seed
        self.min_accuracy, self.progress = min_accuracy, progress

    def fit(self, x_train: np.ndarray, y_train: np.ndarray, x_dev: np.ndarray, y_dev: np.ndarray) -> INLP:
        from sklearn.exceptions import ConvergenceWarning
        from tqdm import tqdm

        x_train, x_dev = (np.asarray(x, dtype=np.float64) for x in (x_train, x_dev))
        dim = x_train.shape[1]
        rowspaces, self.weights_, self.iterations_ = [], [], []
        p = np.eye(dim)
        bar = tqdm(range(self.n_iterations), desc="INLP", unit="iteration", disable=not self.progress)
        for i in bar:
            clf = make_classifier(self.classifier, self.seed)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                clf.fit(x_train @ p, y_train)
            accuracy = float(clf.score(x_dev @ p, y_dev))
            converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
            bar.set_postfix(dev_accuracy=f"{accuracy:.3f}")
            kept = accuracy >= self.min_accuracy
            if kept:
                self.weights_.append(clf.coef_.copy())
                rowspaces.append(rowspace_projection(clf.coef_))
                # Project the original data onto the intersection found so far (the authors' stable form).
                p = nullspace_intersection(rowspaces, dim)
            self.iterations_.append({"iteration": i + 1, "dev_accuracy": accuracy, "kept": kept,
                                     "converged": converged, "rank_removed": round(dim - np.trace(p))})
        self.projection_ = p
        return self

    def transform(self, vectors: np.ndarray) -> np.ndarray:
        """P x for every row, float32, in blocks (a large vocabulary needs no float64 copy)."""
        out = np.empty(vectors.shape, dtype=np.float32)
        for start in range(0, vectors.shape[0], _CHUNK):
            out[start:start + _CHUNK] = np.asarray(vectors[start:start + _CHUNK], dtype=np.float64) @ self.projection_
        return out


def plain_token(word: str) -> bool:
    """The paper's vocabulary filter: shorter than 20 characters, no digit, no punctuation except ``_`` joining
    punctuation-free parts."""
    if len(word) >= 20 or any(c.isdigit() for c in word):
        return False
    return not any(c in _PUNCT for c in word.replace("_", ""))


@dataclass(frozen=True)
class TrainingWords:
    """INLP's labelled words: class 0 = like the first word of the pair, 1 = like the second, 2 = neutral."""

    words: tuple[str, ...]
    labels: np.ndarray
    class_names: tuple[str, str, str]
    info: dict = field(default_factory=dict)


def gender_training_words(matrix: WordMatrix, *, pair: tuple[str, str] = ("he", "she"), n_per_class: int = 7500,
                          neutral_threshold: float = 0.03, max_vocab: int = 150_000,
                          seed: int = 0) -> TrainingWords:
    """The paper's selection: words most like each end of ``pair`` by cosine with (first - second), and neutral
    words (|cos| < ``neutral_threshold``) sampled with ``seed``, from the first ``max_vocab`` plain words."""
    missing = [w for w in pair if w not in matrix]
    if missing:
        raise InputError(f"the direction words {', '.join(missing)} are not in the vectors", field="inlp pair")
    pool = [i for i, w in enumerate(matrix.words) if plain_token(w)][:max_vocab]
    direction = matrix.lookup(pair[0]).astype(np.float64) - matrix.lookup(pair[1])
    direction /= np.linalg.norm(direction)
    cos = np.zeros(len(pool))
    for start in range(0, len(pool), _CHUNK):
        vecs = matrix.vectors[pool[start:start + _CHUNK]].astype(np.float64)
        norms = np.linalg.norm(vecs, axis=1)
        np.divide(vecs @ direction, norms, out=cos[start:start + _CHUNK], where=norms > 0)
    n = min(n_per_class, len(pool) // 3)
    if n < 2:
        raise InputError(f"only {len(pool)} plain words in the vectors: too few to train INLP", field="inlp")
    order = np.argsort(-cos, kind="stable")
    first, second = order[:n], order[::-1][:n]
    taken = np.zeros(len(pool), dtype=bool)
    taken[first] = taken[second] = True
    neutral_candidates = np.flatnonzero((np.abs(cos) < neutral_threshold) & ~taken)
    rng = np.random.default_rng(seed)
    neutral = np.sort(rng.choice(neutral_candidates, size=min(n, neutral_candidates.size), replace=False))
    chosen = np.concatenate([first, second, neutral])
    labels = np.repeat([0, 1, 2], [len(first), len(second), len(neutral)])
    info = {"pair": list(pair), "pool": len(pool), "max_vocab": max_vocab, "n_per_class_asked": n_per_class,
            "per_class": {pair[0]: len(first), pair[1]: len(second), "neutral": len(neutral)},
            "neutral_threshold": neutral_threshold, "neutral_candidates": int(neutral_candidates.size),
            "least_extreme_cosine": {pair[0]: float(cos[first[-1]]), pair[1]: float(cos[second[-1]])}}
    return TrainingWords(tuple(matrix.words[pool[i]] for i in chosen), labels,
                         (pair[0], pair[1], "neutral"), info)


@dataclass(frozen=True)
class INLPResult:
    matrix: WordMatrix
    model: INLP
    training: TrainingWords
    split: dict
    test_accuracy: dict


def inlp_debias(matrix: WordMatrix, *, pair: tuple[str, str] = ("he", "she"), n_iterations: int = 35,
                classifier: str = "svm", n_per_class: int = 7500, neutral_threshold: float = 0.03,
                max_vocab: int = 150_000, seed: int = 0, progress: bool = False) -> INLPResult:
    """Select the training words, split them (test 30%, then dev 30% of the rest), fit INLP on train/dev, measure
    a fresh classifier on the held-out test words before and after, and project every vector."""
    from sklearn.model_selection import train_test_split

    training = gender_training_words(matrix, pair=pair, n_per_class=n_per_class,
                                     neutral_threshold=neutral_threshold, max_vocab=max_vocab, seed=seed)
    x = matrix.rows(training.words).astype(np.float64)
    x_rest, x_test, y_rest, y_test = train_test_split(x, training.labels, test_size=0.3, random_state=seed)
    x_train, x_dev, y_train, y_dev = train_test_split(x_rest, y_rest, test_size=0.3, random_state=seed)
    model = INLP(n_iterations, classifier=classifier, seed=seed, progress=progress).fit(x_train, y_train, x_dev,
                                                                                          y_dev)

    def held_out(p: np.ndarray) -> float:
        return float(make_classifier(classifier, seed).fit(x_train @ p, y_train).score(x_test @ p, y_test))

    majority = float(np.bincount(y_test).max() / y_test.size)
    test_accuracy = {"before": held_out(np.eye(x.shape[1])), "after": held_out(model.projection_),
                     "majority_class": majority}
    split = {"train": int(y_train.size), "dev": int(y_dev.size), "test": int(y_test.size),
             "dev_majority_class": float(np.bincount(y_dev).max() / y_dev.size)}
    return INLPResult(matrix.with_vectors(model.transform(matrix.vectors)), model, training, split, test_accuracy)
