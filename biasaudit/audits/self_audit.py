"""Self-audit of a hate/offensive classifier: flag rates per identity group and counterfactual sensitivity.

Record-level counterfactuals come two ways: attributes of the counterfactual lexicon (``lexicons/cda``; by default
gender) are swapped whole by ``biasaudit.transforms.swap.Swapper`` (pronouns with their grammar, nouns, titles,
first names), and the statistics are ``biasaudit.audits.counterfactual``'s; every other identity group gets the
one-adjective swaps of ``lexicons/identity``. Measures the classifier's behaviour on a corpus and on fixed
templates; it must not copy corpus text to the output.
"""
from __future__ import annotations

import math
import re
from typing import Any, Protocol

import numpy as np
import pandas as pd

from biasaudit.analyzers.base import Column
from biasaudit.audits.counterfactual import PairStats, direction
from biasaudit.audits.identity import (
    IdentityLexicon,
    ascii_matches,
    first_runs,
    normalise_term,
    substitute,
    term_regex,
)
from biasaudit.report.stats import rate
from biasaudit.transforms.cda_lexicon import Attribute, CDALexicon
from biasaudit.transforms.swap import Swapper

LABELS = ("hate", "offensive", "neither")  # column order of predict_proba
#: Counterfactual-lexicon attributes swapped whole (every gendered word, name and title of a record).
CDA_ATTRIBUTES = ("gender",)
_PAIR_COLUMNS = [Column("p_hate", "score", "probability of hate"),
                 Column("p_offensive", "score", "probability of offensive"),
                 Column("hate_label", "label", "the classifier's label", labels=LABELS)]

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
                    templates: tuple[str, ...] = TEMPLATES, cda_attributes: tuple[str, ...] = CDA_ATTRIBUTES,
                    cda_lexicon: CDALexicon | None = None, pos: str = "rules") -> dict[str, Any]:
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
                          seed=seed, templates=templates, cda_attributes=cda_attributes, cda_lexicon=cda_lexicon,
                          pos=pos)
    audit.update(records if "id" in records.columns else records.assign(id=records.index))
    return audit.finish()


class Reservoir:
    """Algorithm R: a seeded uniform sample of at most ``size`` items of a stream of unknown length."""

    def __init__(self, size: int, rng: np.random.Generator) -> None:
        self.size, self.rng = size, rng
        self.items: list[tuple[int, Any]] = []  # (position in the stream, item)
        self.seen = 0

    def offer(self, item: Any) -> None:
        k = self.seen
        self.seen += 1
        if k < self.size:
            self.items.append((k, item))
        else:
            j = int(self.rng.integers(0, k + 1))
            if j < self.size:
                self.items[j] = (k, item)

    def sample(self) -> list[Any]:
        """The kept items in stream order."""
        return [item for _, item in sorted(self.items, key=lambda r: r[0])]


class AdjectiveSwaps:
    """The identity lexicon's swap adjectives, minus the words a counterfactual-lexicon attribute swaps."""

    def __init__(self, lexicon: IdentityLexicon, exclude: frozenset[str] = frozenset()) -> None:
        self.lexicon = lexicon
        self.index = {normalise_term(term): (family, sub, term) for family in lexicon.groups
                      for sub, term in lexicon.swap_terms(family) if normalise_term(term) not in exclude}
        self.excluded = sorted(exclude & {normalise_term(t) for f in lexicon.groups
                                          for _, t in lexicon.swap_terms(f)})
        self._pattern = re.compile(term_regex(self.index), re.IGNORECASE)
        self._starts = first_runs(self.index)

    def find(self, text: str) -> tuple[str, str, str] | None:
        """The first swappable adjective of ``text`` as ``(family, subgroup, term)``, or None."""
        m = next(ascii_matches(self._pattern, text, self._starts), None)
        hit = self.index[normalise_term(m.group(0))] if m else None
        return hit if hit and len(self.lexicon.swap_terms(hit[0])) > 1 else None


class HateSelfAudit:
    """The self-audit as a scan collector: sees each scored batch once, keeps bounded state.

    Group rates are counts per identity column. The counterfactual steps keep seeded uniform reservoirs (ids and
    texts only) of at most ``max_counterfactual_records`` flagged records each: one of records with a swappable
    identity adjective, one per counterfactual-lexicon attribute (``cda_attributes``) of records the swapper
    changes. ``pos``: how the swapper tells "her book" from "saw her" (``rules``, ``spacy`` or ``auto``).
    """

    name = "hate_self_audit"

    def __init__(self, analyzer: ProbaModel, *, lexicon: IdentityLexicon | None = None,
                 max_counterfactual_records: int = 200, seed: int = 0,
                 templates: tuple[str, ...] = TEMPLATES, cda_attributes: tuple[str, ...] = CDA_ATTRIBUTES,
                 cda_lexicon: CDALexicon | None = None, pos: str = "rules") -> None:
        self.analyzer, self.lexicon = analyzer, lexicon or IdentityLexicon.load()
        self.max_records, self.seed, self.templates = max_counterfactual_records, seed, templates
        self.counts = GroupCounts(self.lexicon)
        self.cda_lexicon = (cda_lexicon or CDALexicon.load()) if cda_attributes else None
        self.attributes: list[Attribute] = self.cda_lexicon.select(cda_attributes) if self.cda_lexicon else []
        self.swapper = Swapper(self.attributes, pos=pos) if self.attributes else None
        self.adjectives = AdjectiveSwaps(self.lexicon, frozenset(k for a in self.attributes for k in a.terms))
        self._reservoir = Reservoir(self.max_records, np.random.default_rng(seed))
        self._swap_reservoirs = {a.name: Reservoir(self.max_records, np.random.default_rng([seed, i + 1]))
                                 for i, a in enumerate(self.attributes)}
        self.n_flagged = 0

    def update(self, frame: pd.DataFrame) -> None:
        labels = frame["hate_label"].astype(str).to_numpy()
        texts = frame["text"].to_numpy()
        self.counts.update(texts, labels, self.lexicon.batch_mentions(frame))
        ids = frame["id"].to_numpy()
        flagged = np.flatnonzero((labels == "hate") | (labels == "offensive"))
        self.n_flagged += len(flagged)
        flagged = [i for i in flagged if isinstance(texts[i], str)]
        for i in flagged:
            if self.adjectives.find(texts[i]):
                self._reservoir.offer((ids[i], texts[i]))
        for attr in self.attributes:
            shift = {attr.name: 1}  # one rotation tells whether a record has words to swap; finish() makes all
            for i in flagged:
                if self.swapper.finds(texts[i], shift):
                    self._swap_reservoirs[attr.name].offer((ids[i], texts[i]))

    def finish(self) -> dict[str, Any]:
        sample = self._reservoir.sample()
        kept = pd.DataFrame({"id": [r[0] for r in sample], "text": [r[1] for r in sample],
                             "hate_label": "hate"})  # all flagged; the label only marks them eligible
        records_part = record_sensitivity(self.analyzer, kept, self.lexicon, max_records=len(sample) or 1,
                                          seed=self.seed, adjectives=self.adjectives)
        records_part.update(n_flagged=self.n_flagged, n_eligible=self._reservoir.seen, n_sampled=len(sample),
                            seed=self.seed)
        audit = {
            "labels": list(LABELS),
            "lexicon": self.lexicon.info(),
            "group_rates": self.counts.result(),
            "counterfactual_templates": template_sensitivity(self.analyzer, self.lexicon, self.templates),
            "counterfactual_records": records_part,
            "counterfactual_swaps": self._swaps_part(),
        }
        return {"summary": summarise(audit), **audit}

    def _swaps_part(self) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": {}}
        if self.swapper is None:
            return out
        out.update(lexicon=self.cda_lexicon.info([a.name for a in self.attributes]), swapper=self.swapper.info(),
                   adjectives_left_to_the_swapper=self.adjectives.excluded)
        for attr in self.attributes:
            res = self._swap_reservoirs[attr.name]
            sample = res.sample()
            part = swap_sensitivity(self.analyzer, [r[0] for r in sample], [r[1] for r in sample], self.swapper,
                                    attr)
            out["attributes"][attr.name] = {"n_flagged": self.n_flagged, "n_eligible": res.seen,
                                            "n_sampled": len(sample), "seed": self.seed, **part}
        return out

    def info(self) -> dict[str, Any]:
        info = {"name": self.name, "max_counterfactual_records": self.max_records, "seed": self.seed,
                "templates": list(self.templates), "lexicon": self.lexicon.info()}
        if self.swapper is not None:
            info["counterfactual_swaps"] = {"attributes": [a.name for a in self.attributes],
                                            "lexicon_sha256": self.cda_lexicon.sha256, **self.swapper.info()}
        return info


def summarise(audit: dict[str, Any]) -> dict[str, Any]:
    """Headline figures: the largest template spreads, the flip rates, and the over-flagged subgroups.

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
    out["swap_label_flip_rate"] = {name: a["labels"]["hate_label"]["rate"]
                                   for name, a in audit["counterfactual_swaps"]["attributes"].items()}
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

    def update(self, texts: np.ndarray, labels: np.ndarray, mentions: np.ndarray | None = None) -> None:
        """``mentions``: the lexicon's tagging of ``texts`` when already done (a scan shares it per batch)."""
        if mentions is None:
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
                       max_records: int = 200, seed: int = 0, adjectives: AdjectiveSwaps | None = None
                       ) -> dict[str, Any]:
    """Swap the identity adjective of flagged records for every other one of its family and re-score.

    Samples (seeded) up to ``max_records`` flagged records that contain a swap term (of ``adjectives``: by
    default every swap adjective of ``lexicon``); reports mean |Δp| over all (record, replacement) pairs and
    the share of records whose label flips for some replacement.
    """
    adjectives = adjectives or AdjectiveSwaps(lexicon)
    ids = records["id"].to_numpy() if "id" in records.columns else records.index.to_numpy()
    texts = records["text"].to_numpy()
    flagged = np.flatnonzero(records["hate_label"].astype(str).isin(["hate", "offensive"]).to_numpy())
    found = {int(i): adjectives.find(texts[i]) for i in flagged if isinstance(texts[i], str)}
    eligible = np.array(sorted(i for i, hit in found.items() if hit), dtype=np.int64)
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


def swap_sensitivity(analyzer: ProbaModel, ids: list[Any], texts: list[str], swapper: Swapper,
                     attribute: Attribute, *, top: int = 10) -> dict[str, Any]:
    """Swap every word of ``attribute`` in ``texts`` (each rotation of its groups) and re-score the pairs.

    ``biasaudit.audits.counterfactual``'s statistics per pair: mean p_hate/p_offensive before and after, mean
    paired change with its t 95% interval and mean |change| (overall and per direction, e.g. "male -> female"),
    and the share of pairs whose label changes (Wilson interval). The largest changes are listed by id only.
    """
    jobs = []  # (text index, shift, swapped)
    for shift in range(1, attribute.n_groups):
        for i, res in enumerate(swapper.swap_many(texts, [{attribute.name: shift}] * len(texts))):
            if res.swaps:
                jobs.append((i, shift, res))
    stats = PairStats(_PAIR_COLUMNS, top=0)  # top=0: the shared statistics keep no text
    if not jobs:
        return stats.finish() | {"largest_changes": []}
    owner = np.array([i for i, _, _ in jobs])
    base = _proba(analyzer, texts)[owner]
    swapped = _proba(analyzer, [res.text for *_, res in jobs])
    frames = [pd.DataFrame({"p_hate": p[:, 0], "p_offensive": p[:, 1],
                            "hate_label": np.asarray(LABELS)[_labels(analyzer, p)]}) for p in (base, swapped)]
    dirs = [direction(res.swaps) for *_, res in jobs]
    stats.add([ids[i] for i in owner], [f"{ids[i]}~{s}" for i, s, _ in jobs], [], [], dirs, *frames)
    delta = swapped[:, :2] - base[:, :2]
    flips = frames[0]["hate_label"].to_numpy() != frames[1]["hate_label"].to_numpy()
    order = np.argsort(-np.abs(delta).max(axis=1), kind="stable")[:top]
    return stats.finish() | {"largest_changes": [
        {"id": _jsonable(ids[owner[k]]), "direction": dirs[k], "delta_p_hate": float(delta[k, 0]),
         "delta_p_offensive": float(delta[k, 1]), "label_flips": bool(flips[k])} for k in order]}


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
