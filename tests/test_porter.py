"""biasaudit.text.porter gives NLTK's PorterStemmer stems (the oracle, NLTK_EXTENSIONS mode) for every word tried.

Words: real vocabularies (the Davidson tweets' letter runs, Pattern's lexicon and verb table, VADER's lexicon, the
bench corpus), every short string, ~200k generated suffix-heavy strings, case variants, non-ASCII and edge cases.
Each runs through the compiled build (when built; test_compiled.py covers the build itself) and through the
module's .py source run by the interpreter.
"""
from __future__ import annotations

import csv
import importlib.machinery
import importlib.util
import itertools
import os
import random
import re
import string
import sys
from functools import cache, lru_cache

import pytest
from conftest import ROOT, shared_path
from nltk.stem.porter import PorterStemmer

import biasaudit.compiled
from biasaudit.text import porter

# The suffixes of Porter's rules (and NLTK's additions), the pieces generated words are built from.
SUFFIXES = ("ational", "tional", "enci", "anci", "izer", "bli", "abli", "alli", "entli", "eli", "ousli", "fulli",
            "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti", "biliti",
            "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance", "ence", "er", "ic",
            "able", "ible", "ant", "ement", "ment", "ent", "ion", "sion", "tion", "ou", "ism", "ate", "iti", "ous",
            "ive", "ize", "sses", "ies", "ied", "ss", "s", "eed", "ed", "ing", "ly", "e", "ll", "y", "at", "bl",
            "iz")
PREFIXES = ("", "", "", "un", "re", "in", "dis", "over", "pre", "y", "s")
# Stems: mostly letters that matter to the rules (vowels, y, the doubled and *o-excluded consonants).
STEM_LETTERS = "aeiouyybcdfghlmnprsttvwxz"
EDGE = ["", " ", "-", "*d", "a*ded", "x*ding", "ab*ded", "y", "yy", "yyy", "y" * 40 + "ing", "Y" * 9,
        "\u0130", "\u0130\u0130", "\u0130s", "A\u0130s", "\u0130ies", "\u0130\u0130\u0130", "stra\u00dfe", "STRASSE", "caf\u00e9s",
        "na\u00efvely", "\u03a3\u038a\u03a3\u03a5\u03a6\u039f\u03a3", "\ufb02ies", "\u01c5ied", "\U0001f600ing",
        "12345", "a1s", "ing", "ies", "sses", "eed", "ied", "alli", "logi", "ational", "a" * 500 + "ational"]
IRREGULAR = ["sky", "skies", "dying", "lying", "tying", "news", "innings", "inning", "outings", "outing",
             "cannings", "canning", "howe", "proceed", "exceed", "succeed", "Skies", "DYING", "proceeding",
             "exceeds", "succeeded", "newsy", "skying"]


@lru_cache(maxsize=1)
def _pure():
    """porter.py loaded from source, run by the interpreter whether or not the compiled build serves."""
    spec = importlib.util.spec_from_file_location("porter_pure", ROOT / "biasaudit/text/porter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _implementation(kind: str):
    if kind == "pure":
        return _pure()
    status = biasaudit.compiled.status()
    state = status.get("biasaudit.text.porter", str(status))
    if state != "compiled":
        message = f"biasaudit.text.porter is {state}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (build it: `python setup.py build_ext --inplace`)")
    assert porter.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
    return porter


def _letter_runs() -> list[str]:
    runs: set[str] = set()
    with open(shared_path("data", "davidson", "labeled_train.csv"), newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            runs.update(re.split("[^a-zA-Z]+", row["tweet"].lower()))
    return sorted(runs)


def _lexicon() -> list[str]:
    with open(shared_path("data", "pattern_en", "en-lexicon.txt"), encoding="utf-8") as fh:
        words = {fields[0] for line in fh if (fields := line.split())}
    return sorted(words | {w.lower() for w in words})


def _verbs() -> list[str]:
    with open(shared_path("data", "pattern_en", "en-verbs.txt"), encoding="utf-8") as fh:
        return sorted({w for line in fh if not line.startswith(";") for w in line.strip().split(",") if w})


def _vader() -> list[str]:
    from biasaudit.text.fast_vader import vader_module

    return sorted(vader_module().SentimentIntensityAnalyzer().lexicon)


def _bench() -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from corpus import vocabulary
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return sorted(set(vocabulary()[0]))


def _short() -> list[str]:
    """Every string of 1-3 letters a-z, each also with a "y" after it, and 4 letters over the rules' letters."""
    words = ["".join(t) for k in (1, 2, 3) for t in itertools.product(string.ascii_lowercase, repeat=k)]
    return words + [w + "y" for w in words] + ["".join(t) for t in itertools.product("aeiylstdz", repeat=4)]


def _generated(n: int = 200_000, seed: int = 11) -> list[str]:
    """Random stems with 1-3 of the rules' suffixes (and a prefix now and then); every 8th upper or mixed case."""
    rng = random.Random(seed)
    words = []
    for i in range(n):
        stem = "".join(rng.choice(STEM_LETTERS) for _ in range(rng.randint(0, 6)))
        if rng.random() < 0.01:
            stem += "*"  # reaches NLTK's "*d" pseudo-suffix (see porter.py)
        word = rng.choice(PREFIXES) + stem + "".join(rng.choice(SUFFIXES) for _ in range(rng.randint(1, 3)))
        if i % 8 == 0:
            word = word.upper() if i % 16 == 0 else "".join(c.upper() if rng.random() < 0.5 else c for c in word)
        words.append(word)
    return words


SOURCES = {"tweet letter runs": _letter_runs, "pattern lexicon": _lexicon, "pattern verbs": _verbs,
           "vader lexicon": _vader, "bench vocabulary": _bench, "short strings": _short, "generated": _generated,
           "edge cases": lambda: EDGE, "irregular forms": lambda: IRREGULAR}
#: At least this many distinct words per source: the file was read whole.
LEAST = {"tweet letter runs": 30_000, "pattern lexicon": 110_000, "pattern verbs": 30_000, "vader lexicon": 7_000,
         "bench vocabulary": 5_000, "short strings": 40_000, "generated": 150_000}


@cache
def _expected(source: str) -> tuple[list[str], list[str]]:
    """The source's words and NLTK's stems of them."""
    words = SOURCES[source]()
    assert len(set(words)) >= LEAST.get(source, 1)
    oracle = PorterStemmer()  # mode NLTK_EXTENSIONS, to_lowercase=True: what the models used in 2017
    return words, [oracle.stem(w) for w in words]


@pytest.mark.parametrize("kind", ["compiled", "pure"])
@pytest.mark.parametrize("source", list(SOURCES))
def test_stems_equal_nltks(source, kind):
    implementation = _implementation(kind)
    words, expected = _expected(source)
    stems = [implementation.stem(w) for w in words]
    differ = [(w, s, e) for w, s, e in zip(words, stems, expected) if s != e]
    assert not differ, f"{len(differ)} of {len(words)} differ, e.g. (word, ours, NLTK's): {differ[:10]}"


def test_generated_words_reach_every_rule():
    """The generated words are stemmed by every suffix rule of steps 2-4 (checked on the rule tables)."""
    words = {w.lower() for w in _generated()}
    tables = [_pure()._STEP2, _pure()._STEP3, _pure()._STEP4]  # cdef globals when compiled
    suffixes = {rule.suffix for table in tables for group in table.values() for rule in group}
    reached = {s for s in suffixes if sum(w.endswith(s) for w in words) >= 100}
    assert reached == suffixes


def test_the_hate_models_stem_with_the_port():
    from biasaudit.analyzers import hate_features as hf

    assert hf._stemmer().__wrapped__ is porter.stem
    assert hf.davidson_tokenize("Relational Ponies caresses") == ["relat", "poni", "caress"]
