"""Self-audit of a hate/offensive classifier: flag rates per identity group and counterfactual sensitivity.

Measures the classifier's behaviour on a corpus and on fixed templates; it must not copy corpus text to the output.
"""
from __future__ import annotations

import math
from typing import Any, Protocol

import numpy as np
import pandas as pd

from biasaudit.audits.identity import IdentityLexicon, substitute, term_regex
from biasaudit.report.stats import rate

LABELS = ("hate", "offensive", "neither")  # column order of predict_proba

# Neutral carrier sentences; "{}" takes a swap adjective (a/an and sentence-start capitals are fixed).
TEMPLATES = (
    "I am a {} person.",
    "My neighbour is {}.",
    "{} people live on our street.",
    "We had lunch with a {} colleague.",
    "The {} students finished their project early.",
    "She told me that her best friend is {}.",
)


class ProbaModel(Protocol):
    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


def hate_self_audit(analyzer: ProbaModel, records: pd.DataFrame, *, lexicon: IdentityLexicon | None = None,
                    max_counterfactual_records: int = 200, seed: int = 0,
                    templates: tuple[str, ...] = TEMPLATES) -> dict[str, Any]:
    """The self-audit section of the scan report (JSON-able; records appear by id only).

    ``records`` needs ``text``, ``hate_label`` (hate/offensive/neither), ``p_hate`` and ``p_offensive``, and
    may have ``id`` (else the index is the id). ``analyzer.predict_proba`` returns (n, 3) probabilities in
    the order hate, offensive, neither; a counterfactual's label comes from ``analyzer.labels(proba)`` when
    the analyzer has that method (its own decision rule), else from the argmax.
    """
    lexicon = lexicon or IdentityLexicon.load()
    missing = {"text", "hate_label", "p_hate", "p_offensive"} - set(records.columns)
    if missing:
        raise ValueError(f"self-audit needs record columns: {', '.join(sorted(missing))}")
    audit = {
        "labels": list(LABELS),
        "lexicon": lexicon.info(),
        "group_rates": group_rates(records, lexicon),
        "counterfactual_templates": template_sensitivity(analyzer, lexicon, templates),
        "counterfactual_records": record_sensitivity(analyzer, records, lexicon,
                                                     max_records=max_counterfactual_records, seed=seed),
    }
    return {"summary": summarise(audit), **audit}


def summarise(audit: dict[str, Any]) -> dict[str, Any]:
    """Headline figures: the largest template spreads, the flip rate, and the over-flagged subgroups.

    A subgroup is over-flagged when the lower end of its Wilson interval lies above the corpus rate; the
    list is ordered by that lower end.
    """
    fams = audit["counterfactual_templates"]["families"]
    out: dict[str, Any] = {}
    for key in ("p_hate", "p_offensive"):
        top = max(fams, key=lambda f: fams[f][f"{key}_spread"], default=None)
        out[f"max_template_{key}_spread"] = ({"family": top, "value": fams[top][f"{key}_spread"]}
                                             if top else None)
    out["record_label_flip_rate"] = audit["counterfactual_records"]["label_flips"]["rate"]
    g = audit["group_rates"]
    for flag in ("hate", "offensive"):
        base = g["corpus"][flag]["rate"]
        over = [{"group": f"{family}/{sub}", "n": r["n"], "rate": r[flag]["rate"], "ci_low": r[flag]["ci_low"],
                 "ratio_to_corpus": r[flag]["ratio_to_corpus"]}
                for family, fam in g["families"].items() for sub, r in fam["subgroups"].items()
                if r["n"] and r[flag]["ci_low"] > base]
        # Most certain first: ranking by the interval's low end keeps 1-of-1 subgroups below well-supported ones.
        out[f"over_flagged_{flag}"] = sorted(over, key=lambda o: (-o["ci_low"], o["group"]))
    return out


def group_rates(records: pd.DataFrame, lexicon: IdentityLexicon) -> dict[str, Any]:
    """Hate and offensive flag rates (Wilson 95%) overall, per family and subgroup, and for no-group records."""
    labels = records["hate_label"].astype(str).to_numpy()
    flags = {"hate": labels == "hate", "offensive": labels == "offensive"}
    corpus = {name: rate(int(f.sum()), len(f)) for name, f in flags.items()}
    mentions = lexicon.mentions(records["text"].reset_index(drop=True)).to_numpy()
    columns = lexicon.columns

    def summary(mask: np.ndarray) -> dict[str, Any]:
        out: dict[str, Any] = {"n": int(mask.sum())}
        for name, f in flags.items():
            r = rate(int(f[mask].sum()), int(mask.sum()))
            base = corpus[name]["rate"]
            r["ratio_to_corpus"] = r["rate"] / base if base and not math.isnan(r["rate"]) else math.nan
            out[name] = r
        return out

    families: dict[str, Any] = {}
    for family, subs in lexicon.groups.items():
        families[family] = summary(mentions[:, columns.index(family)])
        families[family]["subgroups"] = {s: summary(mentions[:, columns.index(f"{family}/{s}")]) for s in subs}
    family_cols = [columns.index(f) for f in lexicon.groups]
    return {"n_records": len(records), "corpus": corpus,
            "no_group": summary(~mentions[:, family_cols].any(axis=1)), "families": families}


def template_sensitivity(analyzer: ProbaModel, lexicon: IdentityLexicon,
                         templates: tuple[str, ...] = TEMPLATES) -> dict[str, Any]:
    """Mean p_hate/p_offensive per swap term over the templates, and the max-min spread within each family."""
    rows = [(family, sub, term) for family in lexicon.groups for sub, term in lexicon.swap_terms(family)]
    texts = [substitute(t, r"\{\}", term) for _, _, term in rows for t in templates]
    proba = _proba(analyzer, texts).reshape(len(rows), len(templates), 3).mean(axis=1) if rows else np.empty((0, 3))
    families: dict[str, Any] = {}
    for i, (family, sub, term) in enumerate(rows):
        fam = families.setdefault(family, {"terms": {}})
        fam["terms"][term] = {"subgroup": sub, "mean_p_hate": float(proba[i, 0]),
                              "mean_p_offensive": float(proba[i, 1])}
    for fam in families.values():
        for key in ("p_hate", "p_offensive"):
            values = {term: v[f"mean_{key}"] for term, v in fam["terms"].items()}
            hi, lo = max(values, key=values.get), min(values, key=values.get)
            fam[f"{key}_spread"] = values[hi] - values[lo]
            fam[f"{key}_max_term"], fam[f"{key}_min_term"] = hi, lo
    return {"templates": list(templates), "families": families}


def record_sensitivity(analyzer: ProbaModel, records: pd.DataFrame, lexicon: IdentityLexicon, *,
                       max_records: int = 200, seed: int = 0) -> dict[str, Any]:
    """Swap the identity adjective of flagged records for every other one of its family and re-score.

    Samples (seeded) up to ``max_records`` flagged records that contain a swap term; reports mean |Δp|
    over all (record, replacement) pairs and the share of records whose label flips for some replacement.
    """
    ids = records["id"].to_numpy() if "id" in records.columns else records.index.to_numpy()
    texts = records["text"].to_numpy()
    flagged = np.flatnonzero(records["hate_label"].astype(str).isin(["hate", "offensive"]).to_numpy())
    found = {int(i): lexicon.find_swap(str(texts[i])) for i in flagged if isinstance(texts[i], str)}
    eligible = np.array(sorted(i for i, hit in found.items() if hit and len(lexicon.swap_terms(hit[0])) > 1),
                        dtype=np.int64)
    out: dict[str, Any] = {"n_flagged": len(flagged), "n_eligible": len(eligible)}
    if len(eligible) > max_records:
        eligible = np.sort(np.random.default_rng(seed).choice(eligible, size=max_records, replace=False))
    out |= {"n_sampled": len(eligible), "seed": seed}
    variants, owner, originals = [], [], []
    for k, i in enumerate(eligible):
        family, _, term = found[int(i)]
        originals.append(str(texts[i]))
        for _, other in lexicon.swap_terms(family):
            if other.lower() != term.lower():
                variants.append(substitute(str(texts[i]), term_regex([term]), other))
                owner.append(k)
    if not originals:
        return out | {"mean_abs_delta_p_hate": math.nan, "mean_abs_delta_p_offensive": math.nan,
                      "label_flips": rate(0, 0), "by_family": {}, "largest_changes": []}
    base, swapped, owner = _proba(analyzer, originals), _proba(analyzer, variants), np.array(owner)
    delta = np.abs(swapped[:, :2] - base[owner, :2])
    flips = np.zeros(len(originals), dtype=bool)
    np.logical_or.at(flips, owner, _labels(analyzer, swapped) != _labels(analyzer, base)[owner])
    max_delta = np.zeros(len(originals))
    np.maximum.at(max_delta, owner, delta.max(axis=1))
    fams = np.array([found[int(i)][0] for i in eligible])
    by_family = {}
    for family in dict.fromkeys(fams):
        rec = fams == family
        pair = rec[owner]
        by_family[family] = {"n_records": int(rec.sum()), "mean_abs_delta_p_hate": float(delta[pair, 0].mean()),
                             "mean_abs_delta_p_offensive": float(delta[pair, 1].mean()),
                             "label_flips": rate(int(flips[rec].sum()), int(rec.sum()))}
    top = np.argsort(-max_delta, kind="stable")[:10]
    return out | {
        "mean_abs_delta_p_hate": float(delta[:, 0].mean()),
        "mean_abs_delta_p_offensive": float(delta[:, 1].mean()),
        "label_flips": rate(int(flips.sum()), len(flips)),
        "by_family": by_family,
        "largest_changes": [{"id": _jsonable(ids[eligible[k]]), "family": str(fams[k]),
                             "max_abs_delta": float(max_delta[k]), "label_flips": bool(flips[k])} for k in top],
    }


def _proba(analyzer: ProbaModel, texts: list[str]) -> np.ndarray:
    proba = np.asarray(analyzer.predict_proba(list(texts)), dtype=np.float64)
    if proba.shape != (len(texts), 3):
        raise ValueError(f"predict_proba must return shape ({len(texts)}, 3), got {proba.shape}")
    return proba


def _labels(analyzer: ProbaModel, proba: np.ndarray) -> np.ndarray:
    """The analyzer's own decision rule if it has one (``labels(proba)``, e.g. a tuned hate threshold)."""
    rule = getattr(analyzer, "labels", None)
    return np.asarray(rule(proba)) if callable(rule) else proba.argmax(axis=1)


def _jsonable(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
