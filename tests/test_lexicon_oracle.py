"""The linguistic-bias word-list features against an independent oracle written from the spec
(shared/specs/hutto2015.md §4.2 and §4.4), not from ``LexiconMatcher``:

- a reference list counts ``#{tokens w (with repetition) : w in lst} + #{distinct bigrams in lst} +
  #{distinct trigrams in lst}``, lists read as ``open(f).read().lower().split('\\n')``;
- a LIWC list counts, per token, ``w in lst`` plus one for every entry ``lw`` ending in ``*`` with
  ``w.startswith(lw)`` (the 2015 bug: the ``*`` stays in) or, with ``liwc_wildcards="prefix"``, with
  ``w.startswith(lw[:-1])`` (the 2018 fix);
- each feature is ``round(count / word_cnt, 4)`` as Python 2 rounds (exact binary value, ties away from zero;
  spec §5 item 7).

The oracle reads the shipped list files itself and counts with plain loops over the analyzer's own reference
tokens (the tokeniser has its own NLTK oracle tests), then compares the analyzer's public ``*_rto`` columns.
"""
from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from test_fast_paths_equivalence import equivalence_corpus

from biasaudit.analyzers.linguistic_bias import (
    LIWC_CATEGORIES,
    REF_LISTS,
    LinguisticBiasAnalyzer,
    column_name,
    reference_tokens_many,
)
from biasaudit.resources import lexicon_path
from biasaudit.text.batch import TextBatch


def _read(path) -> list[str]:
    return path.read_bytes().lower().decode("latin-1").split("\n")  # Python 2's str.lower() on bytes: ASCII only


def _py2_round4(x: float) -> float:
    return float(Decimal(x).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _ref_count(lst: set[str], words: list[str]) -> int:
    bigrams = {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}
    trigrams = {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
    return sum(w in lst for w in words) + len(bigrams & lst) + len(trigrams & lst)


def _liwc_count(lst: list[str], words: list[str], prefix: bool) -> int:
    cnt = 0
    globs = [lw for lw in lst if lw.endswith("*")]
    for w in words:
        if w in lst:
            cnt += 1
        for lw in globs:
            if w.startswith(lw[:-1] if prefix else lw):
                cnt += 1
    return cnt


@pytest.fixture(scope="module")
def texts() -> list[str]:
    rng = random.Random(5)
    base = equivalence_corpus()[::4]
    # tokens that only a wildcard entry can count, with and without a literal '*'
    globby = ["their ability to achieve success", "abilit* achiev* their* job* possib*", "likely jobs, possibly",
              "kind of work kind(of) work", "in my opinion they tend to find out", "In My Opinion, IN MY OPINION"]
    return base + globby + [" ".join(rng.sample(globby[0].split() + globby[1].split(), 4)) for _ in range(50)]


@pytest.mark.parametrize("wildcards", ["reference", "prefix"])
def test_ratio_features_equal_the_spec_counts(texts, wildcards):
    analyzer = LinguisticBiasAnalyzer(liwc_wildcards=wildcards, modality=False)
    out = analyzer.analyze_batch(TextBatch(texts))
    docs = reference_tokens_many(texts)
    ref = {name: set(_read(lexicon_path("hutto2015", f))) for name, f in REF_LISTS.items()}
    liwc = {f"liwc_{c}": [e for e in _read(lexicon_path("hutto2015", "liwc") / f"liwc_{c}.txt") if e]
            for c in LIWC_CATEGORIES}
    nonzero = dict.fromkeys([*ref, *liwc], 0)
    through_globs = 0  # counts that only a wildcard entry gives: the path that differs between the modes
    for i, words in enumerate(docs):
        counts = {name: _ref_count(lst, words) for name, lst in ref.items()}
        counts |= {name: _liwc_count(lst, words, wildcards == "prefix") for name, lst in liwc.items()}
        through_globs += sum(counts[name] - sum(w in lst for w in words) for name, lst in liwc.items())
        for name, count in counts.items():
            got = out[column_name(f"{name}_rto")][i]
            if not words:
                assert math.isnan(got), (texts[i], name)
                continue
            assert got == _py2_round4(count / len(words)), (texts[i], name, count, len(words))
            nonzero[name] += count > 0
    assert all(n >= 5 for n in nonzero.values()), nonzero  # every list is exercised, not compared at zero
    assert through_globs >= 5
