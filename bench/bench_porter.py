"""Porter stemming speed: NLTK's PorterStemmer against biasaudit.text.porter, compiled and as pure Python.

Words: the distinct letter runs of the Davidson tweets (``re.split('[^a-zA-Z]+', tweet.lower())``), the
open-vocabulary case the hate models meet on real text: each is stemmed once per pass, no cache. Then the Davidson
word block's tokenizing of every tweet (letter runs stemmed through a fresh 200k LRU cache, as
``hate_features.davidson_tokenize`` does) with either stemmer. Implementations alternate within each of
``--repeats`` rounds; the best round counts. Writes bench/results/porter.json; needs the Davidson training CSV.

Run: ``OMP_NUM_THREADS=1 taskset -c 1 python bench/bench_porter.py`` after ``python setup.py build_ext --inplace``.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's biasaudit

import biasaudit.compiled
from biasaudit.analyzers.hate_features import porter_stemmer_class
from biasaudit.text import porter

SHARED = Path(os.environ.get("BIASAUDIT_SHARED", HERE.parents[1] / "shared"))
DATA = SHARED / "data" / "davidson" / "labeled_train.csv"
_NON_LETTER = re.compile("[^a-zA-Z]+")


def _pure_port() -> Callable[[str], str]:
    spec = importlib.util.spec_from_file_location("porter_pure", HERE.parent / "biasaudit/text/porter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.stem


def stem_each(stem: Callable[[str], str], words: list[str]) -> float:
    start = time.perf_counter()
    for word in words:
        stem(word)
    return time.perf_counter() - start


def tokenize_all(stem: Callable[[str], str], tweets: list[str]) -> float:
    cached = lru_cache(maxsize=200_000)(stem)
    start = time.perf_counter()
    for tweet in tweets:
        [cached(t) for t in _NON_LETTER.split(tweet.lower()) if t]
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=str(HERE / "results" / "porter.json"))
    args = ap.parse_args()
    with open(args.data, newline="", encoding="utf-8") as fh:
        tweets = [row["tweet"] for row in csv.DictReader(fh)]
    words = sorted({t for tweet in tweets for t in _NON_LETTER.split(tweet.lower()) if t})

    stemmers = {"nltk": porter_stemmer_class()().stem, "port_pure": _pure_port()}
    state = biasaudit.compiled.status().get("biasaudit.text.porter", "not built")
    if state == "compiled":
        stemmers["port_compiled"] = porter.stem
    expected = [stemmers["nltk"](w) for w in words]
    for name, stem in stemmers.items():
        assert [stem(w) for w in words] == expected, f"{name} differs from NLTK"

    per_word = {name: float("inf") for name in stemmers}
    per_corpus = {name: float("inf") for name in stemmers}
    for _ in range(args.repeats):
        for name, stem in stemmers.items():
            per_word[name] = min(per_word[name], stem_each(stem, words))
            per_corpus[name] = min(per_corpus[name], tokenize_all(stem, tweets))
    us = {name: round(seconds / len(words) * 1e6, 3) for name, seconds in per_word.items()}
    results = {
        "benchmark": "porter", "when": time.strftime("%Y-%m-%d %H:%M"),
        "words": "distinct letter runs of the Davidson training tweets", "n_words": len(words),
        "n_tweets": len(tweets), "repeats": args.repeats, "port_compiled": state,
        "us_per_distinct_word": us,
        "speedup_vs_nltk": {name: round(us["nltk"] / v, 2) for name, v in us.items() if name != "nltk"},
        "tokenize_all_tweets_cold_cache_s": {name: round(s, 4) for name, s in per_corpus.items()},
        "identical_stems": True, "affinity": sorted(os.sched_getaffinity(0)),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"), "load_average": round(os.getloadavg()[0], 2),
        "python": platform.python_version(), "nltk": _nltk_version(),
    }
    for name in stemmers:
        print(f"{name:14} {us[name]:7.3f} us/word   tokenize {len(tweets):,} tweets {per_corpus[name]:.3f} s")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def _nltk_version() -> str:
    from importlib.metadata import version

    return version("nltk")


if __name__ == "__main__":
    main()
