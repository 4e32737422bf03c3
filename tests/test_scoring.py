"""Scoring: case shares that add up exactly to the exercise's points, and all-or-nothing cases."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from autograder.results import CaseResult, Status
from autograder.scoring import UNIT, score, shares, total


def units(value: float) -> int:
    """A score in 1/10000 points, asserting that it is one."""
    exact = Fraction(value).limit_denominator(10_000)
    assert exact / UNIT == int(exact / UNIT), value
    return int(exact / UNIT)


def results(values: list[float]) -> list[CaseResult]:
    return [CaseResult("f", f"c{i}", True, Status.PASSED, v, v, "passed") for i, v in enumerate(values)]


points_strategy = st.integers(0, 1_000_000).map(lambda n: n / 10_000)  # 0 … 100 points, four decimals
weights_strategy = st.lists(st.sampled_from([0.5, 1, 1.0, 2, 3, 0.1, 1 / 3, 7.25, 100]), min_size=1, max_size=30)


@given(points=points_strategy, weights=weights_strategy)
def test_shares_add_up_exactly_to_the_points(points, weights):
    """For any points with four decimals and any positive weights, do the shares add up exactly to the points?"""
    result = shares(points, weights)
    assert len(result) == len(weights)
    assert sum(units(s) for s in result) == round(points * 10_000)
    assert total(results(result)) == points


@given(points=points_strategy, weights=weights_strategy)
def test_shares_are_proportional_within_one_unit(points, weights):
    """Is each share within one 1/10000 point of its exact proportional part, and never negative?"""
    result = shares(points, weights)
    weight_sum = sum(Fraction(w) for w in weights)
    for share, weight in zip(result, weights):
        exact = Fraction(points).limit_denominator(10_000) * Fraction(weight) / weight_sum
        assert share >= 0
        assert abs(Fraction(units(share)) * UNIT - exact) < UNIT


@given(points=points_strategy, weights=weights_strategy)
def test_equal_weights_get_shares_differing_by_at_most_one_unit(points, weights):
    """Do cases of equal weight get equal shares up to one unit, the larger ones first?"""
    equal = [1] * len(weights)
    result = [units(s) for s in shares(points, equal)]
    assert max(result) - min(result) <= 1
    assert result == sorted(result, reverse=True)


@pytest.mark.parametrize("points,weights,expected", [
    (10, [1, 1, 1], [3.3334, 3.3333, 3.3333]),
    (10, [1, 2, 2], [2.0, 4.0, 4.0]),
    (1, [3, 1], [0.75, 0.25]),
    (2, [1, 1, 1, 1, 1, 1], [0.3334, 0.3334, 0.3333, 0.3333, 0.3333, 0.3333]),
    (0, [1, 2], [0.0, 0.0]),
    (5, [0.1, 0.2], [1.6667, 3.3333]),
])
def test_known_splits(points, weights, expected):
    """Are small splits what a person would write, the remainder going to the earliest largest fractions?"""
    assert shares(points, weights) == expected


def test_single_case_gets_all_the_points():
    """Does a single case get all the points, whatever its weight?"""
    assert shares(7.5, [3.0]) == [7.5]
    assert shares(10, [0.01]) == [10.0]


def test_no_cases_no_shares():
    """Does an exercise without cases get an empty list?"""
    assert shares(10, []) == []


def test_weights_scale_freely():
    """Do proportional weight lists give identical shares?"""
    assert shares(9, [1, 2, 3]) == shares(9, [10, 20, 30]) == shares(9, [0.5, 1, 1.5])


@pytest.mark.parametrize("status", list(Status))
def test_score_is_all_or_nothing(status):
    """Does only PASSED earn the case's maximum, and every other status exactly 0?"""
    expected = 2.5 if status is Status.PASSED else 0.0
    assert score(status, 2.5) == expected


def test_total_is_exact_for_ten_thousandths():
    """Does total() add 1/10000-point scores without float drift?"""
    assert total(results([0.1] * 10)) == 1.0
    assert total(results([3.3334, 3.3333, 3.3333])) == 10.0
    assert total([]) == 0.0


# ---- the exception rule: cases that expect an exception earn points only alongside a value ------------------

from autograder.scoring import EXCEPTION_SHARE, exception_share, gated  # noqa: E402


def test_exception_cases_score_nothing_when_no_value_case_passes():
    """Does a function that only raises keep none of its passed exception cases' points?"""
    assert gated([0.0, 0.0, 0.1, 0.1], [False, False, True, True], [False, False, True, True]) == [0.0] * 4


def test_exception_cases_keep_their_points_once_a_value_case_passes():
    """With one value case passed, do the exception cases keep exactly their scores, and the others theirs?"""
    assert gated([2.0, 0.0, 0.1, 0.0], [False, False, True, True], [True, False, True, False]) == [2.0, 0.0, 0.1, 0.0]


def test_value_cases_are_never_touched_by_the_rule():
    """Are the scores of cases that expect a value the same with the rule as without it?"""
    scores, raises = [1.0, 0.0, 3.0], [False, False, False]
    assert gated(scores, raises, [True, False, True]) == scores


@given(weights=weights_strategy, data=st.data())
def test_exception_share_is_the_weight_of_the_raising_cases(weights, data):
    """Is the exception share the raising cases' weight over the total, between 0 and 1?"""
    raises = data.draw(st.lists(st.booleans(), min_size=len(weights), max_size=len(weights)))
    share = exception_share(weights, raises)
    expected = sum(Fraction(w) for w, r in zip(weights, raises) if r) / sum(Fraction(w) for w in weights)
    assert share == expected and 0 <= share <= 1


def test_the_real_exercises_keep_exceptions_within_ten_percent(course, assignment):
    """Does every exercise of the assignment give its exception cases at most 10% of its points?"""
    from autograder.cases import expand_exercise

    assert EXCEPTION_SHARE == Fraction(1, 10)
    for exercise in assignment.exercises:
        cases = expand_exercise(course.seed, assignment.id, exercise)
        share = exception_share([c.weight for c in cases], [c.raises is not None for c in cases])
        assert share <= EXCEPTION_SHARE, exercise.id


# ---- points carried by cases (`points:`) ------------------------------------------------------------------------

from autograder.scoring import case_maxima  # noqa: E402


def test_a_case_with_points_gets_exactly_them_and_the_others_share_the_rest_by_weight():
    """16 points, a speed case carrying 3, the others weighted 2, 2, 0.5 (with @cuda copies the weights count twice,
    which gave 3.53 where 3 was announced): is the speed case worth exactly 3 and the rest 13 by weight?"""
    maxima = case_maxima(16, [2, 2, 0.5, 2, 2, 0.5, 1], [None] * 6 + [3.0], [f"c{i}" for i in range(7)])
    assert maxima[-1] == 3.0
    assert sum(Fraction(m).limit_denominator(10_000) for m in maxima) == 16
    assert maxima[:6] == shares(13, [2, 2, 0.5, 2, 2, 0.5])


def test_the_copies_of_a_case_with_points_split_them():
    """A random case of 3 draws carrying 1 point in all: do its copies add up to exactly 1?"""
    maxima = case_maxima(4, [1, 1, 1, 1], [None, 1.0, 1.0, 1.0], ["a", "r", "r", "r"])
    assert maxima[0] == 3.0 and sum(Fraction(m).limit_denominator(10_000) for m in maxima[1:]) == 1


def test_without_points_the_maxima_are_the_weighted_shares():
    assert case_maxima(7, [1, 2, 3], [None, None, None]) == shares(7, [1, 2, 3])
