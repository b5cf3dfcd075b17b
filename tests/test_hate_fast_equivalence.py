"""The hate models' fast n-gram path gives the very numbers of the straightforward one, bit for bit.

Oracles: the per-text analyzers + ``ngram_matrix`` that training uses (``block_tokens``), and scikit-learn's own
TfidfVectorizer rebuilt from a block's vocabulary and idf. Texts: real tweets, bench-style chat lines and
documents, and edge cases; models: both shipped ones and a synthetic one with other n-gram ranges and weightings.
"""
from __future__ import annotations

import itertools
import json
import os
import string
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers.hate import shipped_model_dir
from biasaudit.analyzers.hate_model import HateLinearModel, block_tokens, ngram_matrix
from tests.conftest import ROOT, shared_path
from tests.generated_texts import generated_texts

EDGE = [
    "", " ", "\t\n  \r", "!!!", "?!.,;:-", "...", "\U0001F600", "\U0001F600\U0001F602 ok\U0001F44D", "a",
    "http://x.co/a?b=c&d=e", "see https://t.co/abc123, then http://y.org.", "xhttp://z.io/q", "https://",
    "@user", "@a@b hi @c-d's", "RT @someone: yes!!! http://t.co/x &#128514;", "&amp;lt; &quot;q&quot; &gt; &amp;",
    "&#12;&#345;x", "#tag #Two-Words don't 'quoted' it's", "ΟΔΟΣ ΟΔΟΣ. σοφός", "İstanbul straße \u212a \ufb01le",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9", "a\u2028b\x1cc\x85d\xa0e\u3000f g\u200bh", "nul\x00byte \x00",
    "HeLLo WORLD hello world Hello, world!", "7 o'clock 12:30 3.14 1,000", "tab\tsep\nnew line",
    "lol " * 400, " ".join(f"w{i}" for i in range(3000)),
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), keep_default_na=False)["tweet"].tolist()
    return tweets[:4000] + generated_texts("hate-fast-equivalence", 2500, 250) + EDGE


def slow_features(model: HateLinearModel, texts: list[str], vader: np.ndarray) -> sp.csr_matrix:
    """The model's features by the straightforward path: per-text n-gram strings, dict lookups, COO -> CSR."""
    mats = []
    for i, b in enumerate(model.blocks):
        if b["kind"] == "other17":
            mats.append(sp.csr_matrix(hf.other_features(texts, vader)[:, b["columns"]]))
        else:
            mats.append(ngram_matrix(block_tokens(b, texts), model._vocabs[i], model.arrays.get(f"idf_{i}"),
                                     b.get("sublinear_tf", False), b.get("norm") == "l2"))
    return sp.hstack(mats, format="csr")


def _assert_same_rows(fast: sp.csr_matrix, slow: sp.csr_matrix) -> None:
    assert fast.shape == slow.shape
    assert np.array_equal(fast.indptr, slow.indptr)
    assert np.array_equal(fast.indices, slow.indices)
    assert np.array_equal(fast.data, slow.data)  # bitwise: same counts, same order of float operations


def _vader(n: int) -> np.ndarray:
    return np.random.default_rng(0).uniform(-1, 1, size=(n, 4))


@pytest.mark.parametrize("variant", ["default", "davidson2017"])
def test_shipped_models_match_the_straightforward_path_bitwise(variant, texts):
    model = HateLinearModel.load(shipped_model_dir(variant))
    vader = _vader(len(texts))
    slow = slow_features(model, texts, vader)
    slow_proba = model.calibrate(model.proba_from_decision(model.decision(slow)))
    for _ in range(2):  # a cold word cache, then a warm one
        fast = sp.vstack([model.features(texts[i:i + 1000], vader[i:i + 1000]) for i in range(0, len(texts), 1000)],
                         format="csr")
        _assert_same_rows(fast, slow)
        proba = np.vstack([model.predict_proba(texts[i:i + 700], vader[i:i + 700])
                           for i in range(0, len(texts), 700)])
        assert np.array_equal(proba, slow_proba)
        assert np.array_equal(model.labels(proba), model.labels(slow_proba))


@pytest.mark.filterwarnings("ignore:Your stop_words may be inconsistent")  # the 2017 notebook's own quirk
def test_ngram_matrix_agrees_with_scikit_learn_tfidf(texts):
    """The oracle itself: each shipped n-gram block equals scikit-learn's TfidfVectorizer with its vocabulary."""
    model = HateLinearModel.load(shipped_model_dir("default"))
    sample = texts[::3]
    analyzers = {"words": {"preprocessor": hf.normalize, "token_pattern": r"[a-z0-9#']+"},
                 "char_wb": {"preprocessor": hf.normalize, "analyzer": "char_wb"},
                 "davidson_words": {"preprocessor": hf.davidson_preprocess, "tokenizer": hf.davidson_tokenize,
                                    "token_pattern": None}}
    fast = model.features(sample)
    start = 0
    for i, b in enumerate(model.blocks):
        n_feat = len(b["vocabulary"])
        vec = TfidfVectorizer(lowercase=False, ngram_range=tuple(b["ngram_range"]), vocabulary=b["vocabulary"],
                              sublinear_tf=b["sublinear_tf"], norm=b["norm"], stop_words=b.get("stop_words"),
                              **analyzers[b["kind"]])
        vec.idf_ = model.arrays[f"idf_{i}"]
        ref = vec.transform(sample)
        block = fast[:, start:start + n_feat]
        _assert_same_rows(block.tocsr(), ref)
        start += n_feat


def _synthetic_model(texts: list[str]) -> HateLinearModel:
    """A model in the current format that training never wrote: other n-gram ranges, raw counts, no idf."""
    rng = np.random.default_rng(7)
    blocks, arrays = [], {}
    layout = [("words", [2, 4], True, "l2", None), ("other17", None, None, None, None),
              ("char_wb", [1, 3], False, None, None), ("davidson_words", [1, 2], False, "l2", ["the", "and", "a"])]
    n_feat = 0
    for i, (kind, ngram_range, sublinear, norm, stop) in enumerate(layout):
        if kind == "other17":
            blocks.append({"kind": kind, "columns": [0, 2, 12, 16], "names": ["FKRA", "num_syllables",
                                                                               "vader_compound", "is_retweet"]})
            n_feat += 4
            continue
        block = {"kind": kind, "ngram_range": ngram_range, "sublinear_tf": sublinear, "norm": norm}
        if stop:
            block["stop_words"] = stop
        seen = sorted({g for toks in block_tokens(block, texts[:1500]) for g in toks})
        vocab = sorted(rng.choice(seen, size=min(len(seen), 3000), replace=False).tolist())
        block["vocabulary"] = vocab + ["never seen ngram", "zzzq"]
        if i != 2:
            arrays[f"idf_{i}"] = rng.uniform(1, 8, size=len(block["vocabulary"]))
        blocks.append(block)
        n_feat += len(block["vocabulary"])
    arrays["coef"] = rng.normal(size=(n_feat, 3))
    arrays["intercept"] = rng.normal(size=3)
    spec = {"format": "biasaudit.hate-linear", "format_version": 1, "link": "softmax", "blocks": blocks,
            "decision": {"rule": "argmax"}, "variant": "default"}
    return HateLinearModel(spec, arrays)


def test_any_model_in_the_format_matches_including_cache_resets(texts):
    model = _synthetic_model(texts)
    assert set(model._fast.blocks) == {0, 2, 3}  # every n-gram block takes the fast path
    model._fast.max_words = 500  # the word cache is cleared between batches, over and over
    vader = _vader(len(texts))
    slow = slow_features(model, texts, vader)
    fast = sp.vstack([model.features(texts[i:i + 512], vader[i:i + 512]) for i in range(0, len(texts), 512)],
                     format="csr")
    _assert_same_rows(fast, slow)
    assert len(model._fast.index) < len(set(" ".join(texts).split()))


def test_one_text_at_a_time_equals_the_batch(texts):
    model = HateLinearModel.load(shipped_model_dir("default"))
    sample = texts[::97]
    batch = model.predict_proba(sample)
    assert np.array_equal(np.vstack([model.predict_proba([t]) for t in sample]), batch)


_STEM_CHECK = """
import json, sys
from biasaudit.analyzers.hate_features import porter_stemmer_class
light = porter_stemmer_class()
assert "nltk" not in sys.modules, "the light import left NLTK half-imported"
from nltk.stem.porter import PorterStemmer
words = json.load(sys.stdin)
a, b = light(), PorterStemmer()
print(json.dumps({"separate_class": light is not PorterStemmer, "n": len(words),
                  "differ": [w for w in words if a.stem(w) != b.stem(w)]}))
"""


def test_light_porter_import_stems_like_nltk(texts):
    """The stemmer loaded without nltk/__init__ gives NLTK's stems (checked against a full import)."""
    words = sorted({t for text in texts for t in hf._NON_LETTER.split(text.lower()) if t})[:20_000]
    out = subprocess.run([sys.executable, "-c", _STEM_CHECK], input=json.dumps(words), capture_output=True,
                         text=True, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    result = json.loads(out.stdout)
    assert result == {"separate_class": True, "n": len(words), "differ": []}
    assert len(words) > 10_000


def syllables_oracle(text: str) -> float:
    """textstat 0.3's syllable_count, character by character (the previous implementation)."""
    text = "".join(c for c in text.lower() if c not in string.punctuation)
    if not text:
        return 0
    count = (text[0] in "aeiouy") + sum(c in "aeiouy" and p not in "aeiouy" for p, c in itertools.pairwise(text))
    count = max(count - text.endswith("e") + text.endswith("le"), 1)  # never below 0 before the max
    return count - 0.1 * count


def test_syllable_count_matches_the_character_loop(texts):
    words = [hf.davidson_preprocess(t) for t in texts] + ["le", "e", "table", "Ye", "y", "AEIOU", "rhythm"]
    assert [hf.old_textstat_syllables(t) for t in words] == [syllables_oracle(t) for t in words]


def test_per_word_shortcuts_equal_the_full_functions(texts):
    """normalize / davidson_preprocess of a whitespace-free word without 'http', '@' (or '&') is a no-op."""
    from biasaudit.analyzers.hate_fast import normalize_word

    words = {w for t in texts for w in t.split()} | {"HTTP://X.CO", "&AMP;", "a&#12;b", "@Me", "\u0130x", "\u03a3\u0391\u03a3"}
    assert [normalize_word(w) for w in sorted(words)] == [hf.normalize(w) for w in sorted(words)]
    plain = sorted(w for w in words if "http" not in w and "@" not in w)
    assert [hf.davidson_preprocess(w) for w in plain] == plain
