"""The hate models' fast n-gram paths give the very numbers of the straightforward one, bit for bit.

Oracles: the per-text analyzers + ``ngram_matrix`` that training uses (``block_tokens``), then scipy's CSR @ dense,
and scikit-learn's own TfidfVectorizer rebuilt from a block's vocabulary and idf. Fast paths: the vectorised one
(``hate_fast`` counts) and, where compiled, ``hate_kernel`` (also run here as pure Python). Texts: real tweets, the
bundled example dialogues, bench-style chat lines and documents, and edge cases; models: both shipped ones and
synthetic ones with other n-gram ranges and weightings.
"""
from __future__ import annotations

import importlib.util
import itertools
import json
import os
import random
import string
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers import hate_kernel
from biasaudit.analyzers.hate import shipped_model_dir
from biasaudit.analyzers.hate_model import HateLinearModel, block_tokens, ngram_matrix
from biasaudit.io import example_path
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
    "a" * 5000, "ha" * 3000, "\U0001F600" * 500, "@" * 40 + " #" * 40, "http://" + "x/" * 800,
    "#MeToo #BlackLivesMatter @user_1 @user-2 http://t.co/AbC https://example.org/a?b=1&c=2 RT RT rt",
    "\u4e2d\u6587\u5b57 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940",
    "\u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u65e5\u672c\u8a9e\u306e\u6587",
    "e\u0301 n\u0303o \u00c5ngstr\u00f6m \ufb00 \u2163 \u00bd \u00b2 \uff21\uff22\uff23 \U0001D400\U0001D401",
    "\u200d\ufeff zero\u200dwidth \ufeffbom \u202eright-to-left", "\n".join(["the the the"] * 300),
]


def example_texts() -> list[str]:
    """Every turn of the bundled example dialogues."""
    with open(example_path(), encoding="utf-8") as fh:
        return [turn["text"] for line in fh for turn in json.loads(line)["turns"]]


def shuffled_words(texts: list[str], n: int) -> list[str]:
    """Adversarial mixtures: words of real texts recombined, with punctuation, case and spacing changes."""
    rng = random.Random(11)
    words = [w for t in texts for w in t.split()]
    junk = ["", " ", "  ", "\t", "!", "?!", "&amp;", "&#128514;", "@x", "#y", "http://t.co/z", "RT", "\U0001F44D"]
    out = []
    for _ in range(n):
        picked = rng.choices(words, k=rng.randint(0, 40)) + rng.choices(junk, k=rng.randint(0, 6))
        rng.shuffle(picked)
        out.append(" ".join(w.upper() if rng.random() < 0.1 else w for w in picked))
    return out


@pytest.fixture(scope="module")
def texts() -> list[str]:
    tweets = pd.read_csv(shared_path("data", "davidson", "labeled_train.csv"), keep_default_na=False)["tweet"].tolist()
    return (tweets[:4000] + example_texts() + generated_texts("hate-fast-equivalence", 2500, 250)
            + shuffled_words(tweets[4000:6000], 1000) + EDGE)


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


@pytest.mark.filterwarnings("ignore:overflow encountered in exp")  # huge lengths saturate davidson2017's sigmoid
@pytest.mark.parametrize("variant", ["default", "davidson2017"])
def test_shipped_models_match_the_straightforward_path_bitwise(variant, texts):
    model = HateLinearModel.load(shipped_model_dir(variant))
    # the compiled kernel scores the default model (its blocks are all n-grams); davidson2017 needs the 17 features
    assert (model._kernel is not None) == (hate_kernel.COMPILED and variant == "default")
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


# (kind, ngram_range, sublinear_tf, norm, stop words, idf)
_LAYOUT = [("words", [2, 4], True, "l2", None, True), ("other17", None, None, None, None, None),
           ("char_wb", [1, 3], False, None, None, False),
           ("davidson_words", [1, 2], False, "l2", ["the", "and", "a"], True)]
# n-grams only (the compiled kernel's case), in an order and with weightings training never writes
_NGRAM_LAYOUT = [("char_wb", [3, 6], True, None, None, True), ("davidson_words", [2, 2], True, "l2", None, False),
                 ("words", [1, 1], False, "l2", None, False), ("char_wb", [1, 2], False, "l2", None, True),
                 ("davidson_words", [1, 3], False, None, ["the"], True)]


def _synthetic_model(texts: list[str], layout: list[tuple] = _LAYOUT) -> HateLinearModel:
    """A model in the current format that training never wrote: other n-gram ranges, raw counts, no idf."""
    rng = np.random.default_rng(7)
    blocks, arrays = [], {}
    n_feat = 0
    for i, (kind, ngram_range, sublinear, norm, stop, idf) in enumerate(layout):
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
        if idf:
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


def _slow_proba(model: HateLinearModel, texts: list[str]) -> np.ndarray:
    z = model.decision(slow_features(model, texts, _vader(len(texts))))
    return model.calibrate(model.proba_from_decision(z))


def test_ngram_only_model_matches_including_cache_resets(texts):
    """Any all-n-gram model: the compiled kernel (when built) gives the straightforward path's probabilities."""
    model = _synthetic_model(texts, _NGRAM_LAYOUT)
    assert (model._kernel is not None) == hate_kernel.COMPILED
    model._fast.max_words = 700
    proba = np.vstack([model.predict_proba(texts[i:i + 600]) for i in range(0, len(texts), 600)])
    assert np.array_equal(proba, _slow_proba(model, texts))
    assert np.array_equal(np.vstack([model.predict_proba([t]) for t in texts[::211]]), proba[::211])


def _pure_kernel():
    """hate_kernel loaded from its .py, whether or not the compiled build serves ``biasaudit.analyzers``."""
    spec = importlib.util.spec_from_file_location("hate_kernel_pure", ROOT / "biasaudit/analyzers/hate_kernel.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_on_lists(function):
    """``function`` (from the kernel's .py) called on Python lists and ints: NumPy scalars would overflow in the
    hash multiplication, as C's unsigned arithmetic does not. Its array outputs are copied back."""
    def on_lists(*args):
        lists = [a.tolist() if isinstance(a, np.ndarray) else a for a in args]
        out = function(*lists)
        for arg, values in zip(args, lists):
            if isinstance(arg, np.ndarray) and arg.flags.writeable:
                arg[:] = values
        return out
    return on_lists


def _pure_table_and_coder(monkeypatch) -> None:
    """Serve ``fill_table`` and ``char_wb_codes`` from the kernel's .py source, run on lists."""
    pure = _pure_kernel()
    monkeypatch.setattr(hate_kernel, "fill_table", _run_on_lists(pure.fill_table))
    monkeypatch.setattr(hate_kernel, "char_wb_codes", _run_on_lists(pure.char_wb_codes))


def test_kernel_lowest_bit_as_pure_python():
    pure = _pure_kernel()
    rng = random.Random(3)
    values = [1 << b for b in range(64)] + [rng.getrandbits(64) | 1 << rng.randrange(64) for _ in range(2000)]
    assert [pure.lowest_bit(w) for w in values] == [(w & -w).bit_length() - 1 for w in values]


@pytest.mark.parametrize("layout", ["shipped", "synthetic"])
def test_kernel_source_as_pure_python_matches(layout, texts, monkeypatch):
    """score_block's own loops (the source the compiled build is made from) run by the interpreter on lists."""
    pure = _pure_kernel()

    def on_lists(*args):
        lists = [a.tolist() if isinstance(a, np.ndarray) else a for a in args]
        pure.score_block(*lists)
        args[19][:] = lists[19]  # z, the output
        for scratch in (20, 21, 22):  # the kernel leaves its counts and bitmaps at zero for the next batch
            assert not any(lists[scratch])

    monkeypatch.setattr(hate_kernel, "COMPILED", True)
    monkeypatch.setattr(hate_kernel, "score_block", on_lists)
    _pure_table_and_coder(monkeypatch)
    sample = texts[::25] + EDGE[-8:]
    if layout == "shipped":
        shipped = HateLinearModel.load(shipped_model_dir("default"))  # a new instance: built with the kernel
        model = HateLinearModel(shipped.spec, shipped.arrays)
    else:
        model = _synthetic_model(texts, _NGRAM_LAYOUT)
    assert model._kernel is not None
    proba = np.vstack([model.predict_proba(sample[i:i + 100]) for i in range(0, len(sample), 100)])
    assert np.array_equal(proba, _slow_proba(model, sample))


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


def test_kernel_word_ids_follow_str_split(texts):
    """Word cache indices, words per text and absent words, with ``widx`` at its smallest allowed size."""
    sample = texts[::7] + EDGE + ["a b c d e", "a", "", " a ", "x\u3000y\u2028z\x85w", "\t".join("abc" * 50)]
    words = [w for t in sample for w in t.split()]
    index = {w: i for i, w in enumerate(dict.fromkeys(words[::2]))}
    widx = np.full((sum(map(len, sample)) + len(sample)) // 2 + 1, -7, dtype=np.int64)
    lengths = np.empty(len(sample), dtype=np.int64)
    n, absent = hate_kernel.word_ids(sample, index, widx, lengths)
    assert n == len(words) and absent == sum(w not in index for w in words)
    assert widx[:n].tolist() == [index.get(w, -1) for w in words]
    assert lengths.tolist() == [len(t.split()) for t in sample]


def _coder_words(texts: list[str]) -> list[str]:
    """Raw words for the char_wb coder: real and edge ones, plus random strings of characters the vocabularies
    hold, lack, or lie beyond (astral, lone surrogate, the last code point) and several kinds of whitespace."""
    rng = random.Random(5)
    pool = "ab e#'\u00e9\u0130\U0001F600\ud800\U0010FFFF\u2028\u3000@&:/.-" + string.ascii_letters
    made = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 14))) for _ in range(3000)]
    return sorted({w for t in texts for w in t.split()}) + made + [
        "", "a b c d e", "x " * 60, "&amp;&amp;&lt;", "@a@b@c", "http://x.co/a http://y", "a" * 700]


def _char_codes_both_ways(block, words: list[str]) -> tuple[tuple[list, list], tuple[list, list]]:
    """(codes, offsets) from ``block.add`` and from the Python path (n-gram strings looked up one by one)."""
    from biasaudit.analyzers.hate_fast import _Block, normalize_word

    norm = [normalize_word(w) for w in words]
    out = []
    for add in (block.add, lambda w, n: _Block.add(block, w, n)):
        block.reset()
        for i in range(0, len(words), 5000):  # several batches: offsets continue from the previous one
            add(words[i:i + 5000], norm[i:i + 5000])
        out.append((block.codes.values.tolist(), block.offsets.values.tolist()))
    return out[0], out[1]


@pytest.mark.parametrize("layout", ["shipped", "synthetic"])
def test_compiled_char_coder_gives_the_python_paths_codes(layout, texts):
    """A new word's char_wb codes without n-gram strings: the same ids in the same order, word by word."""
    model = (HateLinearModel.load(shipped_model_dir("default")) if layout == "shipped"
             else _synthetic_model(texts, _NGRAM_LAYOUT))
    blocks = [b for b in model._fast.blocks.values() if type(b).__name__ == "_CharBlock"]
    assert len(blocks) == (1 if layout == "shipped" else 2)
    words = _coder_words(texts)
    for block in blocks:
        coded, python = _char_codes_both_ways(block, words)
        assert coded == python
        assert len(coded[0]) > 10_000
        assert (block._coder is not None) == hate_kernel.COMPILED  # the synthetic vocabularies hold non-ASCII


def test_char_coder_source_as_pure_python_matches(texts, monkeypatch):
    """char_wb_codes' own loops (the compiled build's source) run by the interpreter give the same codes."""
    model = _synthetic_model(texts, _NGRAM_LAYOUT)
    block = next(b for b in model._fast.blocks.values() if type(b).__name__ == "_CharBlock")
    monkeypatch.setattr(hate_kernel, "COMPILED", True)
    _pure_table_and_coder(monkeypatch)
    words = _coder_words(texts[::40])
    coded, python = _char_codes_both_ways(block, words)
    assert block._coder is not None and coded == python


@pytest.mark.parametrize("kernel", ["compiled", "pure"])
def test_key_table_fill_finds_every_key(kernel, monkeypatch):
    """KeyTable filled by hate_kernel.fill_table (compiled, or its source run as Python) answers as the NumPy
    rounds do: each key's value, -1 for absent keys, also when many keys aim at the same slots."""
    from biasaudit.analyzers.hate_fast import KeyTable

    if kernel == "compiled" and not hate_kernel.COMPILED:
        pytest.skip("the compiled build is not serving hate_kernel")
    rng = np.random.default_rng(9)
    keys = np.unique(np.concatenate([rng.integers(0, 2 ** 62, 3000), np.arange(500) << 40]))  # clustered hashes
    values = rng.integers(0, 10 ** 9, len(keys))
    queries = np.concatenate([keys, rng.integers(0, 2 ** 62, 3000), (np.arange(500) << 40) + 1])
    monkeypatch.setattr(hate_kernel, "COMPILED", False)
    expected = KeyTable(keys, values).lookup(queries)
    monkeypatch.setattr(hate_kernel, "COMPILED", True)
    if kernel == "pure":
        _pure_table_and_coder(monkeypatch)
    table = KeyTable(keys, values)
    assert np.array_equal(table.lookup(queries), expected)
    assert np.array_equal(expected[:len(keys)], values) and (expected[len(keys):] == -1).sum() >= 3400
