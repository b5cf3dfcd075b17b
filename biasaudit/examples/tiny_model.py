"""A tiny dialogue model built offline, for trying ``biasaudit generate`` and for tests (no download).

The tokenizer is word-level over a corpus's words (lower-cased) with ``\\n`` as the end-of-turn token, so a
causal model learns to write one turn and stop, exactly the prompt format ``generate`` uses (turns joined by
``\\n``, ending with ``\\n``). The model is a 2-layer GPT-2 (``causal``) or a 1-layer T5 (``seq2seq``) with
random weights from ``seed``; ``train_steps`` > 0 then fits the causal model to the corpus's dialogues for a
few seconds on a CPU, so that its responses echo the data it was trained on (the point of Henderson et al.'s
study, in miniature). Nothing here is a useful dialogue model.

    python -m biasaudit.examples.tiny_model tiny-model --train-steps 300
"""
from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path

import orjson

SPECIALS = ("[PAD]", "[UNK]", "\n")
_WORD = re.compile(r"\w+|[^\w\s]+")


def corpus_dialogues(path: str | os.PathLike | None = None) -> list[list[str]]:
    """The turns of each conversation of a dialogue JSONL file (default: the bundled example corpus)."""
    from biasaudit.io import example_path

    path = Path(path) if path is not None else example_path()
    return [[t["text"] for t in orjson.loads(line)["turns"]] for line in path.read_bytes().splitlines()
            if line.strip()]


def build_tokenizer(texts: Sequence[str]):
    """A word-level fast tokenizer over the texts' lower-cased words; ``\\n`` ends a turn (its eos token)."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    words = sorted({w for t in texts for w in _WORD.findall(t.lower())})
    vocab = {tok: i for i, tok in enumerate([*SPECIALS, *words])}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]", unk_token="[UNK]", eos_token="\n",
                                   clean_up_tokenization_spaces=False)


def build_tiny_model(out_dir: str | os.PathLike, *, kind: str = "causal", corpus: str | os.PathLike | None = None,
                     train_steps: int = 0, seed: int = 0) -> Path:
    """Write a tiny model folder (config, tokenizer, model.safetensors) and return its path."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, T5Config, T5ForConditionalGeneration

    if kind not in ("causal", "seq2seq"):
        raise ValueError(f"kind must be causal or seq2seq, not {kind!r}")
    dialogues = corpus_dialogues(corpus)
    tokenizer = build_tokenizer([t for d in dialogues for t in d])
    ids = {name: tokenizer.convert_tokens_to_ids(name) for name in SPECIALS}
    torch.manual_seed(seed)
    if kind == "causal":
        config = GPT2Config(vocab_size=len(tokenizer), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                            bos_token_id=ids["\n"], eos_token_id=ids["\n"], pad_token_id=ids["[PAD]"])
        model = GPT2LMHeadModel(config)
        if train_steps:
            _fit(model, tokenizer, dialogues, train_steps)
    else:
        config = T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=16, d_ff=64, num_layers=1,
                          num_decoder_layers=1, num_heads=2, pad_token_id=ids["[PAD]"], eos_token_id=ids["\n"],
                          decoder_start_token_id=ids["[PAD]"])
        model = T5ForConditionalGeneration(config)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


def _fit(model, tokenizer, dialogues: list[list[str]], steps: int) -> None:
    """Next-token training on whole dialogues (turns joined and ended by ``\\n``), full batch, AdamW."""
    import torch

    enc = tokenizer(["\n".join(d) + "\n" for d in dialogues], return_tensors="pt", padding=True, truncation=True,
                    max_length=model.config.n_positions)
    labels = enc["input_ids"].masked_fill(enc["attention_mask"] == 0, -100)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a model this small trains several times faster on one thread than on two busy ones
    try:
        model.train()
        for _ in range(steps):
            loss = model(**enc, labels=labels).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    finally:
        torch.set_num_threads(threads)
        model.eval()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m biasaudit.examples.tiny_model",
                                     description="Write a tiny word-level dialogue model (for demos and tests).")
    parser.add_argument("out", help="output folder")
    parser.add_argument("--kind", choices=("causal", "seq2seq"), default="causal")
    parser.add_argument("--corpus", default=None, help="dialogue JSONL for the vocabulary and training "
                                                       "(default: the bundled example corpus)")
    parser.add_argument("--train-steps", type=int, default=0, help="fit the causal model to the corpus")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = build_tiny_model(args.out, kind=args.kind, corpus=args.corpus, train_steps=args.train_steps,
                            seed=args.seed)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
