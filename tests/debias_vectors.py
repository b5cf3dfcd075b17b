"""Word vectors built for the debiasing tests: random, plus a planted gender direction, over real debiaswe words.

Female words of the definitional pairs lean +g, male words -g, and each profession leans by its crowd-rated
stereotype score (Bolukbasi et al.'s professions.json: negative = female-stereotyped), so hard debiasing and INLP
have something real to remove.
"""
from __future__ import annotations

import json
import string

import numpy as np

from biasaudit.associations.weat import load_tests
from biasaudit.resources import lexicon_path

DIM = 40


def _json(name: str):
    return json.loads(lexicon_path("debias", name).read_text(encoding="utf-8"))


def planted_vectors(*, n_fillers: int = 1500, dim: int = DIM, seed: int = 0, strength: float = 1.0):
    """(words, float32 vectors, planted unit direction g). Words: definitional and equalize pairs with a few
    Title/UPPER variants, 150 gender-specific words, the professions, the WEAT 6-8 words, letter-only fillers."""
    rng = np.random.default_rng(seed)
    definitional = _json("definitional_pairs.json")
    equalize = _json("equalize_pairs.json")
    specific = sorted(_json("gender_specific_full.json"))
    professions = _json("professions.json")
    weat = sorted({w for t in load_tests(["weat6", "weat7", "weat8"]) for w in t.all_words()})
    variants = ["Spokesman", "Spokeswoman", "HE", "SHE", "Uncle", "Aunt", "KING", "QUEEN"]
    fillers = ["".join(rng.choice(list(string.ascii_lowercase), size=9)) for _ in range(n_fillers)]
    words = list(dict.fromkeys([w for p in definitional + equalize for w in p] + variants
                               + specific[::10] + [p[0] for p in professions] + weat + fillers))
    g = rng.normal(size=dim)
    g /= np.linalg.norm(g)
    lean = {p[0]: -p[2] for p in professions}  # stereotype score: + male-stereotyped -> lean towards -g
    lean.update({a: 1.0 for a, _ in definitional} | {b: -1.0 for _, b in definitional})
    vectors = rng.normal(size=(len(words), dim)) / np.sqrt(dim)
    vectors += strength * np.array([lean.get(w, 0.0) for w in words])[:, None] * g
    vectors *= rng.uniform(0.5, 3.0, size=(len(words), 1))  # unequal norms: the unit-normalising step matters
    return words, vectors.astype(np.float32), g
