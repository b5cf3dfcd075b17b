"""Hard debiasing of word vectors (Bolukbasi et al. 2016), step for step as the authors' ``debiaswe`` code does it.

1. Unit-normalise every vector.
2. Gender direction g: first principal component (scikit-learn PCA, 10 components) of the rows a - mu, b - mu of
   the definitional pairs, mu = (a + b) / 2.
3. Neutralize: every word not in the gender-specific list loses its component on g, then all rows are
   re-normalised.
4. Equalize: each equalize pair, and its lower-, Title- and UPPER-case variants where both words exist, becomes
   y +- z g with y = the pair mean without its g component and z = sqrt(1 - |y|^2): the two words differ only
   along g and are equidistant from every neutral word.

Arithmetic is float64, stored float32. Departures from the authors' code, none of which changes a result on their
lists: equalize candidates are visited in list order (theirs is a Python set, whose order varies between runs,
which matters only if a word sits in two pairs); a vector that is exactly zero stays zero (they divide by zero).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from biasaudit.errors import InputError
from biasaudit.transforms.word_matrix import WordMatrix

Pair = tuple[str, str]
_CHUNK = 8192  # rows per float64 block: 20 MB at d=300


@dataclass(frozen=True)
class GenderDirection:
    """The unit direction (oriented towards the first word of the pairs) and what defined it."""

    direction: np.ndarray
    explained_variance_ratio: tuple[float, ...]
    pairs_used: tuple[Pair, ...]
    pairs_missing: tuple[Pair, ...]


@dataclass(frozen=True)
class HardDebiasResult:
    matrix: WordMatrix
    direction: GenderDirection
    neutralized: int
    equalized: tuple[Pair, ...]
    equalize_pairs_absent: tuple[Pair, ...]
    zero_vectors: int


def _unit(rows: np.ndarray) -> tuple[np.ndarray, int]:
    """float64 rows scaled to unit length; zero rows stay zero (and are counted)."""
    rows = np.asarray(rows, dtype=np.float64)
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    zero = norms == 0
    return rows / np.where(zero, 1.0, norms), int(zero.sum())


def gender_direction(matrix: WordMatrix, pairs: Sequence[Pair], *, n_components: int = 10) -> GenderDirection:
    """First principal component of the centred, unit-normalised definitional pairs (the authors' ``doPCA``).

    PCA fixes a direction only up to sign: it is flipped to point from the second words towards the first
    (for the shipped pairs: towards woman, she, her), so projections read the same way in every run."""
    from sklearn.decomposition import PCA

    used = tuple(p for p in pairs if p[0] in matrix and p[1] in matrix)
    missing = tuple(p for p in pairs if p not in used)
    if len(used) < 2:
        raise InputError(f"only {len(used)} of the {len(pairs)} definitional pairs have both words in the vectors; "
                         "at least 2 are needed for a gender direction (missing: "
                         f"{', '.join('/'.join(p) for p in missing[:10])})", field="definitional pairs")
    a, _ = _unit(matrix.rows([p[0] for p in used]))
    b, _ = _unit(matrix.rows([p[1] for p in used]))
    centre = (a + b) / 2
    rows = np.stack([a - centre, b - centre], axis=1).reshape(-1, a.shape[1])  # a1, b1, a2, b2, ... as theirs
    if not np.any(rows):
        raise InputError("the two words of every definitional pair have the same direction: there is no gender "
                         "direction to find", field="definitional pairs")
    pca = PCA(n_components=min(n_components, rows.shape[0], rows.shape[1])).fit(rows)
    direction = pca.components_[0] / np.linalg.norm(pca.components_[0])
    if float(((a - b) @ direction).mean()) < 0:
        direction = -direction
    return GenderDirection(direction, tuple(float(x) for x in pca.explained_variance_ratio_), used, missing)


def equalize_candidates(pairs: Iterable[Pair]) -> list[Pair]:
    """Each pair in lower-, Title- and UPPER-case (Python's str.lower/title/upper, as the authors'), in list order
    without repeats."""
    out: dict[Pair, None] = {}
    for a, b in pairs:
        for case in (str.lower, str.title, str.upper):
            out[(case(a), case(b))] = None
    return list(out)


def neutralize(vectors: np.ndarray, direction: np.ndarray, keep: np.ndarray, *,
               progress: bool = False) -> int:
    """In place: unit-normalise every row, remove its component on ``direction`` unless ``keep`` says not to,
    re-normalise. Works in blocks so a large vocabulary needs no float64 copy. Returns the number of zero rows."""
    from tqdm import tqdm

    zero = 0
    starts = range(0, vectors.shape[0], _CHUNK)
    for start in tqdm(starts, desc="neutralize", unit="block", disable=not progress or len(starts) < 2):
        block, _ = _unit(vectors[start:start + _CHUNK])
        proj = block @ direction
        proj[keep[start:start + _CHUNK]] = 0.0
        block, zeros = _unit(block - np.outer(proj, direction))
        zero += zeros
        vectors[start:start + _CHUNK] = block
    return zero


def equalize(matrix: WordMatrix, direction: np.ndarray, pairs: Iterable[Pair]) -> list[Pair]:
    """In place on ``matrix.vectors``: equalize every candidate pair whose two words exist. Returns those pairs."""
    done = []
    for a, b in equalize_candidates(pairs):
        if a not in matrix or b not in matrix:
            continue
        va, vb = (np.asarray(matrix.lookup(w), dtype=np.float64) for w in (a, b))
        mean = (va + vb) / 2
        y = mean - (mean @ direction) * direction
        z = np.sqrt(max(0.0, 1.0 - float(y @ y)))
        if (va - vb) @ direction < 0:
            z = -z
        matrix.vectors[matrix.index[a]] = z * direction + y
        matrix.vectors[matrix.index[b]] = -z * direction + y
        done.append((a, b))
    return done


def hard_debias(matrix: WordMatrix, definitional: Sequence[Pair], equalize_pairs: Sequence[Pair],
                gender_specific: Iterable[str], *, n_components: int = 10, progress: bool = False) -> HardDebiasResult:
    """Hard-debias ``matrix`` (left unchanged); returns the debiased copy with what was done."""
    direction = gender_direction(matrix, definitional, n_components=n_components)
    specific = set(gender_specific)
    keep = np.fromiter((w in specific for w in matrix.words), dtype=bool, count=len(matrix.words))
    out = matrix.with_vectors(matrix.vectors.copy())
    zero = neutralize(out.vectors, direction.direction, keep, progress=progress)
    equalized = equalize(out, direction.direction, equalize_pairs)
    present = {frozenset(p) for p in equalized}
    absent = tuple(p for p in equalize_pairs
                   if not any(frozenset(c) in present for c in equalize_candidates([p])))
    if equalized:  # the authors re-normalise once more; equalized rows are unit already up to rounding
        rows = [out.index[w] for p in equalized for w in p]
        out.vectors[rows], _ = _unit(out.vectors[rows])
    return HardDebiasResult(out, direction, neutralized=int((~keep).sum()), equalized=tuple(equalized),
                            equalize_pairs_absent=absent, zero_vectors=zero)
