"""``scan --associations``: word vectors learnt from the scanned corpus (PPMI + truncated SVD), WEAT run on them.

Tells a user what associations their data teaches before they train on it; reads batches once, keeps bounded
state, reports tests by name and never quotes records.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from biasaudit.associations import weat
from biasaudit.associations.cooccurrence import CooccurrenceCounter
from biasaudit.errors import InputError, UsageError
from biasaudit.resources import lexicons_dir, sha256_tree

#: Context-distribution smoothing of PMI (Levy, Goldberg & Dagan 2015): P(c) ~ n(c)^0.75.
ALPHA = 0.75
DEFAULTS: dict[str, Any] = {"window": 5, "vocab_size": 10_000, "contexts": 2_000, "dim": 100, "min_count": 5,
                            "warmup_tokens": 1_000_000, "bootstrap": 200, "permutations": 10_000,
                            "min_coverage": 0.8, "tests": "all"}


class CorpusAssociations:
    """A scan collector: streaming co-occurrence counts, then PPMI-SVD vectors and WEAT with document bootstrap.

    Vectors are the rows of U * sqrt(S) of the truncated SVD of the PPMI matrix (rows: the corpus vocabulary,
    columns: its ``contexts`` most frequent words). Bootstrap draws resample documents (conversations, or
    records without one) with replacement; each draw recounts only the WEAT words' rows from their per-document
    counts and folds them into the full-corpus SVD basis (P(c) and the basis held fixed), so a draw costs
    milliseconds, not an SVD; the interval is therefore conditional on that basis.
    """

    name = "associations"

    def __init__(self, seed: int = 0, **options: Any) -> None:
        unknown = sorted(set(options) - set(DEFAULTS))
        if unknown:
            raise UsageError(f"unknown associations option(s) {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
        self.seed, self.options = int(seed), {**DEFAULTS, **options}
        o = self.options
        for key in ("window", "vocab_size", "contexts", "dim", "min_count", "warmup_tokens"):
            if not isinstance(o[key], int) or o[key] < 1:
                raise UsageError(f"associations.{key} must be a positive integer, got {o[key]!r}")
        if not isinstance(o["bootstrap"], int) or o["bootstrap"] < 0:
            raise UsageError(f"associations.bootstrap must be 0 or more, got {o['bootstrap']!r}")
        names = None if o["tests"] in ("all", None) else [t.strip() for t in str(o["tests"]).split(",")]
        self.tests = weat.load_tests(names)
        pinned = {w.lower() for t in self.tests for _, words in t.word_sets().values() for w in words}
        self.counter = CooccurrenceCounter(pinned, window=o["window"], vocab_size=o["vocab_size"],
                                           contexts=o["contexts"], min_count=o["min_count"],
                                           warmup_tokens=o["warmup_tokens"])

    def update(self, frame) -> None:
        conversations = frame["conversation_id"].tolist() if "conversation_id" in frame else None
        self.counter.add(frame["text"].astype(str).tolist(), conversations)

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "method": "PPMI + truncated SVD", "seed": self.seed, **self.options,
                "weat_lexicon_sha256": sha256_tree(lexicons_dir() / "weat")}

    # -- results --------------------------------------------------------------------------------------------
    def finish(self) -> dict[str, Any]:
        c = self.counter
        c.freeze()
        o = self.options
        section: dict[str, Any] = {
            "method": {"vectors": "PPMI (context smoothing 0.75) + truncated SVD, U*sqrt(S)", "seed": self.seed,
                       **{k: o[k] for k in ("window", "vocab_size", "contexts", "dim", "min_count",
                                             "warmup_tokens", "min_coverage", "permutations")},
                       "bootstrap": {"draws": o["bootstrap"], "unit": "document (conversation, else record)",
                                     "interval": "95% percentile"}},
            "corpus": {"documents": c.n_docs, "tokens": c.n_tokens, "vocabulary": len(c.rows),
                       "contexts": len(c.contexts)}}
        space = _Space.build(c, o["dim"], self.seed) if c.counts.nnz else None
        section["corpus"]["dimensions"] = 0 if space is None else space.dim
        results = []
        for test in self.tests:
            if space is None:
                results.append(_skipped(test, "the corpus has no co-occurrences of vocabulary words"))
                continue
            lookup = space.lookup(c, o["min_count"])
            try:
                result = weat.run_test(test, lookup, lowercase=True, min_coverage=o["min_coverage"],
                                       permutations=o["permutations"], seed=self.seed)
            except InputError:  # too few of the test's words are in the corpus (often enough)
                results.append(_low_coverage(test, lookup, o["min_coverage"], o["min_count"]))
                continue
            result["status"] = "ok"
            results.append(result)
        ok = [(r, t) for r, t in zip(results, self.tests) if r["status"] == "ok"]
        if ok and o["bootstrap"]:
            for (result, _), interval in zip(ok, self._bootstrap([t for _, t in ok], space, lookup)):
                result["bootstrap"] = interval
        section["tests"] = results
        return section

    def _bootstrap(self, tests: list, space: _Space, lookup) -> list[dict[str, Any]]:
        """Percentile intervals of the effect sizes over document resamples, one set of seeded draws shared by
        all tests (each test keeps the words of its estimate)."""
        c, draws = self.counter, self.options["bootstrap"]
        pins = [[[c.pinned.index(w) for w in dict.fromkeys(v.lower() for v in words) if lookup(w) is not None]
                 for _, words in test.word_sets().values()] for test in tests]
        used = sorted({i for sets in pins for p in sets for i in p})
        local = {pin: k for k, pin in enumerate(used)}
        pins = [[[local[i] for i in p] for p in sets] for sets in pins]
        doc, cell, count = c.document_counts()
        keep = np.isin(cell // space.n_contexts, used)
        cells, where = np.unique(cell[keep], return_inverse=True)
        doc, count = doc[keep], count[keep]
        rows, cols = np.searchsorted(used, cells // space.n_contexts), cells % space.n_contexts
        rng = np.random.default_rng([self.seed, 1])
        effects: list[list[float]] = [[] for _ in tests]
        for _ in range(draws):
            weights = np.bincount(rng.integers(0, c.n_docs, c.n_docs), minlength=c.n_docs)[doc] * count
            values = np.bincount(where, weights, minlength=cells.size)
            vectors = space.embed(rows, cols, values, len(used))
            present = np.linalg.norm(vectors, axis=1) > 0
            for sets, out in zip(pins, effects):
                groups = [vectors[[i for i in p if present[i]]] for p in sets]
                if all(len(g) for g in groups):
                    try:
                        out.append(weat.effect_size(*groups))
                    except UsageError:  # every word scored alike in this draw
                        pass
        return [_interval(e, draws) for e in effects]


def _interval(effects: list[float], draws: int) -> dict[str, Any]:
    low, high = np.percentile(effects, [2.5, 97.5]) if effects else (None, None)
    return {"ci_low": None if low is None else float(low), "ci_high": None if high is None else float(high),
            "level": 0.95, "draws": draws, "valid_draws": len(effects)}


class _Space:
    """The full-corpus PPMI-SVD space: P(c), and the map from a PPMI row to its vector (V * S^-1/2)."""

    def __init__(self, p_context: np.ndarray, projection: np.ndarray, vectors: np.ndarray) -> None:
        self.p_context, self.projection, self.vectors = p_context, projection, vectors
        self.n_contexts, self.dim = p_context.size, projection.shape[1]

    @classmethod
    def build(cls, c: CooccurrenceCounter, dim: int, seed: int) -> _Space:
        from sklearn.utils.extmath import randomized_svd

        col = np.asarray(c.counts.sum(axis=0)).ravel()
        p_context = col ** ALPHA / (col ** ALPHA).sum()
        ppmi = _ppmi_sparse(c.counts, p_context)
        k = max(1, min(dim, min(ppmi.shape) - 1))
        _, s, vt = randomized_svd(ppmi, k, random_state=seed)
        keep = s > 1e-10 * s[0]
        projection = vt[keep].T / np.sqrt(s[keep])
        space = cls(p_context, projection, np.zeros(0))
        space.vectors = np.asarray(ppmi @ projection)
        return space

    def embed(self, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int) -> np.ndarray:
        """Vectors of count rows given as cells (a bootstrap draw), in the full-corpus basis."""
        n_w = np.bincount(rows, values, minlength=n_rows)
        nz = values > 0
        ppmi = np.maximum(np.log(values[nz] / (n_w[rows[nz]] * self.p_context[cols[nz]])), 0.0)
        m = sparse.csr_matrix((ppmi, (rows[nz], cols[nz])), shape=(n_rows, self.n_contexts))
        return np.asarray(m @ self.projection)

    def lookup(self, c: CooccurrenceCounter, min_count: int):
        def vector(word: str) -> np.ndarray | None:
            i = c.rows.get(word)
            if i is None or c.frequency(word) < min_count or not np.any(self.vectors[i]):
                return None
            return self.vectors[i]
        return vector


def _ppmi_sparse(counts: sparse.csr_matrix, p_context: np.ndarray) -> sparse.csr_matrix:
    """max(0, log n(w,c) / (n(w) P(c))) on the stored entries."""
    m = counts.tocoo()
    n_w = np.asarray(counts.sum(axis=1)).ravel()
    pmi = np.log(m.data / (n_w[m.row] * p_context[m.col]))
    out = sparse.csr_matrix((np.maximum(pmi, 0.0), (m.row, m.col)), shape=counts.shape)
    out.eliminate_zeros()
    return out


def _skipped(test, reason: str, **extra: Any) -> dict[str, Any]:
    return {"test": test.name, "description": test.description, "status": "skipped", "reason": reason, **extra}


def _low_coverage(test, lookup, min_coverage: float, min_count: int) -> dict[str, Any]:
    """A skipped test with its coverage and missing words per set (missing: absent or under min_count)."""
    coverage, missing = {}, {}
    for role, (name, words) in test.word_sets().items():
        unique = list(dict.fromkeys(w.lower() for w in words))
        missing[role] = [w for w in unique if lookup(w) is None]
        coverage[role] = {"name": name, "found": len(unique) - len(missing[role]), "total": len(unique)}
    short = ", ".join(f"{c['name']} {c['found']}/{c['total']}" for c in coverage.values())
    return _skipped(test, f"too few words in the corpus (at least {min_count} times each) for {min_coverage:.0%} "
                          f"coverage of every set: {short}", coverage=coverage, missing=missing)
