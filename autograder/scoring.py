"""Points: pure functions from verdicts to scores.

An exercise's points are shared among its cases by weight (partial credit per case); a case that carries its own
`points:` gets exactly those (shared equally by its concrete copies: `name[i]`, `name@cuda`), and the others share
what is left by weight (`case_maxima`). Shares are rounded to
1/10000 of a point by the largest-remainder method, so that the shares of an exercise add up to exactly its
points and a submission that passes every case gets exactly the maximum.

Cases that expect an exception (`raises:`) carry at most `EXCEPTION_SHARE` of an exercise's points (`validate`
refuses a spec that gives them more), and they score only when the function also passes at least one case that
returns a value: a function that only raises computes nothing, and earns nothing (`gated`).
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


def case_maxima(points: float, weights: list[float], fixed: list[float | None],
                groups: list[str] | None = None) -> list[float]:
    """Each concrete case's maximum score. `fixed[i]` is the points its spec case carries in all (None: shared by
    weight); the concrete cases of one spec case (same `groups[i]`) split those equally. The exercise's other
    points go to the cases without `points` by their weights. Sums exactly to `points` when some case has no
    `points` and the fixed ones do not exceed it (validate refuses more)."""
    groups = groups if groups is not None else [str(i) for i in range(len(weights))]
    maxima: list[float] = [0.0] * len(weights)
    members: dict[str, list[int]] = {}
    for i, carried in enumerate(fixed):
        if carried is not None:
            members.setdefault(groups[i], []).append(i)
    fixed_total = Fraction(0)
    for indices in members.values():
        carried = Fraction(fixed[indices[0]])
        fixed_total += carried
        for i, share in zip(indices, shares(float(carried), [1.0] * len(indices))):
            maxima[i] = share
    rest = [i for i, carried in enumerate(fixed) if carried is None]
    left = max(Fraction(points) - fixed_total, Fraction(0))
    for i, share in zip(rest, shares(float(left), [weights[i] for i in rest])):
        maxima[i] = share
    return maxima


def score(status: Status, max_score: float) -> float:
    """All or nothing within a case."""
    return max_score if status is Status.PASSED else 0.0


EXCEPTION_SHARE = Fraction(1, 10)
"""The most that an exercise's cases expecting an exception may weigh together, as a share of its points."""


def exception_share(weights: list[float], expects_exception: list[bool]) -> Fraction:
    """The share of an exercise's points that its cases expecting an exception carry (0 for no cases)."""
    total_weight = sum(Fraction(w) for w in weights)
    if not total_weight:
        return Fraction(0)
    return sum((Fraction(w) for w, raises in zip(weights, expects_exception) if raises), Fraction(0)) / total_weight


def gated(scores: list[float], expects_exception: list[bool], passed: list[bool]) -> list[float]:
    """An exercise's case scores after the exception rule: the cases that expect an exception keep their score
    only when at least one case that returns a value passed; otherwise they score 0. The other cases keep theirs."""
    computes = any(ok for ok, raises in zip(passed, expects_exception) if not raises)
    return [score if computes or not raises else 0.0 for score, raises in zip(scores, expects_exception)]


def total(results: list[CaseResult]) -> float:
    return float(sum(Fraction(r.score).limit_denominator(10_000) for r in results))
