"""SEAT (May et al. 2019): WEAT on sentence encoders, with sentences from bleached templates or a sent-bias file.

Builds sentence sets and runs the WEAT statistics on encoded sentences; it never ships or rewrites May et al.'s files.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from biasaudit.associations import weat
from biasaudit.errors import InputError, UsageError
from biasaudit.resources import lexicon_path, sha256_file

SET_KEYS = ("targ1", "targ2", "attr1", "attr2")  # May et al.'s field names, in X, Y, A, B order
CALISKAN_TESTS = tuple(f"seat{i}" for i in range(1, 11))


@dataclass(frozen=True)
class SentenceSet:
    name: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class SeatTest:
    """Targets X, Y and attributes A, B as sentence sets; ``source`` says where they came from."""

    name: str
    sets: tuple[SentenceSet, SentenceSet, SentenceSet, SentenceSet]
    source: str


@cache
def templates() -> dict[str, tuple[str, ...]]:
    """The shipped bleached templates: ``word`` (any word) and ``person`` (first names)."""
    data = json.loads(lexicon_path("seat", "templates.json").read_text(encoding="utf-8"))
    return {kind: tuple(data[kind]) for kind in ("word", "person")}


def template_kind(words: Sequence[str]) -> str:
    """``person`` for a list of names (every entry capitalised), else ``word``."""
    return "person" if words and all(w[:1].isupper() for w in words) else "word"


def fill(words: Sequence[str], kind: str | None = None) -> tuple[str, ...]:
    """Every word in every template of its kind (word-major order)."""
    forms = templates()[kind or template_kind(words)]
    return tuple(t.format(w) for w in words for t in forms)


def from_weat(test: Any) -> SeatTest:
    """The SEAT version of a WEAT word test: each word list slotted into the shipped templates."""
    sets = tuple(SentenceSet(name, fill(words)) for name, words in test.word_sets().values())
    return SeatTest(test.name.replace("weat", "seat", 1), sets, "templates:" + test.name)


def caliskan_tests(names: Sequence[str] | None = None) -> list[SeatTest]:
    """SEAT 1-10 from the shipped Caliskan WEAT lists (``names`` like ``seat3``; None = all ten)."""
    wanted = list(CALISKAN_TESTS if names is None else names)
    unknown = [n for n in wanted if n not in CALISKAN_TESTS]
    if unknown:
        raise UsageError(f"unknown SEAT test(s) {', '.join(unknown)}; available: {', '.join(CALISKAN_TESTS)}, all")
    return [from_weat(t) for t in weat.load_tests([n.replace("seat", "weat", 1) for n in wanted])]


def read_sent_bias(path: str | Path) -> SeatTest:
    """A test in May et al.'s format: one JSON object {targ1, targ2, attr1, attr2: {category, examples}}."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("test file not found", file=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"not a JSON object ({err})", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("expected one JSON object with targ1, targ2, attr1, attr2", file=str(path))
    sets = []
    for key in SET_KEYS:
        part = data.get(key)
        examples = part.get("examples") if isinstance(part, dict) else None
        if not isinstance(examples, list) or not examples or not all(isinstance(e, str) for e in examples):
            raise InputError("needs {category, examples: [non-empty list of strings]}", file=str(path), field=key)
        sets.append(SentenceSet(str(part.get("category", key)), tuple(examples)))
    name = path.name.removesuffix(".jsonl").removesuffix(".json")
    return SeatTest(name, tuple(sets), f"file:{path.name}:sha256={sha256_file(path.resolve())}")


def run_seat(test: SeatTest, encode: Callable[[Sequence[str]], np.ndarray], *, permutations: int = 100_000,
             seed: int = 0, ddof: int = 1, exact_max: int = weat.EXACT_MAX) -> dict[str, Any]:
    """Effect size and one-sided permutation p-value of one test; every distinct sentence is encoded once."""
    unique = sorted({s for part in test.sets for s in part.sentences})
    vectors = dict(zip(unique, encode(unique)))
    X, Y, A, B = (np.stack([vectors[s] for s in part.sentences]) for part in test.sets)
    s_x, s_y = weat.association(X, A, B), weat.association(Y, A, B)
    p, n_perm = weat.p_value_from_scores(s_x, s_y, permutations=permutations, seed=seed, exact_max=exact_max)
    return {"test": test.name, "source": test.source,
            "targets": [test.sets[0].name, test.sets[1].name],
            "attributes": [test.sets[2].name, test.sets[3].name],
            "n_sentences": [len(part.sentences) for part in test.sets],
            "effect_size": weat.effect_size_from_scores(s_x, s_y, ddof=ddof), "ddof": ddof,
            "p_value": p, "n_permutations": n_perm, "seed": seed}


def run_seat_tests(encoder_path: str | Path, *, tests: Sequence[str] | None = None,
                   test_files: Sequence[str | Path] = (), pooling: str | None = None, lowercase: bool = False,
                   batch_size: int = 32, device: str = "cpu", permutations: int = 100_000, seed: int = 0,
                   ddof: int = 1) -> list[dict[str, Any]]:
    """Run SEAT tests (shipped ``seat1``..``seat10`` by name and/or sent-bias files) on one local encoder.

    Each result carries the encoder's path, weights sha256, pooling and casing. ``tests=None`` with no files
    runs all ten Caliskan tests.
    """
    from biasaudit.associations.encoders import SentenceEncoder

    chosen = [read_sent_bias(f) for f in test_files]
    if tests is not None or not chosen:
        names = None if tests is None or list(tests) == ["all"] else list(tests)
        chosen = caliskan_tests(names) + chosen
    encoder = SentenceEncoder(encoder_path, pooling=pooling, lowercase=lowercase, batch_size=batch_size,
                              device=device)
    meta = encoder.info()
    keep = ("encoder", "encoder_sha256", "pooling", "pooling_source", "normalize", "casing")
    return [{**run_seat(t, encoder.encode, permutations=permutations, seed=seed, ddof=ddof),
             **{k: meta[k] for k in keep}} for t in chosen]
