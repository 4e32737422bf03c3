"""Points: pure functions from verdicts to scores.

An exercise's points are shared among its cases by weight (partial credit per case). Shares are rounded to
1/10000 of a point by the largest-remainder method, so that the shares of an exercise add up to exactly its
points and a submission that passes every case gets exactly the maximum.
"""
from __future__ import annotations

from fractions import Fraction

from autograder.results import CaseResult, Status

UNIT = Fraction(1, 10_000)


def shares(points: float, weights: list[float]) -> list[float]:
    """Each case's maximum score: `points` split in proportion to `weights`, summing exactly to `points`."""
    if not weights:
        return []
    total_units = round(Fraction(points) / UNIT)
    weight_sum = sum(Fraction(w) for w in weights)
    exact = [Fraction(w) / weight_sum * total_units for w in weights]
    floors = [int(x) for x in exact]
    left = total_units - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [float(units * UNIT) for units in floors]


def score(status: Status, max_score: float) -> float:
    """All or nothing within a case."""
    return max_score if status is Status.PASSED else 0.0


def total(results: list[CaseResult]) -> float:
    return float(sum(Fraction(r.score).limit_denominator(10_000) for r in results))
