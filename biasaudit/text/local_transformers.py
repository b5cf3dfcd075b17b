"""Load local transformers encoders safely and embed texts with sentence-transformers style pooling.

Shared by the hate classifier's transformers backend and SEAT. Never downloads, never runs remote code, never
unpickles (safetensors only); torch and transformers are imported only when a model is loaded.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.errors import InputError, UsageError
from biasaudit.resources import sha256_file

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib")
CONFIG_FILES = {"config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt",
                 "vocab.json", "merges.txt", "spiece.model", "sentencepiece.bpe.model", "added_tokens.json",
                 "modules.json", "sentence_bert_config.json"}


def hf_modules():
    """torch and transformers, imported on demand so that ``import biasaudit`` never needs them."""
    try:
        import torch
        import transformers
    except ImportError:
        raise UsageError("the transformers backend needs torch and transformers: "
                         "pip install 'biasaudit[transformers]'") from None
    return torch, transformers


def load_kwargs() -> dict[str, Any]:
    return {"local_files_only": True, "trust_remote_code": False}


def check_weights(folder: Path) -> list[Path]:
    """The folder's safetensors files; refuses folders whose weights exist only in pickle-based formats."""
    safe = sorted(folder.glob("*.safetensors"))
    pickled = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if not safe:
        found = f" (found {', '.join(pickled)}: pickle-based, refused)" if pickled else ""
        raise InputError(f"no *.safetensors weights{found}; convert the model to safetensors", file=str(folder))
    return safe


def encoder_settings(encoder_path: str | Path) -> dict[str, Any]:
    """Pooling ("mean", "cls" or "max") and normalisation of a sentence-transformers folder (mean, none if plain)."""
    folder = Path(encoder_path)
    modules_file = folder / "modules.json"
    if not modules_file.exists():
        return {"pooling": "mean", "normalize": False}
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    pooling = "mean"
    for mod in modules:
        if mod.get("type", "").endswith("Pooling"):
            cfg = json.loads((folder / mod.get("path", "") / "config.json").read_text(encoding="utf-8"))
            pooling = ("cls" if cfg.get("pooling_mode_cls_token") else
                       "max" if cfg.get("pooling_mode_max_tokens") else "mean")
    return {"pooling": pooling, "normalize": any(m.get("type", "").endswith("Normalize") for m in modules)}


def weights_sha256(folder: str | Path) -> dict[str, str]:
    """sha256 of each safetensors file of a model folder, by file name."""
    return {p.name: sha256_file(p) for p in check_weights(Path(folder))}


def config_sha256(folder: str | Path, extra: Iterable[str] = ()) -> dict[str, str]:
    """sha256 of the config and tokenizer files present (they change outputs as much as the weights do)."""
    names = CONFIG_FILES | set(extra)
    return {p.name: sha256_file(p) for p in sorted(Path(folder).iterdir()) if p.name in names}


class LocalEncoder:
    """A local transformers encoder with sentence-transformers style pooling."""

    def __init__(self, path: Path, pooling: str, normalize: bool, device: str, max_length: int) -> None:
        torch, tf = hf_modules()
        check_weights(path)
        self.torch, self.pooling, self.normalize = torch, pooling, normalize
        self.device, self.max_length = torch.device(device), max_length
        self.tokenizer = tf.AutoTokenizer.from_pretrained(path, **load_kwargs())
        self.model = tf.AutoModel.from_pretrained(path, use_safetensors=True, **load_kwargs()).to(self.device)
        self.model.eval()

    def __call__(self, texts: list[str]) -> np.ndarray:
        torch = self.torch
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="pt").to(self.device)
        with torch.inference_mode():
            hidden = self.model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        if self.pooling == "cls":
            emb = hidden[:, 0]
        elif self.pooling == "max":
            emb = hidden.masked_fill(mask == 0, float("-inf")).max(dim=1).values
        else:
            emb = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        if self.normalize:
            emb = torch.nn.functional.normalize(emb, p=2, dim=1)
        return emb.float().cpu().numpy().astype(np.float64)


def batched(fn, texts: Sequence[str], batch_size: int, width: int) -> np.ndarray:
    """Apply ``fn`` to batches of texts sorted by length (less padding), results back in input order."""
    texts = ["" if t is None else str(t) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    out = np.zeros((len(texts), width))
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        out[idx] = fn([texts[i] for i in idx])
    return out
