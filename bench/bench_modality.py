"""Throughput of the Pattern 2.6 ``modality`` port on synthetic chat-length and paragraph-length English, and of
main's straightforward port (tests/oracles/, the equivalence oracle) timed alternately with it.

Writes bench/results/modality.json; must not be imported by tests (timings belong here, not in assertions).
CPU seconds (``process_time``), best of 3: the machine is shared, and on a quiet core the two clocks agree.
"""
from __future__ import annotations

import json
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "tests")]  # this checkout's biasaudit

from oracles.pattern_en_reference import modality as main_modality

from biasaudit.text.pattern_en import _data, modality

_VOCAB = (
    "the a an this that my our your their his her we you they i he she it people someone everyone nobody "
    "government president company school teacher students doctor report study data evidence fact theory "
    "money jobs city country world market health policy program plan decision problem question opinion "
    "is are was were be been have has had do does did will would could should may might must can "
    "say said think thought believe know known seem seemed suggest claim report show find want hope wish "
    "go went make made take took give gave see look help work need use tell ask leave left "
    "good bad new old big small important possible likely certain real sure major many some several "
    "very really probably perhaps maybe clearly always never often usually almost not n't just also "
    "and but or because if when while although however despite whether of in on at for with by from to "
    "about into over after before"
)
_WORDS = _VOCAB.split()
_NAMES = ("Obama", "Bush", "Google", "London", "Maria", "Congress", "Monday")
_PUNCT = (",", ",", ";", ":")


def _sentence(rng: random.Random, n: int) -> str:
    words = []
    for i in range(n):
        r = rng.random()
        if r < 0.05:
            words.append(rng.choice(_NAMES))
        elif r < 0.07:
            words.append(str(rng.randint(2, 2020)))
        else:
            words.append(rng.choice(_WORDS))
        if i < n - 1 and rng.random() < 0.06:
            words[-1] += rng.choice(_PUNCT)
    words[0] = words[0].capitalize()
    return " ".join(words).replace(" n't", "n't") + rng.choice((".", ".", ".", "?", "!"))


def chat(rng: random.Random) -> str:
    """One 5-15 word message."""
    return _sentence(rng, rng.randint(5, 15))


def paragraph(rng: random.Random) -> str:
    """50-300 words as sentences of 8-30 words (multi-sentence: exercises the fusion quirk)."""
    target, parts, count = rng.randint(50, 300), [], 0
    while count < target:
        n = min(rng.randint(8, 30), max(target - count, 3))
        parts.append(_sentence(rng, n))
        count += n
    return " ".join(parts)


def _measure(texts: list[str], repeats: int = 3) -> dict[str, float]:
    fns: dict[str, Callable[[str], float]] = {"": modality, "main_": main_modality}
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = time.process_time()
            for text in texts:
                fn(text)
            best[name] = min(best[name], time.process_time() - t0)
    words = sum(len(t.split()) for t in texts)
    return {"texts": len(texts), "seconds": round(best[""], 4), "texts_per_s": round(len(texts) / best[""], 1),
            "words_per_s": round(words / best[""], 1),
            "main_texts_per_s": round(len(texts) / best["main_"], 1),
            "speedup_vs_main": round(best["main_"] / best[""], 2)}


def main() -> None:
    t0 = time.perf_counter()
    for loader in (_data.lexicon, _data.morphology, _data.context, _data.entities, _data.verbs):
        loader()
    load_s = time.perf_counter() - t0
    rng = random.Random(20150601)
    chats = [chat(rng) for _ in range(3000)]
    paragraphs = [paragraph(rng) for _ in range(150)]
    modality(chats[0]), main_modality(chats[0])  # warm the rule indexes outside the timing
    result = {
        "what": "biasaudit.text.pattern_en.modality on synthetic English (fixed seed 20150601)",
        "data_load_seconds": round(load_s, 4),
        "chat_5_15_words": _measure(chats),
        "paragraph_50_300_words": _measure(paragraphs),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "note": "CPU seconds, best of 3 runs alternating with main's port; shared machine (2 cores, several "
                "workers), so absolute figures are noisy; per-token caches are warm after the first run",
    }
    out = Path(__file__).resolve().parent / "results" / "modality.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
