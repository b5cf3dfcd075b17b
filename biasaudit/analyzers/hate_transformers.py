"""Optional transformers backend of the hate analyzer: a local classifier, or a local encoder plus a linear head.

Never downloads, never runs remote code, never unpickles (safetensors only); imports torch only when used.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.errors import InputError, UsageError
from biasaudit.resources import sha256_file
from biasaudit.text.local_transformers import (
    LocalEncoder,
    batched,
    config_sha256,
    encoder_settings,
    hf_modules,
    load_kwargs,
    weights_sha256,
)

LABELS = ("hate", "offensive", "neither")  # column order of predict_proba
HEAD_WEIGHTS, HEAD_META = "hate_head.safetensors", "hate_head.json"
HEAD_FORMAT = "biasaudit.hate-head"
_SYNONYMS = {
    "hate": {"hate", "hate speech", "hateful", "hatespeech"},
    "offensive": {"offensive", "offensive language", "offensive speech", "abusive", "offense"},
    "neither": {"neither", "none", "normal", "neutral", "not offensive", "non offensive", "clean"},
}


def map_labels(id2label: dict[int, str], label_map: dict[str, str] | None = None) -> list[int]:
    """Model output index of hate, offensive and neither, from ``config.id2label`` names (or ``label_map``)."""
    norm = {int(i): re.sub(r"[\s_\-]+", " ", str(name).strip().lower()) for i, name in id2label.items()}
    found: dict[str, int] = {}
    for i, name in norm.items():
        ours = label_map.get(id2label[i]) if label_map else None
        ours = ours or next((lab for lab, names in _SYNONYMS.items() if name in names), None)
        if ours in found:
            raise InputError(f"labels {id2label[found[ours]]!r} and {id2label[i]!r} both mean {ours!r}")
        if ours:
            found[ours] = i
    if len(id2label) != 3 or set(found) != set(LABELS):
        raise InputError(f"cannot map the model's labels {dict(id2label)} to hate/offensive/neither; "
                         "pass label_map={model_label: 'hate'|'offensive'|'neither'}")
    return [found[lab] for lab in LABELS]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class TransformersHateModel:
    """Hate/offensive/neither probabilities from a local model folder, of one of two kinds.

    ``sequence-classification``: a transformers model with 3 labels whose ``id2label`` names map to ours.
    ``encoder+head``: a folder with ``hate_head.safetensors`` and ``hate_head.json`` (see ``train_linear_head``)
    naming its encoder folder; the encoder's weights must still have the sha256 the head was trained on.
    """

    def __init__(self, model_path: str | Path, device: str = "cpu", batch_size: int = 32, max_length: int = 128,
                 *, label_map: dict[str, str] | None = None, encoder_path: str | Path | None = None) -> None:
        self.path = Path(model_path).expanduser().resolve()
        if not self.path.is_dir():
            raise InputError("model folder not found", file=str(model_path))
        if batch_size < 1 or max_length < 2:
            raise UsageError("batch_size must be >= 1 and max_length >= 2")
        self.device, self.batch_size, self.max_length = device, batch_size, max_length
        if (self.path / HEAD_WEIGHTS).exists():
            self._init_head(encoder_path)
        elif (self.path / "config.json").exists():
            self._init_classifier(label_map)
        else:
            raise InputError(f"neither a sequence-classification model (config.json) nor a linear head "
                             f"({HEAD_WEIGHTS})", file=str(self.path))

    def _init_classifier(self, label_map: dict[str, str] | None) -> None:
        torch, tf = hf_modules()
        self.kind, self.encoder_path = "sequence-classification", None
        self._weights = weights_sha256(self.path)
        config = tf.AutoConfig.from_pretrained(self.path, **load_kwargs())
        if getattr(config, "problem_type", None) == "multi_label_classification":
            raise InputError("multi-label models are not hate/offensive/neither classifiers", file=str(self.path))
        self._order = map_labels(config.id2label, label_map)
        self.label_names = {lab: config.id2label[i] for lab, i in zip(LABELS, self._order)}
        self.tokenizer = tf.AutoTokenizer.from_pretrained(self.path, **load_kwargs())
        self.model = tf.AutoModelForSequenceClassification.from_pretrained(
            self.path, use_safetensors=True, **load_kwargs()).to(torch.device(self.device))
        self.model.eval()
        self.pooling, self.normalize = "model", False

    def _init_head(self, encoder_path: str | Path | None) -> None:
        from safetensors.numpy import load_file

        self.kind = "encoder+head"
        meta = json.loads((self.path / HEAD_META).read_text(encoding="utf-8"))
        if meta.get("format") != HEAD_FORMAT or tuple(meta.get("labels", ())) != LABELS:
            raise InputError(f"not a biasaudit hate head (format {HEAD_FORMAT}, labels {list(LABELS)})",
                             file=str(self.path / HEAD_META))
        self.encoder_path = (self.path / (encoder_path or meta["encoder"])).resolve()
        self._weights = weights_sha256(self.encoder_path)
        if self._weights != meta["encoder_sha256"]:
            raise InputError("the encoder's weights differ from those the head was trained on",
                             file=str(self.encoder_path))
        head = load_file(str(self.path / HEAD_WEIGHTS))
        self._w, self._b = head["weight"].astype(np.float64), head["bias"].astype(np.float64)
        if self._w.shape != (3, meta["dim"]) or self._b.shape != (3,):
            raise InputError(f"head weight must be (3, {meta['dim']}) and bias (3,)", file=str(self.path))
        self._weights = self._weights | {HEAD_WEIGHTS: sha256_file(self.path / HEAD_WEIGHTS)}
        self.pooling, self.normalize, self.label_names = meta["pooling"], bool(meta["normalize"]), None
        self._encoder = LocalEncoder(self.encoder_path, self.pooling, self.normalize, self.device, self.max_length)
        self.tokenizer = self._encoder.tokenizer

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, 3)`` probabilities in the order hate, offensive, neither (rows sum to 1)."""
        if self.kind == "encoder+head":
            emb = batched(self._encoder, texts, self.batch_size, self._w.shape[1])
            return _softmax(emb @ self._w.T + self._b)
        return _softmax(batched(self._logits, texts, self.batch_size, 3)[:, self._order])

    def _logits(self, texts: list[str]) -> np.ndarray:
        torch, _ = hf_modules()
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="pt").to(torch.device(self.device))
        with torch.inference_mode():
            return self.model(**enc).logits.float().cpu().numpy().astype(np.float64)

    def info(self) -> dict[str, Any]:
        """What a report needs to reproduce the scores: folder, kind, weight hashes, pooling, casing, length."""
        lower = getattr(self.tokenizer, "do_lower_case", None)
        configs = config_sha256(self.path, extra=(HEAD_META,)) | (config_sha256(self.encoder_path) if self.encoder_path else {})
        return {"path": str(self.path), "kind": self.kind, "sha256": dict(self._weights), "config_sha256": configs,
                "encoder": str(self.encoder_path) if self.encoder_path else None, "pooling": self.pooling,
                "normalize": self.normalize, "casing": {True: "uncased", False: "cased"}.get(lower, "unknown"),
                "max_length": self.max_length, "label_names": self.label_names}


def train_linear_head(encoder_path: str | Path, texts: Sequence[str], labels: Sequence[str | int],
                      out_dir: str | Path, seed: int = 0, *, C: float = 1.0, max_length: int = 128,
                      batch_size: int = 32) -> Path:
    """Encode ``texts`` with a local encoder, fit a multinomial logistic regression, write the head.

    ``labels`` are hate/offensive/neither names or indices 0/1/2; all three must occur. Writes
    ``hate_head.safetensors`` (weight (3, d), bias (3,)) and ``hate_head.json`` into ``out_dir``.
    """
    from safetensors.numpy import save_file
    from sklearn import __version__ as sklearn_version
    from sklearn.linear_model import LogisticRegression

    encoder = Path(encoder_path).expanduser().resolve()
    y = np.array([LABELS.index(v) if isinstance(v, str) and v in LABELS else v for v in labels], dtype=object)
    if len(y) != len(texts) or not all(isinstance(v, (int, np.integer)) and 0 <= v < 3 for v in y):
        raise UsageError("labels must be one of hate/offensive/neither (or 0/1/2), one per text")
    y = y.astype(np.int64)
    if len(set(y.tolist())) != 3:
        raise UsageError("training a head needs examples of all three labels: hate, offensive, neither")
    settings = encoder_settings(encoder)
    embed = LocalEncoder(encoder, settings["pooling"], settings["normalize"], "cpu", max_length)
    dim = int(embed.model.config.hidden_size)
    x = batched(embed, texts, batch_size, dim)
    clf = LogisticRegression(C=C, max_iter=2000, random_state=seed).fit(x, y)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # C order explicitly: scikit-learn's coef_ can be Fortran-ordered and save_file writes the raw buffer.
    save_file({"weight": np.ascontiguousarray(clf.coef_, dtype=np.float32),
               "bias": np.ascontiguousarray(clf.intercept_, dtype=np.float32)},
              str(out / HEAD_WEIGHTS), metadata={"format": HEAD_FORMAT})
    meta = {"format": HEAD_FORMAT, "labels": list(LABELS), "encoder": str(encoder),
            "encoder_sha256": weights_sha256(encoder), "dim": dim, **settings, "max_length": max_length,
            "training": {"n": len(y), "class_counts": np.bincount(y, minlength=3).tolist(), "C": C,
                         "seed": seed, "model": "LogisticRegression (multinomial, lbfgs)",
                         "scikit_learn": sklearn_version}}
    (out / HEAD_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out
