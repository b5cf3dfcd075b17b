"""Read labelled hate/offensive/neither data, cross-validate a variant, write the model and its evaluation.

Stratified, seeded k-fold CV on the given data only (no re-split into a "test" set); nothing here scores a corpus.
"""
from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold

from biasaudit.analyzers.hate_model import CLASSES, HateLinearModel
from biasaudit.errors import InputError
from biasaudit.resources import sha256_file
from biasaudit.train import hate as trainer

_LABEL_NAMES = {"0": 0, "1": 1, "2": 2, "hate": 0, "hate_speech": 0, "offensive": 1, "offensive_language": 1,
                "neither": 2}


def load_labeled_csv(path: str | Path, text_column: str = "tweet", label_column: str = "class"
                     ) -> tuple[list[str], np.ndarray]:
    """Texts and labels (0 hate, 1 offensive, 2 neither; the names work too) from a CSV file."""
    path = Path(path)
    try:
        df = pd.read_csv(path, keep_default_na=False, dtype=str)
    except FileNotFoundError:
        raise InputError("file not found", file=str(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InputError(f"not a readable CSV file: {err}", file=str(path)) from None
    for col in (text_column, label_column):
        if col not in df.columns:
            raise InputError(f"no column {col!r} (columns: {', '.join(map(str, df.columns))})", file=str(path))
    raw = df[label_column].str.strip().str.lower()
    bad = ~raw.isin(list(_LABEL_NAMES))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(f"label {df[label_column].iloc[i]!r} is not one of 0/1/2 or hate/offensive/neither",
                         file=str(path), line=i + 2, field=label_column)
    y = raw.map(_LABEL_NAMES).to_numpy(dtype=np.int64)
    counts = np.bincount(y, minlength=3)
    if counts.min() < 5:
        raise InputError(f"each class needs at least 5 rows for 5-fold CV; got {dict(zip(CLASSES, counts))}",
                         file=str(path), field=label_column)
    return df[text_column].tolist(), y


def metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    """Per-class precision/recall/F1/support, macro and weighted F1, accuracy, confusion matrix."""
    p, r, f, n = precision_recall_fscore_support(y, pred, labels=[0, 1, 2], zero_division=0)
    wp, wr, wf, _ = precision_recall_fscore_support(y, pred, labels=[0, 1, 2], average="weighted", zero_division=0)
    return {
        "per_class": {c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                          "f1": round(float(f[i]), 4), "support": int(n[i])} for i, c in enumerate(CLASSES)},
        "macro_f1": round(float(f.mean()), 4),
        "weighted": {"precision": round(float(wp), 4), "recall": round(float(wr), 4), "f1": round(float(wf), 4)},
        "accuracy": round(float((y == pred).mean()), 4),
        "confusion_matrix": {"rows_true_cols_predicted": list(CLASSES),
                             "counts": confusion_matrix(y, pred, labels=[0, 1, 2]).tolist()},
    }


def _fit_kwargs(variant: str, texts: Sequence[str], use_pos: bool, identity_augmentation: bool = True
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per-row inputs computed once (VADER, POS tags), to slice per fold; fixed keyword settings."""
    if variant != "davidson2017":
        return {}, ({} if identity_augmentation else {"settings": {"identity_augmentation": False}})
    from biasaudit.analyzers import hate_features as hf
    from biasaudit.text.vader import polarity

    rows: dict[str, Any] = {"vader": polarity(list(texts))}
    fixed: dict[str, Any] = {}
    tagger = hf.spacy_tagger_name() if use_pos else None
    if tagger:
        rows["pos_tags"] = hf.pos_tag_strings(texts)
        fixed["tagger"] = tagger
    return rows, fixed


def cross_validate(variant: str, texts: Sequence[str], y: np.ndarray, seed: int = 0, folds: int = 5,
                   use_pos: bool = True, identity_augmentation: bool = True) -> dict[str, Any]:
    """Stratified ``folds``-fold CV (shuffled with ``seed``): pooled out-of-fold metrics, per-fold F1s.

    Augmentation sentences (default variant) join the training folds only; test folds are real data.
    """
    texts = list(texts)
    y = np.asarray(y, dtype=np.int64)
    rows, fixed = _fit_kwargs(variant, texts, use_pos, identity_augmentation)
    pred = np.empty(len(y), dtype=np.int64)
    proba = np.zeros((len(y), 3))
    per_fold = []
    skf = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for tr, te in skf.split(np.zeros(len(y)), y):
        kw = {k: (v[tr] if isinstance(v, np.ndarray) else [v[i] for i in tr]) for k, v in rows.items()}
        model = trainer.fit(variant, [texts[i] for i in tr], y[tr], seed, **kw, **fixed)
        kt = {k: (v[te] if isinstance(v, np.ndarray) else [v[i] for i in te]) for k, v in rows.items()}
        proba[te] = model.predict_proba([texts[i] for i in te], **kt)
        pred[te] = model.labels(proba[te])
        m = metrics(y[te], pred[te])
        per_fold.append({"hate_f1": m["per_class"]["hate"]["f1"], "weighted_f1": m["weighted"]["f1"],
                         "macro_f1": m["macro_f1"], "decision": model.spec["decision"]})
    out = metrics(y, pred)
    brier = float(np.mean(np.sum((proba - np.eye(3)[y]) ** 2, axis=1)))
    out.update(folds=folds, seed=seed, per_fold=per_fold, brier=round(brier, 4),
               mean_probability={c: round(float(proba[:, i].mean()), 4) for i, c in enumerate(CLASSES)},
               class_share={c: round(float((y == i).mean()), 4) for i, c in enumerate(CLASSES)},
               pos="spacy" if fixed.get("tagger") else ("none (fallback)" if variant == "davidson2017" else "n/a"))
    return out


def train_and_evaluate(data: str | Path, out_dir: str | Path, variant: str = "default", seed: int = 0,
                       text_column: str = "tweet", label_column: str = "class", folds: int = 5,
                       use_pos: bool = True, identity_augmentation: bool = True
                       ) -> tuple[HateLinearModel, dict[str, Any]]:
    """Cross-validate ``variant``, fit it on all of ``data``, write model + evaluation.json/.md to ``out_dir``."""
    texts, y = load_labeled_csv(data, text_column, label_column)
    t0 = time.perf_counter()
    evaluation = cross_validate(variant, texts, y, seed, folds, use_pos, identity_augmentation)
    rows, fixed = _fit_kwargs(variant, texts, use_pos, identity_augmentation)
    model = trainer.fit(variant, texts, y, seed, **rows, **fixed)
    model.spec["training"]["data_sha256"] = sha256_file(str(Path(data).resolve()))
    model.spec["training"]["data_file"] = Path(data).name
    model.spec["training"]["columns"] = {"text": text_column, "label": label_column}
    model.save(out_dir)
    evaluation = {"variant": variant, "data_file": Path(data).name,
                  "data_sha256": model.spec["training"]["data_sha256"], "n": len(y),
                  "method": f"stratified {folds}-fold cross-validation, shuffled with seed {seed}; "
                            "metrics pooled over the out-of-fold predictions",
                  "final_decision": model.spec["decision"], "train_seconds": round(time.perf_counter() - t0, 1),
                  "cross_validation": evaluation}
    out = Path(out_dir)
    (out / "evaluation.json").write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
    (out / "evaluation.md").write_text(evaluation_markdown(evaluation), encoding="utf-8")
    return model, evaluation


def evaluation_markdown(ev: dict[str, Any]) -> str:
    """A readable table version of ``evaluation.json``."""
    cv = ev["cross_validation"]
    lines = [f"# Evaluation: hate analyzer, variant `{ev['variant']}`", "",
             f"Data: `{ev['data_file']}` ({ev['n']} rows, sha256 `{ev['data_sha256'][:16]}…`). {ev['method']}.",
             f"POS features: {cv['pos']}. Final decision rule: `{json.dumps(ev['final_decision'])}`.", "",
             "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for c, m in cv["per_class"].items():
        lines.append(f"| {c} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    w = cv["weighted"]
    lines += [f"| **weighted** | {w['precision']:.3f} | {w['recall']:.3f} | {w['f1']:.3f} | {ev['n']} |", "",
              f"Macro F1 {cv['macro_f1']:.3f}; accuracy {cv['accuracy']:.3f}; Brier score {cv['brier']:.3f}.", "",
              "Mean out-of-fold probability vs true share (calibration in the large): "
              + ", ".join(f"{c} {cv['mean_probability'][c]:.3f} vs {cv['class_share'][c]:.3f}" for c in CLASSES)
              + ".", "",
              "Confusion matrix (rows: true class, columns: predicted):", "",
              "| true \\ predicted | " + " | ".join(CLASSES) + " |", "|---|---|---|---|"]
    for c, row in zip(CLASSES, cv["confusion_matrix"]["counts"]):
        lines.append(f"| {c} | " + " | ".join(str(v) for v in row) + " |")
    lines += ["", "Per fold (hate F1 / weighted F1): "
              + "; ".join(f"{f['hate_f1']:.3f} / {f['weighted_f1']:.3f}" for f in cv["per_fold"]), ""]
    return "\n".join(lines)
