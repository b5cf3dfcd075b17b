"""Sentence encoders for SEAT: a local sentence-transformers or transformers folder, with pooling and casing recorded.

Local files only (no download, no remote code, safetensors only); torch is imported only when an encoder is built.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.errors import InputError, UsageError
from biasaudit.text.local_transformers import (
    LocalEncoder,
    batched,
    config_sha256,
    encoder_settings,
    weights_sha256,
)

POOLINGS = ("mean", "cls", "max")


class SentenceEncoder:
    """Sentences -> vectors with a local encoder folder.

    ``pooling=None`` takes the folder's own sentence-transformers pooling (mean for a plain transformers
    folder); ``lowercase`` lowercases sentences before the tokenizer. Both are reported by :meth:`info`, because
    published SEAT numbers moved with exactly these choices.
    """

    def __init__(self, path: str | Path, *, pooling: str | None = None, lowercase: bool = False,
                 batch_size: int = 32, device: str = "cpu", max_length: int = 128) -> None:
        self.path = Path(path).expanduser().resolve()
        if not self.path.is_dir() or not (self.path / "config.json").exists():
            raise InputError("not a transformers model folder (config.json missing)", file=str(path))
        if pooling is not None and pooling not in POOLINGS:
            raise UsageError(f"pooling must be one of {', '.join(POOLINGS)}, got {pooling!r}")
        if batch_size < 1:
            raise UsageError(f"batch_size must be at least 1, got {batch_size}")
        own = encoder_settings(self.path)
        self.pooling = pooling or own["pooling"]
        self.pooling_source = "user" if pooling else ("sentence-transformers config"
                                                      if (self.path / "modules.json").exists() else "default")
        self.normalize, self.lowercase = own["normalize"], lowercase
        self.batch_size, self.device = batch_size, device
        self._encoder = LocalEncoder(self.path, self.pooling, self.normalize, device, max_length)
        self.dim = int(self._encoder.model.config.hidden_size)

    def encode(self, sentences: Sequence[str]) -> np.ndarray:
        """One row per sentence, in order (batched by length to cut padding)."""
        texts = [s.lower() for s in sentences] if self.lowercase else list(sentences)
        return batched(self._encoder, texts, self.batch_size, self.dim)

    def info(self) -> dict[str, Any]:
        weights = weights_sha256(self.path)
        return {"encoder": str(self.path), "encoder_sha256": combined_sha256(weights), "weights_sha256": weights,
                "config_sha256": config_sha256(self.path), "pooling": self.pooling,
                "pooling_source": self.pooling_source, "normalize": self.normalize,
                "casing": {"lowercase_input": self.lowercase,
                           "tokenizer_lowercases": getattr(self._encoder.tokenizer, "do_lower_case", None)},
                "device": self.device, "batch_size": self.batch_size}


def combined_sha256(hashes: dict[str, str]) -> str:
    """The file's own sha256 for a single weights file; otherwise one sha256 over ``name:hash`` lines."""
    if len(hashes) == 1:
        return next(iter(hashes.values()))
    return hashlib.sha256("".join(f"{k}:{v}\n" for k, v in sorted(hashes.items())).encode()).hexdigest()
