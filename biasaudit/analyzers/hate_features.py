"""Text features of the hate classifiers: Davidson et al. (2017) tokenizers and 17 "other" features, n-grams.

Pure functions of the text (VADER and POS tags are passed in); no model, no file I/O, no label ever used here.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import string
import sys
import threading
import types
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from biasaudit.text import memos, porter
from biasaudit.text.spacy_pos import spacy_tagger, spacy_tagger_name  # noqa: F401 (the second: re-exported)

# --- Davidson et al. (2017) preprocessing, as in their notebook (spec section 2) ---------------------------
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"http[s]?://(?:[a-zA-Z]|[0-9]|[$-_@.&+]|[!*\(\),]|(?:%[0-9a-fA-F][0-9a-fA-F]))+")
_MENTION = re.compile(r"@[\w\-]+")
_HASHTAG = re.compile(r"#[\w\-]+")
# Python 3 splits on empty matches, so the paper's "*" becomes "+" (spec pitfall 1).
_NON_LETTER = re.compile(r"[^a-zA-Z]+")
_NON_POS_CHAR = re.compile(r"[^a-zA-Z.,!?]+")
_DROP_PUNCT = str.maketrans("", "", string.punctuation)
_VOWEL_RUN = re.compile("[aeiouy]+")

#: Names of the 17 "other" features, in the paper's column order.
OTHER_FEATURE_NAMES = (
    "FKRA", "FRE", "num_syllables", "avg_syl_per_word", "num_chars", "num_chars_total", "num_terms",
    "num_words", "num_unique_words", "vader_neg", "vader_pos", "vader_neu", "vader_compound",
    "num_hashtags", "num_mentions", "num_urls", "is_retweet",
)


def davidson_preprocess(text: str) -> str:
    """Collapse whitespace, delete URLs and @mentions (the notebook's ``preprocess``)."""
    text = _SPACE.sub(" ", text)
    text = _URL.sub("", text)
    return _MENTION.sub("", text)


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    return lru_cache(maxsize=200_000)(porter.stem)  # NLTK's default mode, as in 2017, ported (porter.py)


@memos.register
def _clear_memos() -> None:
    if _stemmer.cache_info().currsize:
        _stemmer().cache_clear()


_IMPORT_LOCK = threading.Lock()


def porter_stemmer_class() -> type:
    """NLTK's ``PorterStemmer`` without running ``nltk/__init__.py``, which imports most of NLTK (~1.5 s).

    The models stem with ``biasaudit.text.porter`` (the same stems, faster); this serves comparisons with NLTK.

    porter.py itself needs only ``nltk.redos``, ``nltk.termsec`` and ``nltk.stem.api``: they are imported
    under stand-in parent packages that are removed again at once, so a later ``import nltk`` is the normal,
    full one. The ordinary import serves when NLTK is already imported or its layout differs.
    """
    spec = importlib.util.find_spec("nltk")
    if "nltk" not in sys.modules and spec is not None and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        with _IMPORT_LOCK:
            before = set(sys.modules)
            try:
                for name, folder in (("nltk", root), ("nltk.stem", root / "stem")):
                    package = types.ModuleType(name)
                    package.__path__ = [str(folder)]
                    sys.modules[name] = package
                with contextlib.suppress(ImportError, AttributeError):  # a new layout: the ordinary import
                    return importlib.import_module("nltk.stem.porter").PorterStemmer
            finally:
                for name in set(sys.modules) - before:
                    if name == "nltk" or name.startswith("nltk."):
                        del sys.modules[name]
    from nltk.stem.porter import PorterStemmer

    return PorterStemmer


def davidson_tokenize(text: str) -> list[str]:
    """Lowercase, keep letter runs, Porter-stem (the notebook's ``tokenize``)."""
    stem = _stemmer()
    return [stem(t) for t in _NON_LETTER.split(text.lower()) if t]


def davidson_basic_tokenize(text: str) -> list[str]:
    """Tokens for POS tagging: letters and ``.,!?`` runs (the notebook's ``basic_tokenize``)."""
    return [t for t in _NON_POS_CHAR.split(text.lower()) if t]


def word_ngrams(tokens: Sequence[str], lo: int, hi: int, stop: frozenset[str] = frozenset()) -> list[str]:
    """Space-joined n-grams of ``tokens`` after dropping ``stop`` words (scikit-learn's order and rule)."""
    if stop:
        tokens = [t for t in tokens if t not in stop]
    n_tok = len(tokens)
    out = list(tokens) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, n_tok) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(n_tok - n + 1))
    return out


def old_textstat_syllables(text: str) -> float:
    """textstat's 2017 ``syllable_count``: vowel groups over the whole string, then x0.9 (spec pitfall 2)."""
    text = text.lower().translate(_DROP_PUNCT)
    if not text:
        return 0
    count = len(_VOWEL_RUN.findall(text))  # a vowel after a non-vowel (or first) starts a group
    if text.endswith("e"):
        count -= 1
    if text.endswith("le"):
        count += 1
    if count == 0:
        count += 1
    return count - 0.1 * count


def _twitter_objs(text: str) -> tuple[int, int, int]:
    parsed = _SPACE.sub(" ", text)
    parsed = _URL.sub("URLHERE", parsed)
    parsed = _MENTION.sub("MENTIONHERE", parsed)
    parsed = _HASHTAG.sub("HASHTAGHERE", parsed)
    return parsed.count("URLHERE"), parsed.count("MENTIONHERE"), parsed.count("HASHTAGHERE")


def other_features(texts: Sequence[str], vader: np.ndarray) -> np.ndarray:
    """The 17 "other" features per text; ``vader`` is ``(n, 4)`` compound, pos, neu, neg of the raw text.

    Kept quirks of the original: ``num_chars`` is the string length, ``is_retweet`` a substring test.
    """
    out = np.empty((len(texts), len(OTHER_FEATURE_NAMES)), dtype=np.float64)
    for i, tweet in enumerate(texts):
        words = davidson_preprocess(tweet)
        syllables = old_textstat_syllables(words)
        split = words.split()
        num_words = len(split)
        avg_syl = round((syllables + 0.001) / (num_words + 0.001), 4)
        fkra = round(0.39 * num_words + 11.8 * avg_syl - 15.59, 1)
        fre = round(206.835 - 1.015 * num_words - 84.6 * avg_syl, 2)
        urls, mentions, hashtags = _twitter_objs(tweet)
        compound, pos, neu, neg = vader[i]
        out[i] = (fkra, fre, syllables, avg_syl, len(words), len(tweet), len(tweet.split()), num_words,
                  len(set(split)), neg, pos, neu, compound, hashtags, mentions, urls,
                  1.0 if "rt" in words else 0.0)
    return out


# --- the default variant's analyzers: word and character n-grams of a normalised text ----------------------
_URL_SIMPLE = re.compile(r"https?://\S+")
_ENTITY = re.compile(r"&#\d+;")
_WORD = re.compile(r"[a-z0-9#']+")


def normalize(text: str) -> str:
    """Lowercase; URLs, mentions and numeric HTML entities become placeholders; ``&amp;`` etc. decoded."""
    text = _URL_SIMPLE.sub(" urlhere ", text)
    text = _MENTION.sub(" @user ", text)
    text = _ENTITY.sub(" &emoji; ", text)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return " ".join(text.lower().split())


def words_of(norm_text: str) -> list[str]:
    """Word tokens of a ``normalize``d text."""
    return _WORD.findall(norm_text)


def char_wb_ngrams(norm_text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams inside space-padded words (scikit-learn's ``char_wb`` analyzer)."""
    out: list[str] = []
    for w in norm_text.split():
        w = f" {w} "
        lw = len(w)
        for n in range(lo, min(hi, lw) + 1):  # scikit-learn stops at the padded word's length
            out += [w[i:i + n] for i in range(lw - n + 1)]
    return out


# --- POS tags: spaCy's English tagger when installed (biasaudit.text.spacy_pos); none otherwise (the fallback) ---


def pos_tag_strings(texts: Sequence[str]) -> list[str]:
    """Penn Treebank tags of each text's ``davidson_basic_tokenize`` tokens, space-joined (spaCy; slow)."""
    from spacy.tokens import Doc

    nlp = spacy_tagger()
    docs = (Doc(nlp.vocab, words=davidson_basic_tokenize(davidson_preprocess(t))) for t in texts)
    return [" ".join(tok.tag_ for tok in doc) for doc in nlp.pipe(docs, batch_size=256)]
