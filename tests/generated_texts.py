"""Bench-style generated texts (bench/corpus.py: Zipf-drawn everyday words) for equivalence tests."""
from __future__ import annotations

import importlib.util
import random

from tests.conftest import ROOT


def generated_texts(seed: str, n_chat: int, n_doc: int) -> list[str]:
    """``n_chat`` chat-length lines then ``n_doc`` 50-300-word paragraphs, seeded."""
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    words, weights = corpus.vocabulary()
    rng = random.Random(seed)
    return ([corpus.text(rng, "chat", words, weights) for _ in range(n_chat)]
            + [corpus.text(rng, "doc", words, weights) for _ in range(n_doc)])
