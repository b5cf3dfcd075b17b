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
    the analyzer has that method (its own decision rule), else from the argmax. Same result as feeding the
    records in batches to ``HateSelfAudit`` (which is what a scan does, in bounded memory).
    """
    missing = {"text", "hate_label", "p_hate", "p_offensive"} - set(records.columns)
    if missing:
        raise ValueError(f"self-audit needs record columns: {', '.join(sorted(missing))}")
    audit = HateSelfAudit(analyzer, lexicon=lexicon, max_counterfactual_records=max_counterfactual_records,
                          seed=seed, templates=templates)
    audit.update(records if "id" in records.columns else records.assign(id=records.index))
    return audit.finish()


class HateSelfAudit:
    """The self-audit as a scan collector: sees each scored batch once, keeps bounded state.

    Group rates are counts per identity column; the counterfactual step keeps a seeded uniform reservoir of at
    most ``max_counterfactual_records`` flagged records that contain a swappable term (ids and texts only).
    """

    name = "hate_self_audit"

    def __init__(self, analyzer: ProbaModel, *, lexicon: IdentityLexicon | None = None,
                 max_counterfactual_records: int = 200, seed: int = 0,
                 templates: tuple[str, ...] = TEMPLATES) -> None:
        self.analyzer, self.lexicon = analyzer, lexicon or IdentityLexicon.load()
        self.max_records, self.seed, self.templates = max_counterfactual_records, seed, templates
        self.counts = GroupCounts(self.lexicon)
        self._rng = np.random.default_rng(seed)
        self._reservoir: list[tuple[int, Any, str]] = []  # (eligible sequence number, id, text)
        self.n_flagged = self.n_eligible = 0

    def update(self, frame: pd.DataFrame) -> None:
        labels = frame["hate_label"].astype(str).to_numpy()
        texts = frame["text"].to_numpy()
        self.counts.update(texts, labels)
        ids = frame["id"].to_numpy()
        for i in np.flatnonzero((labels == "hate") | (labels == "offensive")):
            self.n_flagged += 1
            text = texts[i]
            hit = self.lexicon.find_swap(text) if isinstance(text, str) else None
            if not hit or len(self.lexicon.swap_terms(hit[0])) <= 1:
                continue
            k = self.n_eligible
            self.n_eligible += 1
            if k < self.max_records:
                self._reservoir.append((k, ids[i], text))
            else:
                j = int(self._rng.integers(0, k + 1))  # Algorithm R: uniform over all eligible records
                if j < self.max_records:
                    self._reservoir[j] = (k, ids[i], text)

    def finish(self) -> dict[str, Any]:
        sample = sorted(self._reservoir, key=lambda r: r[0])
        kept = pd.DataFrame({"id": [r[1] for r in sample], "text": [r[2] for r in sample],
                             "hate_label": "hate"})  # all flagged; the label only marks them eligible
        records_part = record_sensitivity(self.analyzer, kept, self.lexicon, max_records=len(sample) or 1,
                                          seed=self.seed)
        records_part.update(n_flagged=self.n_flagged, n_eligible=self.n_eligible, n_sampled=len(sample),
                            seed=self.seed)
        audit = {
            "labels": list(LABELS),
            "lexicon": self.lexicon.info(),
            "group_rates": self.counts.result(),
            "counterfactual_templates": template_sensitivity(self.analyzer, self.lexicon, self.templates),
            "counterfactual_records": records_part,
        }
        return {"summary": summarise(audit), **audit}

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "max_counterfactual_records": self.max_records, "seed": self.seed,
                "templates": list(self.templates), "lexicon": self.lexicon.info()}


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
    counts = GroupCounts(lexicon)
    counts.update(records["text"].to_numpy(), records["hate_label"].astype(str).to_numpy())
    return counts.result()


class GroupCounts:
    """Streaming counts behind ``group_rates``: records, hate and offensive flags per identity column."""

    def __init__(self, lexicon: IdentityLexicon) -> None:
        self.lexicon, self.columns = lexicon, list(lexicon.columns)
        self._family_cols = [self.columns.index(f) for f in lexicon.groups]
        width = len(self.columns) + 2  # identity columns, then "no group", then the corpus
        self.n, self.hate, self.offensive = (np.zeros(width, dtype=np.int64) for _ in range(3))

    def update(self, texts: np.ndarray, labels: np.ndarray) -> None:
        mentions = self.lexicon.mentions(pd.Series(texts, dtype=object).fillna("")).to_numpy()
        no_group = ~mentions[:, self._family_cols].any(axis=1)
        masks = np.column_stack([mentions, no_group, np.ones(len(labels), dtype=bool)])
        self.n += masks.sum(axis=0)
        self.hate += masks[labels == "hate"].sum(axis=0)
        self.offensive += masks[labels == "offensive"].sum(axis=0)

    def result(self) -> dict[str, Any]:
        corpus_i = len(self.columns) + 1
        corpus = {name: rate(int(c[corpus_i]), int(self.n[corpus_i]))
                  for name, c in (("hate", self.hate), ("offensive", self.offensive))}

        def summary(i: int) -> dict[str, Any]:
            out: dict[str, Any] = {"n": int(self.n[i])}
            for name, c in (("hate", self.hate), ("offensive", self.offensive)):
                r = rate(int(c[i]), int(self.n[i]))
                base = corpus[name]["rate"]
                r["ratio_to_corpus"] = r["rate"] / base if base and not math.isnan(r["rate"]) else math.nan
                out[name] = r
            return out

        families: dict[str, Any] = {}
        for family, subs in self.lexicon.groups.items():
            families[family] = summary(self.columns.index(family))
            families[family]["subgroups"] = {s: summary(self.columns.index(f"{family}/{s}")) for s in subs}
        return {"n_records": int(self.n[corpus_i]), "corpus": corpus, "no_group": summary(len(self.columns)),
                "families": families}


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
