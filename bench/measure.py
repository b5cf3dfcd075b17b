"""One measurement in a fresh process: ``python bench/measure.py NAME CORPUS [--limit N]`` prints one JSON line.

Run by bench/run.py, one process per measurement so each peak RSS is that component's own. Throughput counts
the processing loop only; loading a model or lexicon is timed separately as ``load_seconds``.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import islice
from typing import Any

import orjson

BATCH = 1000
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _texts(corpus: str, limit: int | None) -> list[str]:
    with open(corpus, "rb") as fh:
        return [orjson.loads(line)["text"] for line in islice(fh, limit)]


def floor(corpus: str, limit: int | None) -> tuple[float, int, int]:
    """The floor: parse each JSONL line with orjson and tokenise its text with one regex."""
    start = time.perf_counter()
    n = tokens = 0
    with open(corpus, "rb") as fh:
        for line in islice(fh, limit):
            tokens += len(_TOKEN.findall(orjson.loads(line)["text"]))
            n += 1
    return 0.0, n, time.perf_counter() - start


def analyzer(spec: str) -> Callable[[str, int | None], tuple[float, int, float]]:
    def run(corpus: str, limit: int | None) -> tuple[float, int, float]:
        from biasaudit.analyzers.registry import build_many
        from biasaudit.text.batch import TextBatch

        texts = _texts(corpus, limit)
        t0 = time.perf_counter()
        built = build_many(spec.split("+"))
        for a in built:  # load lazily-built models outside the timed loop
            a.analyze_batch(TextBatch(texts[:10]))
        load = time.perf_counter() - t0
        start = time.perf_counter()
        for i in range(0, len(texts), BATCH):
            batch = TextBatch(texts[i:i + BATCH])
            for a in built:
                a.analyze_batch(batch)
        return load, len(texts), time.perf_counter() - start
    return run


def scan(corpus: str, limit: int | None) -> tuple[float, int, float]:
    """The full default scan, end to end: read, score, aggregate, write records and reports."""
    import biasaudit

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        result = biasaudit.scan(corpus, out=out, limit=limit, progress=False)
        return 0.0, result.report["counts"]["scored"], time.perf_counter() - start


def _per_text(corpus: str, limit: int | None, load: Callable[[], Callable[[Any], Any]],
              wrap: Callable[[int, str], Any] = lambda i, t: t) -> tuple[float, int, float]:
    """Time ``load()`` (which returns a per-item scorer), then the scorer over every text (``wrap``ped first)."""
    items = [wrap(i, t) for i, t in enumerate(_texts(corpus, limit))]
    t0 = time.perf_counter()
    score = load()
    loaded = time.perf_counter() - t0
    start = time.perf_counter()
    for item in items:
        score(item)
    return loaded, len(items), time.perf_counter() - start


def vadersentiment(corpus: str, limit: int | None) -> tuple[float, int, float]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return _per_text(corpus, limit, lambda: SentimentIntensityAnalyzer().polarity_scores)


def hatesonar(corpus: str, limit: int | None) -> tuple[float, int, float]:
    """HateSonar (Davidson et al.'s classifier as an ONNX model); needs the en_US.UTF-8 locale."""
    from hatesonar import Sonar

    def load() -> Callable[[str], Any]:
        sonar = Sonar()
        return lambda text: sonar.ping(text=text)

    return _per_text(corpus, limit, load)


def datatrove_gopher(corpus: str, limit: int | None) -> tuple[float, int, float]:
    """datatrove's Gopher quality filter, a typical pre-training filter step, on the same documents."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import GopherQualityFilter

    return _per_text(corpus, limit, lambda: GopherQualityFilter().filter,
                     wrap=lambda i, t: Document(text=t, id=str(i)))


def filter_hook(corpus: str, limit: int | None) -> tuple[float, int, float]:
    """The pre-training filter hook with its default policy (hate classifier, p_hate > 0.5): score + decide."""
    from biasaudit.filtering import FilterHook

    texts = _texts(corpus, limit)
    t0 = time.perf_counter()
    hook = FilterHook()
    hook.score_and_decide(texts[:10])
    load = time.perf_counter() - t0
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        hook.score_and_decide(texts[i:i + BATCH])
    return load, len(texts), time.perf_counter() - start


MEASURES: dict[str, Callable[[str, int | None], tuple[float, int, float]]] = {
    "floor": floor,
    "sentiment": analyzer("sentiment"),
    "linguistic_bias": analyzer("linguistic_bias"),
    "hate": analyzer("hate"),
    "default analyzers": analyzer("sentiment+linguistic_bias+hate"),
    "scan": scan,
    "filter hook": filter_hook,
    "vaderSentiment": vadersentiment,
    "HateSonar": hatesonar,
    "datatrove Gopher filter": datatrove_gopher,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("name", choices=sorted(MEASURES))
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    load, n, seconds = MEASURES[args.name](args.corpus, args.limit)
    with open(args.corpus, "rb") as fh:
        nbytes = sum(len(orjson.loads(line)["text"].encode()) for line in islice(fh, n))
    print(json.dumps({"load_seconds": load, "records": n, "seconds": seconds, "text_mb": nbytes / 1e6,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    sys.exit(main())
