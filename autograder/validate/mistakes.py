"""Proof: every known mistake is a mistake, and `check` can name it before the student submits.

Each listed mistake runs on the host (trusted instructor code) on the exercise's CPU cases of the default draw and
is compared with the reference under the exercise's own comparison. It must differ from the reference on some case
(else it is the reference, or no case can tell them apart), and on at least one *visible* case (else `check`, which
runs only those, never names it: the student meets it first in their grade).
"""
from __future__ import annotations

from typing import Iterator

from autograder.cases import Case
from autograder.compare import compare
from autograder.reference import Expected, ReferenceError_, expected_for
from autograder.spec import MISTAKES_MODULE, ExerciseSpec, MistakeSpec
from autograder.validate.model import Context, Problem


def mistakes(context: Context) -> Iterator[Problem]:
    for exercise in context.assignment.exercises:
        if not exercise.mistakes:
            continue
        judged = _judged_cases(context, exercise)
        for mistake in exercise.mistakes:
            differs = [case for case, expected in judged if _differs(context, exercise, mistake, case, expected)]
            where = f"{context.assignment.id}/{exercise.id}.mistakes.{mistake.id}"
            if not differs:
                yield Problem(where, f"{mistake.function} gives the reference's result on every case: it is no "
                                     f"mistake, or no case tells it apart; fix the function, or add a visible case "
                                     f"on which it differs", mistake.location)
            elif not any(case.visible for case in differs):
                names = ", ".join(case.name for case in differs[:3])
                yield Problem(where, f"no visible case tells {mistake.function} apart from the reference (only the "
                                     f"hidden {names}), so `check` never names it; add a visible case on which it "
                                     f"differs", mistake.location)


def _judged_cases(context: Context, exercise: ExerciseSpec) -> list[tuple[Case, Expected]]:
    """The CPU cases of the default draw (no speed case: a mistake is about values) with the expected outcome."""
    judged = []
    for case in context.cases(exercise):
        if case.device == "cuda" or case.speed is not None:
            continue
        try:
            judged.append((case, expected_for(case, exercise.module, context.reference)))
        except ReferenceError_:
            continue  # the reference's own problem, said by reference_cases
    return judged


def _differs(context: Context, exercise: ExerciseSpec, mistake: MistakeSpec, case: Case, expected: Expected) -> bool:
    value, error = context.reference.call(MISTAKES_MODULE, mistake.function, case.args)
    if expected.raises is not None:
        return error is None
    return error is not None or compare(value, expected.value, exercise.compare) is not None
