"""Spilled columns (report.spill) and FilterAccount's score statistics equal NumPy on the in-memory column."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from biasaudit.analyzers.registry import build_many
from biasaudit.filtering.hook import FilterHook
from biasaudit.filtering.policy import OPERATORS, Policy
from biasaudit.report import spill
from biasaudit.report.filtered import DEFAULT_SWEEP_QUANTILES, QUANTILES, FilterAccount
from biasaudit.report.spill import SpilledColumn, pairwise_sum
from biasaudit.report.stats import rate
from tests.conftest import shared_path


def _arrays(rng: np.random.Generator) -> list[np.ndarray]:
    sizes = [1, 7, 8, 9, 127, 128, 129, 1000, 65_535, 65_536, 65_537, 131_073, 300_001]
    out = [rng.random(n) for n in sizes]
    out += [rng.standard_normal(n) * 10.0 ** rng.integers(-8, 9) for n in sizes]
    out.append(np.r_[-0.0, np.zeros(200), -np.zeros(300)])  # signed zeros
    out.append(np.r_[1e16, np.ones(5000), -1e16, rng.random(70_000)])  # cancellation: order matters
    return out


@pytest.mark.parametrize("leaf", [128, 129, 1000, spill.CHUNK])
def test_pairwise_sum_repeats_numpys_summation_order(leaf: int) -> None:
    for a in _arrays(np.random.default_rng(leaf)):
        got = pairwise_sum(lambda s, k, a=a: a[s:s + k], 0, len(a), leaf)
        assert np.float64(got).tobytes() == np.sum(a).tobytes(), len(a)


def test_spilled_column_equals_numpy_on_the_whole_column() -> None:
    rng = np.random.default_rng(1)
    for a in _arrays(rng)[::3]:
        col = SpilledColumn()
        holes = a.copy()
        holes[rng.random(len(a)) < 0.05] = np.nan
        for part in np.array_split(holes, max(1, len(a) // 1024)):
            col.append(part)
        finite = holes[~np.isnan(holes)]
        assert col.n == len(finite)
        assert np.array_equal(np.concatenate(list(col.chunks())) if col.n else finite, finite)
        if not col.n:
            continue
        assert col.mean() == finite.mean()
        qs = (0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 1.0)
        assert col.quantiles(qs) == [float(np.quantile(finite, q)) for q in qs]
        t = float(np.median(finite))
        assert col.count(lambda v, t=t: v > t) == int((finite > t).sum())
        col.close()


def _reference_scores(account: FilterAccount, col: str, values: np.ndarray) -> dict:
    """FilterAccount's score section computed the straightforward way, on the whole column in memory."""
    values = values[~np.isnan(values)]
    rule = next((r for r in account.policy.rules if r.column == col and isinstance(r.value, float)), None)
    op = rule.op if rule is not None else ">"
    quantiles = {f"p{round(q * 100):02d}": float(np.quantile(values, q)) if len(values) else None
                 for q in QUANTILES}
    thresholds = set(account.policy.sweep.get(col, ()))
    if not thresholds and len(values):
        thresholds = {round(float(np.quantile(values, q)), 4) for q in DEFAULT_SWEEP_QUANTILES}
    if rule is not None:
        thresholds.add(float(rule.value))
    sweep = [{"threshold": t, "rule": f"{col}{op}{t}", **rate(int(OPERATORS[op](values, t).sum()), len(values))}
             for t in sorted(thresholds)]
    return {"n": len(values), "mean": float(values.mean()) if len(values) else None,
            "quantiles": quantiles, "sweep": sweep}


def _tweets(n: int) -> list[str]:
    with open(shared_path("data", "davidson", "labeled_train.csv"), newline="", encoding="utf-8") as fh:
        return [row["tweet"] for _, row in zip(range(n), csv.DictReader(fh))]


@pytest.mark.parametrize("policy", [
    None,  # the shipped default: a p_hate rule, explicit sweeps of p_hate and p_offensive
    {"analyzers": ["hate"], "rules": ["p_hate > 0.3"]},  # no sweep: thresholds from quantiles
    {"analyzers": ["hate", "sentiment"], "rules": ["vader_compound < -0.5", "p_offensive >= 0.7"]},
])
def test_filter_account_scores_equal_the_in_memory_computation(policy) -> None:
    texts = _tweets(6000)
    policy = Policy.load(policy)
    hook = FilterHook(policy, analyzers=build_many(policy.analyzers))
    account = FilterAccount(policy, [c.name for c in hook.columns if c.kind == "score"])
    assert account.swept
    kept: dict[str, list[np.ndarray]] = {c: [] for c in account.swept}
    for i in range(0, len(texts), 1000):
        decisions = hook.decide(hook.score(texts[i:i + 1000]))
        account.update(texts[i:i + 1000], decisions)
        for c in account.swept:
            kept[c].append(np.array(decisions.columns[c], dtype=np.float64))
    scores = account.finish()["scores"]
    for c in account.swept:
        assert scores[c] == _reference_scores(account, c, np.concatenate(kept[c]))


def test_filter_account_with_no_values() -> None:
    policy = Policy.load({"analyzers": ["hate"], "rules": ["p_hate > 0.5"]})
    account = FilterAccount(policy, ["p_hate"])
    assert account.finish()["scores"]["p_hate"] == _reference_scores(account, "p_hate", np.array([]))
