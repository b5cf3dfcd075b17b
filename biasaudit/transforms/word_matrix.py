"""Word vectors as one matrix (a row per word, file order kept): the shape the debiasing transforms work on."""
from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from biasaudit.associations.embeddings import Embeddings


@dataclass
class WordMatrix:
    """``vectors[i]`` is the vector of ``words[i]``; float32, so a 3M x 300 file stays at 3.6 GB."""

    words: list[str]
    vectors: np.ndarray
    index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but vectors of shape {self.vectors.shape}")
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("words must be unique")

    @classmethod
    def from_embeddings(cls, emb: Embeddings) -> WordMatrix:
        words = list(emb)
        vectors = np.empty((len(words), emb.dim), dtype=np.float32)
        for i, word in enumerate(words):
            vectors[i] = emb[word]
        return cls(words, vectors)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def lookup(self, word: str) -> np.ndarray | None:
        """The vector or None (the ``lookup`` callable that :func:`biasaudit.associations.weat.run_test` takes)."""
        i = self.index.get(word)
        return None if i is None else self.vectors[i]

    def rows(self, words: Sequence[str]) -> np.ndarray:
        return self.vectors[[self.index[w] for w in words]]

    def with_vectors(self, vectors: np.ndarray) -> WordMatrix:
        """Same words (and index), new vectors: the output of a transform."""
        if vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but vectors of shape {vectors.shape}")
        new = copy.copy(self)
        new.vectors = vectors
        return new
