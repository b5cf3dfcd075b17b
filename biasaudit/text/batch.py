"""A batch of texts plus a cache of work shared between analyzers (tokens, VADER scores, ...).

Computing a shared artifact once per batch is how a multi-analyzer scan stays cheap; nothing here scores.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


class TextBatch:
    """The texts of one batch, in order, and ``shared()``: memoised per-batch computations.

    Two analyzers that need the same thing (e.g. VADER polarity for the sentiment columns and for the
    bias score) ask for it under the same key and the work is done once.
    """

    __slots__ = ("_shared", "texts")

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts: list[str] = list(texts)
        self._shared: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def shared(self, key: str, compute: Callable[[list[str]], Any]) -> Any:
        """Return ``compute(self.texts)``, computed at most once per batch for ``key``."""
        try:
            return self._shared[key]
        except KeyError:
            value = self._shared[key] = compute(self.texts)
            return value
