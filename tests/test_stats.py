import math

import numpy as np
import pytest

from biasaudit.report.stats import Moments, rate, wilson_interval


@pytest.mark.parametrize("k,n", [(1, 10), (5, 10), (0, 10), (10, 10), (81, 263), (3, 1000)])
def test_wilson_interval_matches_scipy(k, n):
    from scipy.stats import binomtest

    ref = binomtest(k, n).proportion_ci(method="wilson")  # scipy's Wilson interval is the peer reference
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(ref.low, abs=1e-12)
    assert hi == pytest.approx(ref.high, abs=1e-12)


def test_wilson_interval_published_example():
    # Newcombe (1998), Stat. Med. 17:857, Table I, example 81/263: Wilson 0.2553 to 0.3662
    lo, hi = wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)


def test_wilson_interval_exact_endpoints():
    for n in (1, 3, 7, 210, 10_000):
        assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0


def test_wilson_interval_undefined_and_invalid():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError):
        wilson_interval(3, 2)
    r = rate(2, 8)
    assert r["rate"] == 0.25 and r["count"] == 2 and r["n"] == 8 and r["ci_low"] < 0.25 < r["ci_high"]


def test_moments_merge_batches_like_numpy():
    rng = np.random.default_rng(7)
    values = rng.normal(3.0, 2.0, size=1001)
    values[[5, 77, 500]] = np.nan
    m = Moments()
    for chunk in np.array_split(values, 13):
        m.update(chunk)
    finite = values[~np.isnan(values)]
    assert m.n == finite.size and m.n_nan == 3
    assert m.mean == pytest.approx(finite.mean(), rel=1e-12)
    assert m.std() == pytest.approx(finite.std(ddof=1), rel=1e-12)
    assert (m.min, m.max) == (finite.min(), finite.max())
