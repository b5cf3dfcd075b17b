"""Measures of gender bias in word vectors, taken before and after debiasing: DirectBias (Bolukbasi et al. 2016),
projections on the gender direction, and WEAT effect sizes (Caliskan et al. 2017, via biasaudit.associations)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from biasaudit.errors import BiasauditError, InputError
from biasaudit.transforms.word_matrix import WordMatrix


def cosines(matrix: WordMatrix, words: Sequence[str], direction: np.ndarray) -> np.ndarray:
    """cos(w, direction) for each word (0 for a zero vector)."""
    rows = matrix.rows(words).astype(np.float64)
    norms = np.linalg.norm(rows, axis=1)
    unit = direction / np.linalg.norm(direction)
    return np.divide(rows @ unit, norms, out=np.zeros(len(words)), where=norms > 0)


def neutral_words(words: Iterable[str], matrix: WordMatrix, gender_specific: Iterable[str]) -> dict:
    """The words that are in the vectors and not gender-specific (DirectBias's N), with what was left out."""
    specific = set(gender_specific)
    words = list(dict.fromkeys(words))
    return {"words": [w for w in words if w in matrix and w not in specific],
            "gender_specific": [w for w in words if w in specific],
            "missing": [w for w in words if w not in matrix and w not in specific]}


def direct_bias(matrix: WordMatrix, words: Sequence[str], direction: np.ndarray, *, c: float = 1.0) -> float:
    """DirectBias_c = mean over the neutral words w of |cos(w, g)|^c (Bolukbasi et al. 2016, section 5.2)."""
    if not words:
        raise InputError("no neutral word of the list is in the vectors: DirectBias is undefined",
                         field="professions")
    return float(np.mean(np.abs(cosines(matrix, words, direction)) ** c))


def weat_before_after(before: WordMatrix, after: WordMatrix, tests, *, lowercase: bool = False,
                      min_coverage: float = 0.8, permutations: int = 100_000, seed: int = 0) -> list[dict]:
    """WEAT effect size and p-value of each test on both sets of vectors; a test refused for coverage says why."""
    from biasaudit.associations.weat import run_test

    rows = []
    for test in tests:
        row: dict = {"test": test.name, "targets": f"{test.target1_name} vs {test.target2_name}",
                     "attributes": f"{test.attribute1_name} vs {test.attribute2_name}"}
        for name, matrix in (("before", before), ("after", after)):
            try:
                r = run_test(test, matrix.lookup, lowercase=lowercase, min_coverage=min_coverage,
                             permutations=permutations, seed=seed)
            except BiasauditError as err:  # low coverage, or a degenerate test (zero spread of scores)
                row[name] = {"refused": getattr(err, "reason", str(err))}
                continue
            row[name] = {"effect_size": r["effect_size"], "p_value": r["p_value"],
                         "n_permutations": r["n_permutations"],
                         "coverage": min(c["coverage"] for c in r["coverage"].values())}
        rows.append(row)
    return rows
