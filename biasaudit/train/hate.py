"""Fit the hate / offensive / neither classifiers (``default`` and ``davidson2017``) into the safe model format.

Deterministic for a seed; reads no file (see ``biasaudit.train.hate_eval`` for data loading and evaluation).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers.hate_model import (
    CLASSES,
    FORMAT,
    FORMAT_VERSION,
    HateLinearModel,
    block_tokens,
    calibrated,
    ngram_matrix,
)
from biasaudit.resources import lexicon_path, sha256_file, sha256_tree

VARIANTS = ("default", "davidson2017")

#: The default variant's settings (chosen by stratified 5-fold CV on the Davidson training portion).
DEFAULT_SETTINGS: dict[str, Any] = {
    "word_ngram_range": [1, 3], "word_min_df": 2,
    "char_ngram_range": [2, 5], "char_min_df": 3,
    "stem_ngram_range": [1, 3], "stem_min_df": 5, "stem_max_df": 0.75, "stem_max_features": 10000,
    "C": 0.3, "solver": "liblinear one-vs-rest (dual), positives weighted 'balanced'",
    "calibration_C": 100.0,
    "threshold_grid": [round(float(x), 2) for x in np.arange(0.10, 0.71, 0.02)],
    "threshold_folds": 3,
    # Dixon et al. (2018): neutral sentences naming identity groups added as "neither" to every training fit
    "identity_augmentation": True,
}
AUGMENTATION_FILE = ("identity_augmentation", "neutral_sentences.yaml")
#: Davidson et al. (2017): vectorizer and model settings from their notebook (spec sections 2-3).
DAVIDSON_SETTINGS: dict[str, Any] = {
    "word_ngram_range": [1, 3], "word_min_df": 5, "word_max_df": 0.75, "word_max_features": 10000,
    "pos_ngram_range": [1, 3], "pos_min_df": 5, "pos_max_df": 0.75, "pos_max_features": 5000,
    "select_C": 0.01, "C": 0.01, "select_threshold": 1e-5,
}


def _stop_words() -> list[str]:
    words = lexicon_path("davidson2017", "nltk_english_stopwords.txt").read_text(encoding="utf-8").split()
    return words + ["#ff", "ff", "rt"]


def fit_ngram_block(block: dict[str, Any], tokens: list[list[str]], *, min_df: float = 1, max_df: float = 1.0,
                    max_features: int | None = None, idf: str | None = "smooth",
                    ) -> tuple[dict[str, Any], np.ndarray | None, sp.csr_matrix]:
    """Choose the vocabulary (scikit-learn's min_df/max_df/max_features rules) and idf of one block."""
    cv = CountVectorizer(analyzer=lambda toks: toks, min_df=min_df, max_df=max_df, max_features=max_features)
    counts = cv.fit_transform(tokens)
    vocab = sorted(cv.vocabulary_, key=cv.vocabulary_.__getitem__)
    block = dict(block, vocabulary=vocab)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    weights = None
    if idf == "smooth":
        weights = np.log((1 + n) / (1 + df)) + 1.0
    elif idf == "plain":
        weights = np.log(n / df) + 1.0
    mat = ngram_matrix(tokens, cv.vocabulary_, weights, block.get("sublinear_tf", False), block.get("norm") == "l2")
    return block, weights, mat


def _ovr_liblinear(x: sp.csr_matrix, y: np.ndarray, C: float, penalty: str, seed: int, dual: bool = False
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Old scikit-learn's multi-class liblinear: one binary fit per class, positives weighted by the
    'balanced' weight of their class, every other sample by 1 (spec pitfall 3). Returns (coef (d,3), b (3,))."""
    counts = np.bincount(y, minlength=3)
    w = len(y) / (3.0 * counts)
    coefs, intercepts = [], []
    for k in range(3):
        yk = (y == k).astype(np.int64)
        # scikit-learn >= 1.8 spells the penalty as l1_ratio (1: L1, 0: L2)
        clf = LogisticRegression(solver="liblinear", l1_ratio=1.0 if penalty == "l1" else 0.0, C=C,
                                 dual=dual, random_state=seed, max_iter=1000 if dual else 100)
        clf.fit(x, yk, sample_weight=np.where(yk == 1, w[k], 1.0))
        coefs.append(clf.coef_[0])
        intercepts.append(clf.intercept_[0])
    return np.stack(coefs, axis=1), np.asarray(intercepts)


def _spec(variant: str, blocks: list[dict[str, Any]], link: str, decision: dict[str, Any],
          settings: dict[str, Any], seed: int, n: int) -> dict[str, Any]:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "variant": variant, "classes": list(CLASSES),
            "blocks": blocks, "link": link, "decision": decision,
            "training": {"seed": seed, "n_train": n, "settings": settings, "scikit_learn": sklearn.__version__}}


# --- davidson2017 --------------------------------------------------------------------------------------------
def fit_davidson(texts: Sequence[str], y: np.ndarray, seed: int = 0, vader: np.ndarray | None = None,
                 pos_tags: Sequence[str] | None = None, tagger: str | None = None) -> HateLinearModel:
    """Davidson et al. (2017): stemmed word TF-IDF + POS n-gram counts (if ``pos_tags``) + 17 features,
    L1-LR feature selection, then L2 logistic regression, both old-style liblinear one-vs-rest, C=0.01."""
    from biasaudit.text.vader import polarity

    s = DAVIDSON_SETTINGS
    y = np.asarray(y, dtype=np.int64)
    vader = polarity(list(texts)) if vader is None else vader
    word_block = {"kind": "davidson_words", "ngram_range": s["word_ngram_range"], "stop_words": _stop_words(),
                  "sublinear_tf": False, "norm": None}
    word_block, word_idf, xw = fit_ngram_block(word_block, block_tokens(word_block, texts), min_df=s["word_min_df"],
                                               max_df=s["word_max_df"], max_features=s["word_max_features"],
                                               idf="plain")
    blocks, idfs, mats = [word_block], [word_idf], [xw]
    if pos_tags is not None:
        pos_block = {"kind": "pos", "ngram_range": s["pos_ngram_range"], "tagger": tagger,
                     "sublinear_tf": False, "norm": None}
        pos_block, _, xp = fit_ngram_block(pos_block, block_tokens(pos_block, texts, pos_tags),
                                           min_df=s["pos_min_df"], max_df=s["pos_max_df"],
                                           max_features=s["pos_max_features"], idf=None)
        blocks.append(pos_block)
        idfs.append(None)
        mats.append(xp)
    other = hf.other_features(texts, vader)
    blocks.append({"kind": "other17", "columns": list(range(other.shape[1])),
                   "names": list(hf.OTHER_FEATURE_NAMES)})
    idfs.append(None)
    mats.append(sp.csr_matrix(other))
    x = sp.hstack(mats, format="csr")

    l1_coef, _ = _ovr_liblinear(x, y, s["select_C"], "l1", seed)
    keep = np.abs(l1_coef).sum(axis=1) > s["select_threshold"]
    kept_blocks, arrays, start = [], {}, 0
    for b, idf in zip(blocks, idfs):
        size = len(b["vocabulary"]) if "vocabulary" in b else len(b["columns"])
        sel = np.flatnonzero(keep[start:start + size])
        start += size
        b = dict(b)
        if "vocabulary" in b:
            b["vocabulary"] = [b["vocabulary"][i] for i in sel]
            if idf is not None:
                arrays[f"idf_{len(kept_blocks)}"] = idf[sel]
        else:
            b["columns"] = [b["columns"][i] for i in sel]
            b["names"] = [b["names"][i] for i in sel]
        kept_blocks.append(b)
    coef, intercept = _ovr_liblinear(x[:, np.flatnonzero(keep)], y, s["C"], "l2", seed)
    arrays.update(coef=coef, intercept=intercept)
    settings = dict(s, pos="spacy" if pos_tags is not None else "none (fallback)", pos_tagger=tagger,
                    n_selected=int(keep.sum()), n_candidates=int(x.shape[1]))
    return HateLinearModel(_spec("davidson2017", kept_blocks, "ovr", {"rule": "argmax"}, settings, seed, len(y)),
                           arrays)


# --- default -------------------------------------------------------------------------------------------------
def _fit_default_linear(texts: Sequence[str], y: np.ndarray, s: dict[str, Any], seed: int) -> HateLinearModel:
    """Word 1-3-grams, character 2-5-grams and Davidson's stemmed 1-3-grams, each TF-IDF with unit rows;
    one-vs-rest liblinear logistic regression weighted like Davidson's (no VADER, no POS: fast)."""
    norm = [hf.normalize(t) for t in texts]
    specs = [
        ({"kind": "words", "ngram_range": s["word_ngram_range"], "sublinear_tf": True, "norm": "l2"},
         {"min_df": s["word_min_df"]}, "smooth"),
        ({"kind": "char_wb", "ngram_range": s["char_ngram_range"], "sublinear_tf": True, "norm": "l2"},
         {"min_df": s["char_min_df"]}, "smooth"),
        ({"kind": "davidson_words", "ngram_range": s["stem_ngram_range"], "stop_words": _stop_words(),
          "sublinear_tf": False, "norm": "l2"},
         {"min_df": s["stem_min_df"], "max_df": s["stem_max_df"], "max_features": s["stem_max_features"]}, "plain"),
    ]
    blocks, arrays, mats = [], {}, []
    for i, (block, limits, idf) in enumerate(specs):
        block, weights, mat = fit_ngram_block(block, block_tokens(block, texts, norm_texts=norm), idf=idf, **limits)
        blocks.append(block)
        arrays[f"idf_{i}"] = weights
        mats.append(mat)
    coef, intercept = _ovr_liblinear(sp.hstack(mats, format="csr"), y, s["C"], "l2", seed, dual=True)
    arrays.update(coef=coef, intercept=intercept)
    return HateLinearModel(_spec("default", blocks, "ovr", {"rule": "argmax"}, s, seed, len(y)), arrays)


def neutral_identity_sentences() -> list[str]:
    """The augmentation sentences: every template x every identity swap adjective, plus the fixed sentences.

    Disjoint from the self-audit's evaluation templates, so the audit still measures unseen sentences.
    """
    import yaml

    from biasaudit.audits.identity import IdentityLexicon

    data = yaml.safe_load(lexicon_path(*AUGMENTATION_FILE).read_text(encoding="utf-8"))
    swaps = IdentityLexicon.load().swaps
    terms = sorted({t for family in swaps.values() for sub in family.values() for t in sub})
    filled = [tpl.format(t) for tpl in data["templates"] for t in terms]
    return [x[0].upper() + x[1:] for x in filled] + list(data["sentences"])


def choose_hate_threshold(y: np.ndarray, proba: np.ndarray, grid: Sequence[float]) -> float:
    """The ``p_hate`` threshold maximising hate-class F1 (ties: the higher, more precise threshold)."""
    from sklearn.metrics import f1_score

    from biasaudit.analyzers.hate_model import decide

    best_t, best_f = grid[0], -1.0
    for t in grid:
        f = f1_score(y, decide(proba, {"rule": "hate_threshold", "threshold": t}), labels=[0], average=None)[0]
        if f >= best_f:
            best_t, best_f = t, f
    return float(best_t)


def fit_default(texts: Sequence[str], y: np.ndarray, seed: int = 0, settings: dict[str, Any] | None = None
                ) -> HateLinearModel:
    """``_fit_default_linear``, then, from an inner stratified CV on the training data (so an outer CV that
    calls this never sees its test fold): a probability calibration map and a ``p_hate`` threshold."""
    s = dict(DEFAULT_SETTINGS, **(settings or {}))
    y = np.asarray(y, dtype=np.int64)
    texts = list(texts)
    aug = neutral_identity_sentences() if s["identity_augmentation"] else []
    aug_y = np.full(len(aug), CLASSES.index("neither"), dtype=np.int64)
    oof = np.zeros((len(y), 3))
    inner = StratifiedKFold(s["threshold_folds"], shuffle=True, random_state=seed)
    for tr, te in inner.split(np.zeros(len(y)), y):
        # augmentation joins every fit; calibration and threshold are chosen on real data only
        m = _fit_default_linear([texts[i] for i in tr] + aug, np.concatenate([y[tr], aug_y]), s, seed)
        oof[te] = m.predict_proba([texts[i] for i in te])
    cal = LogisticRegression(C=s["calibration_C"], max_iter=1000).fit(np.log(np.clip(oof, 1e-12, 1.0)), y)
    coef, intercept = cal.coef_.T.copy(), cal.intercept_.copy()
    threshold = choose_hate_threshold(y, calibrated(oof, coef, intercept), s["threshold_grid"])
    model = _fit_default_linear(texts + aug, np.concatenate([y, aug_y]), s, seed)
    if aug:
        model.spec["augmentation"] = {
            "method": "Dixon et al. (2018): neutral identity-term sentences labelled neither",
            "file": "/".join(AUGMENTATION_FILE), "n": len(aug),
            "sha256": sha256_file(lexicon_path(*AUGMENTATION_FILE)),
            "identity_lexicon_sha256": sha256_tree(lexicon_path("identity"))}
    model.arrays.update(calib_coef=coef, calib_intercept=intercept)
    model.spec["calibration"] = "multinomial logistic regression on log-probabilities, inner-CV out-of-fold"
    model.spec["decision"] = {"rule": "hate_threshold", "threshold": threshold}
    return model


def fit(variant: str, texts: Sequence[str], y: np.ndarray, seed: int = 0, **kw: Any) -> HateLinearModel:
    """Fit ``variant`` (``default`` or ``davidson2017``)."""
    if variant == "default":
        return fit_default(texts, y, seed, **kw)
    if variant == "davidson2017":
        return fit_davidson(texts, y, seed, **kw)
    raise ValueError(f"unknown variant {variant!r}")
