"""``LexiconMatcher.count`` sums each document's token rows exactly as a plain per-token loop does, on the
analyzer's real lists (Hutto reference lists with n-grams, LIWC with literal and prefix globs) and real tokens."""
from __future__ import annotations

import random

import numpy as np
import pytest
from test_fast_paths_equivalence import equivalence_corpus

from biasaudit.analyzers.linguistic_bias import LinguisticBiasAnalyzer, reference_tokens_many


@pytest.fixture(scope="module")
def docs() -> list[list[str]]:
    texts = equivalence_corpus()
    rng = random.Random(4)
    out = reference_tokens_many(texts)
    pool = [tok for doc in out[:50] for tok in doc]
    return out + [[], ["*"], ["no*", "not*", "work*"]] + [rng.sample(pool, 5) for _ in range(200)]


@pytest.mark.parametrize("wildcards", ["reference", "prefix"])
def test_unigram_counts_equal_a_per_token_loop(docs, wildcards):
    lb = LinguisticBiasAnalyzer(extras=True, liwc_wildcards=wildcards)
    for matcher in (lb._ref, lb._liwc):
        for start in range(0, len(docs), 997):
            chunk = docs[start:start + 997]
            unigrams, _ = matcher.count(chunk)  # registers glob hits first
            expected = np.zeros((len(chunk), len(matcher.names)), np.int64)
            for i, doc in enumerate(chunk):
                for tok in doc:
                    expected[i] += matcher._table[matcher._ids.get(tok, 0)]
            assert unigrams.dtype == np.int64 and np.array_equal(unigrams, expected)
