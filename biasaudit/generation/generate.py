"""Generate responses of a local transformers model (causal LM or seq2seq) to dialogue contexts.

Loading is the safe path of ``biasaudit.text.local_transformers``: local files only, safetensors only, no remote
code. Every output line keeps its context id and the decoding settings; a sidecar ``<out>.meta.json`` records
the model's file hashes, library versions, the full generation config and the inputs' sha256. Sampling is
seeded per batch (the same seed and batch size give the same outputs); outputs are written atomically.
"""
from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from biasaudit.errors import InputError, UsageError
from biasaudit.generation.contexts import Context, iter_contexts
from biasaudit.io.records import Rejected, batched_records
from biasaudit.report.writers import atomic_writer, dumps_json
from biasaudit.text.local_transformers import (
    check_weights,
    config_sha256,
    hf_modules,
    load_kwargs,
    weights_sha256,
)

META_FORMAT = "biasaudit.generate/1"
DECODINGS = ("beam", "sample")


@dataclass
class GenerationSettings:
    """How responses are decoded; recorded in every output line (``decoding``) and in the sidecar."""

    decoding: str = "beam"  # beam search (num_beams=1: greedy) or ancestral sampling
    num_beams: int = 5
    temperature: float = 1.0
    top_k: int = 0  # 0: no top-k cut (pure sampling, as Henderson et al.'s stochastic decoding)
    top_p: float = 1.0
    max_new_tokens: int = 40
    seed: int = 0
    batch_size: int = 8
    device: str = "cpu"
    context_turns: int = 3
    turn_separator: str = "\n"
    threads: int | None = None  # torch CPU threads while generating (None: torch's default); outputs do not change

    def validate(self) -> None:
        if self.decoding not in DECODINGS:
            raise UsageError(f"decoding must be one of {', '.join(DECODINGS)}, got {self.decoding!r}")
        for name in ("num_beams", "max_new_tokens", "batch_size", "context_turns", "threads"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise UsageError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.temperature <= 0 or not 0 < self.top_p <= 1 or self.top_k < 0:
            raise UsageError("need temperature > 0, 0 < top_p <= 1 and top_k >= 0")

    def decoding_record(self) -> dict[str, Any]:
        """The settings that shape one response (stored with each output)."""
        keys = ("decoding", "num_beams", "max_new_tokens", "seed") if self.decoding == "beam" else \
            ("decoding", "temperature", "top_k", "top_p", "max_new_tokens", "seed")
        return {k: getattr(self, k) for k in keys}


class LocalGenerator:
    """A local causal-LM or encoder-decoder model that maps prompts to responses, batch by batch."""

    def __init__(self, path: str | os.PathLike, settings: GenerationSettings) -> None:
        self.torch, tf = hf_modules()
        self.path, self.settings = Path(path), settings
        if not self.path.is_dir():
            raise InputError("expected a local model folder (config.json, tokenizer, *.safetensors)",
                             file=str(self.path))
        check_weights(self.path)
        self.config = tf.AutoConfig.from_pretrained(self.path, **load_kwargs())
        self.seq2seq = bool(getattr(self.config, "is_encoder_decoder", False))
        model_class = tf.AutoModelForSeq2SeqLM if self.seq2seq else tf.AutoModelForCausalLM
        self.tokenizer = tf.AutoTokenizer.from_pretrained(self.path, **load_kwargs())
        self.model = model_class.from_pretrained(self.path, use_safetensors=True, **load_kwargs())
        self.model.to(self.torch.device(settings.device)).eval()
        tok = self.tokenizer
        tok.padding_side, tok.truncation_side = ("right" if self.seq2seq else "left"), "left"
        if tok.pad_token_id is None:
            if tok.eos_token_id is None:
                raise InputError("the tokenizer has neither a pad nor an eos token; expected one of them",
                                 file=str(self.path))
            tok.pad_token = tok.eos_token
        self.max_input_tokens = self._max_input_tokens()
        self.generation_config = self._generation_config(tf.GenerationConfig)

    def _max_input_tokens(self) -> int:
        """Room for the prompt: the model's positions minus the new tokens (causal), else the tokenizer's."""
        limits = [n for n in (self.tokenizer.model_max_length,) if isinstance(n, int) and n < 1_000_000]
        if not self.seq2seq:
            positions = getattr(self.config, "max_position_embeddings", None) or getattr(self.config, "n_positions",
                                                                                         None)
            if positions:
                limits.append(int(positions) - self.settings.max_new_tokens)
        limit = min(limits) if limits else 512
        if limit < 1:
            raise UsageError(f"max_new_tokens {self.settings.max_new_tokens} leaves no room for a prompt in this "
                             "model's context window")
        return limit

    def _generation_config(self, config_class):
        s = self.settings
        config = config_class.from_dict(self.model.generation_config.to_dict())
        update: dict[str, Any] = {"max_new_tokens": s.max_new_tokens, "pad_token_id": self.tokenizer.pad_token_id}
        if s.decoding == "beam":
            update.update(do_sample=False, num_beams=s.num_beams, temperature=None, top_k=None, top_p=None)
        else:
            update.update(do_sample=True, num_beams=1, temperature=s.temperature, top_k=s.top_k, top_p=s.top_p)
        if config.eos_token_id is None and self.tokenizer.eos_token_id is not None:
            update["eos_token_id"] = self.tokenizer.eos_token_id
        config.update(**update)
        return config

    def prompt(self, context: Context) -> str:
        sep = self.settings.turn_separator
        text = sep.join(context.turns)
        return text if self.seq2seq else text + sep  # a causal LM continues after the last turn's end

    def __call__(self, prompts: list[str], batch_index: int) -> list[str]:
        torch = self.torch
        enc = self.tokenizer(prompts, return_tensors="pt", padding=True, truncation=True,
                             max_length=self.max_input_tokens).to(self.model.device)
        seed = int(np.random.SeedSequence([self.settings.seed, batch_index]).generate_state(1)[0])
        torch.manual_seed(seed)
        with torch.inference_mode():
            out = self.model.generate(**enc, generation_config=self.generation_config)
        new = out if self.seq2seq else out[:, enc["input_ids"].shape[1]:]
        return [t.strip() for t in self.tokenizer.batch_decode(new, skip_special_tokens=True)]

    def info(self) -> dict[str, Any]:
        torch, tf = hf_modules()
        return {"path": str(self.path), "kind": "seq2seq" if self.seq2seq else "causal",
                "architectures": list(getattr(self.config, "architectures", None) or []),
                "weights_sha256": weights_sha256(self.path),
                "config_sha256": config_sha256(self.path, extra=("generation_config.json",)),
                "max_input_tokens": self.max_input_tokens,
                "generation_config": self.generation_config.to_diff_dict(),
                "versions": {"torch": torch.__version__, "transformers": tf.__version__}}


def generate(model: str | os.PathLike, contexts: str | Sequence[str], out: str | os.PathLike, *,
             format: str = "auto", text_field: str = "text", id_field: str | None = None, dialogue: bool = False,
             limit: int | None = None, progress: bool | None = None, **settings: Any) -> dict[str, Any]:
    """Write one JSONL line per context to ``out`` and ``<out>.meta.json``; return the meta dict.

    ``contexts`` are corpus paths read like ``scan`` reads them (dialogue inputs give one context per turn after
    the first). ``settings`` are the fields of ``GenerationSettings``. ``limit`` caps the contexts generated.
    Rejected input records are counted in the meta and written to ``<out>.rejected.jsonl``.
    """
    from biasaudit import __version__
    from biasaudit.io.readers import ReadStats, iter_records

    unknown = set(settings) - set(GenerationSettings.__dataclass_fields__)
    if unknown:
        raise UsageError(f"unknown generation settings: {', '.join(sorted(unknown))}")
    gen_settings = GenerationSettings(**settings)
    gen_settings.validate()
    if limit is not None and limit < 1:
        raise UsageError(f"limit must be at least 1, got {limit}")
    paths = [contexts] if isinstance(contexts, (str, os.PathLike)) else list(contexts)
    out = Path(out)
    stats = ReadStats()
    records = iter_records([str(p) for p in paths], format=format, text_field=text_field, id_field=id_field,
                           dialogue=dialogue, stats=stats)
    head = list(itertools.islice(records, 1))  # the reader checks every path first: fail before loading a model
    generator = LocalGenerator(model, gen_settings)
    out.parent.mkdir(parents=True, exist_ok=True)
    items = iter_contexts(itertools.chain(head, records), gen_settings.context_turns)
    decoding = gen_settings.decoding_record()
    counts = {"contexts": 0, "rejected": 0}
    reasons: dict[str, int] = {}
    from tqdm import tqdm

    bar = tqdm(disable=not (sys.stderr.isatty() if progress is None else progress), unit=" ctx",
               desc="generating", file=sys.stderr, dynamic_ncols=True)
    with atomic_writer(out, binary=True) as fh, \
            atomic_writer(out.with_name(out.name + ".rejected.jsonl"), binary=True, keep_empty=False) as rej, bar, \
            _torch_threads(generator.torch, gen_settings.threads):

        def reject(item: Rejected) -> None:
            counts["rejected"] += 1
            key = item.reason.split(":")[0][:80]
            reasons[key] = reasons.get(key, 0) + 1
            rej.write(orjson.dumps(item.as_dict()) + b"\n")

        for index, batch in enumerate(batched_records(_capped(items, limit), gen_settings.batch_size, reject)):
            prompts = [generator.prompt(c) for c in batch]
            for context, prompt, response in zip(batch, prompts, generator(prompts, index)):
                fh.write(orjson.dumps({"context_id": context.id, "conversation_id": context.conversation_id,
                                       "turn": context.turn, "source": context.source, "line": context.line,
                                       "prompt": prompt, "response": response, "reference": context.reference,
                                       "decoding": decoding}) + b"\n")
            counts["contexts"] += len(batch)
            bar.update(len(batch))
    meta = {"format": META_FORMAT, "biasaudit": __version__, "model": generator.info(),
            "settings": asdict(gen_settings), "limit": limit,
            "counts": {**counts, "rejected_by_reason": dict(sorted(reasons.items()))},
            "inputs": stats.as_dict()["sources"], "output": str(out)}
    with atomic_writer(out.with_name(out.name + ".meta.json"), binary=True) as fh:
        fh.write(dumps_json(meta) + b"\n")
    return meta


@contextmanager
def _torch_threads(torch, threads: int | None) -> Iterator[None]:
    previous = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _capped(items: Iterator[Context | Rejected], limit: int | None) -> Iterator[Context | Rejected]:
    """At most ``limit`` contexts (rejections pass and do not count)."""
    n = 0
    for item in items:
        if limit is not None and item.__class__ is Context:
            if n >= limit:
                return
            n += 1
        yield item
