"""WEAT core: effect size and permutation p-value on arrays, against hand-worked values and brute force."""
import itertools
import math

import numpy as np
import pytest

from biasaudit.associations.weat import (
    association,
    effect_size,
    p_value,
    p_value_from_scores,
)
from biasaudit.errors import UsageError

# Hand-worked: A = {(1,0)}, B = {(0,1)}; s(w) = cos(w,a) - cos(w,b).
# s((1,0)) = 1, s((1,1)) = 0.7071 - 0.7071 = 0, s((0,1)) = -1.
# X = {(1,0), (2,2)} -> s = [1, 0]; Y = {(0,3), (1,1)} -> s = [-1, 0] (lengths do not matter: cosine).
# mean_X - mean_Y = 0.5 - (-0.5) = 1; s over X u Y = [1, 0, -1, 0], mean 0, sum of squares 2:
# sample std = sqrt(2/3) -> d = sqrt(3/2) = 1.224745; population std = sqrt(2/4) -> d = sqrt(2).
# p: the C(4,2) = 6 size-2 subsets of [1, 0, -1, 0] sum to 1, 0, 1, -1, 0, -1; observed sum_X = 1;
# two of six are >= 1 -> p = 1/3.
X = np.array([[1.0, 0.0], [2.0, 2.0]])
Y = np.array([[0.0, 3.0], [1.0, 1.0]])
A = np.array([[1.0, 0.0]])
B = np.array([[0.0, 1.0]])


def test_hand_worked_effect_size_and_p_value():
    np.testing.assert_allclose(association(X, A, B), [1.0, 0.0], atol=1e-12)
    assert effect_size(X, Y, A, B) == pytest.approx(math.sqrt(1.5), abs=1e-12)
    assert effect_size(X, Y, A, B, ddof=0) == pytest.approx(math.sqrt(2.0), abs=1e-12)
    p, count = p_value(X, Y, A, B)
    assert count == "exact" and p == pytest.approx(1 / 3)
    # Swapping the targets flips the sign of d; the one-sided p becomes P[sum >= -1] = 6/6.
    assert effect_size(Y, X, A, B) == pytest.approx(-math.sqrt(1.5))
    assert p_value(Y, X, A, B)[0] == pytest.approx(1.0)


def _random_sets(rng, nx, ny, na=5, nb=5, dim=20):
    return (rng.normal(size=(nx, dim)), rng.normal(size=(ny, dim)),
            rng.normal(size=(na, dim)), rng.normal(size=(nb, dim)))


def _brute_force_p(s_x, s_y):
    """Independent reference: loop over every size-|X| subset, with an explicit statistic sum_X - sum_Y."""
    scores = list(s_x) + list(s_y)
    observed = sum(s_x) - sum(s_y)
    hits = total = 0
    for chosen in itertools.combinations(range(len(scores)), len(s_x)):
        rest = set(range(len(scores))) - set(chosen)
        stat = sum(scores[i] for i in chosen) - sum(scores[i] for i in rest)
        hits += stat >= observed - 1e-9
        total += 1
    return hits / total


@pytest.mark.parametrize("nx,ny,seed", [(4, 4, 1), (5, 3, 2), (6, 6, 3), (7, 7, 4)])
def test_exact_p_value_matches_brute_force(nx, ny, seed):
    X, Y, A, B = _random_sets(np.random.default_rng(seed), nx, ny)
    s_x, s_y = association(X, A, B), association(Y, A, B)
    p, count = p_value(X, Y, A, B)
    assert count == "exact"
    assert p == pytest.approx(_brute_force_p(s_x, s_y), abs=1e-12)
    assert 1 / math.comb(nx + ny, nx) <= p <= 1.0  # the observed partition always counts


def test_sampled_p_value_is_seeded_and_close_to_exact():
    rng = np.random.default_rng(7)
    X, Y, A, B = _random_sets(rng, 8, 8)
    X = X + 0.3 * A.mean(axis=0)  # a modest association so p is away from 0 and 1
    exact, count = p_value(X, Y, A, B)
    assert count == "exact"  # C(16, 8) = 12,870 partitions
    sampled, n = p_value(X, Y, A, B, permutations=20_000, seed=3, exact_max=100)
    assert n == 20_000
    se = math.sqrt(exact * (1 - exact) / n)
    assert abs(sampled - exact) < 5 * se + 1e-4
    assert p_value(X, Y, A, B, permutations=20_000, seed=3, exact_max=100)[0] == sampled
    assert p_value(X, Y, A, B, permutations=20_000, seed=4, exact_max=100)[0] != sampled


def test_large_sets_are_sampled_with_the_count_stated():
    X, Y, A, B = _random_sets(np.random.default_rng(0), 25, 25)
    p, n = p_value(X, Y, A, B, permutations=1000, seed=0)
    assert n == 1000 and 0.0 <= p <= 1.0


def test_population_std_inflates_by_sqrt_n_over_n_minus_1():
    X, Y, A, B = _random_sets(np.random.default_rng(11), 6, 9)
    ratio = effect_size(X, Y, A, B, ddof=0) / effect_size(X, Y, A, B, ddof=1)
    assert ratio == pytest.approx(math.sqrt(15 / 14), rel=1e-12)


def test_degenerate_inputs_refuse():
    with pytest.raises(UsageError, match="zero"):
        effect_size(np.zeros((2, 2)), Y, A, B)
    with pytest.raises(UsageError, match="dimensions"):
        effect_size(X, Y, A, np.ones((1, 3)))
    with pytest.raises(UsageError, match="same association"):
        effect_size(X, X, A, A)
    with pytest.raises(UsageError, match="at least one"):
        p_value_from_scores(np.array([]), np.array([1.0]))
