"""Proof: the reference behaves as every case of its own spec says (default draw), and the cases that expect an
exception weigh at most EXCEPTION_SHARE of each exercise.

For each concrete case the reference must raise the named exception where `raises` is given, return normally
otherwise, and return a value equal (under the exercise's comparison) to `expect` where one is given; called twice,
it must give the same result (the expected values are computed once per grading)."""
from __future__ import annotations

from typing import Iterator

from autograder import codec
from autograder.cases import NO_EXPECT, Case
from autograder.compare import compare
from autograder.reference import ReferenceError_, expected_for
from autograder.scoring import EXCEPTION_SHARE, case_maxima, exception_share
from autograder.validate.model import Context, Problem


def reference_cases(context: Context) -> Iterator[Problem]:
    reference = context.reference
    for exercise in context.assignment.exercises:
        cases = context.cases(exercise)
        yield from _exception_share(context.assignment.id, exercise.id, cases, exercise.points,
                                    exercise.location)
        for case in cases:
            where, location = context.where(exercise, case.name), context.case_location(exercise, case.name)
            try:
                expected = expected_for(case, exercise.module, reference)
            except ReferenceError_ as error:
                yield Problem(where, str(error).splitlines()[0], location)
                continue
            if case.raises:
                continue
            value, error = reference.call(exercise.module, exercise.id, case.args)  # a second, independent call
            if error is not None:
                yield Problem(where, f"the reference raised {type(error).__name__}: {error}", location)
            elif case.expect is not NO_EXPECT:
                mismatch = compare(value, expected.value, exercise.compare)
                if mismatch is not None:
                    yield Problem(where, f"the reference does not reproduce `expect`: {mismatch.summary}", location)
            elif codec.dumps(value) != codec.dumps(expected.value):
                yield Problem(where, "the reference gives different results on the same case", location)


def _exception_share(assignment_id: str, exercise_id: str, cases: list[Case], points: float = 1.0,
                     location=None) -> list[Problem]:
    """The format's rule: the cases expecting an exception carry at most EXCEPTION_SHARE of the exercise's points,
    and some case returns a value (they score only once one passes; scoring.gated)."""
    raises = [case.raises is not None for case in cases]
    maxima = case_maxima(points, [case.weight for case in cases], [case.points for case in cases])
    share = exception_share(maxima, raises)
    where = f"{assignment_id}/{exercise_id}"
    if any(raises) and all(raises):
        return [Problem(where, "every case expects an exception; add a case that returns a value (the cases "
                               "expecting an exception score only once one of those passes)", location)]
    if share > EXCEPTION_SHARE:
        return [Problem(where, f"the cases expecting an exception weigh {float(share):.1%} of the exercise's "
                               f"points, more than the {float(EXCEPTION_SHARE):.0%} allowed: lower their "
                               "`weight` or raise the others'", location)]
    return []
