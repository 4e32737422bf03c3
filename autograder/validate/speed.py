"""Proof (`validate --speed`): every speed case tells fast from slow on this machine. The baseline runs, the
reference passes its ratio, and the slow implementation the case names (`speed.slow`) fails it within the case's
time limit, each timed in the sandbox by the grader's own measurement (autograder.speedcases)."""
from __future__ import annotations

from typing import Iterator

from autograder.speedcases import measure_case, speed_cases
from autograder.validate.model import Context, Problem


def speed(context: Context) -> Iterator[Problem]:
    for exercise, case in speed_cases(context.course, context.assignment):
        report = measure_case(context.course, context.assignment, exercise, case)
        for problem in report.problems():
            yield Problem(context.where(exercise, case.name), problem, context.case_location(exercise, case.name))
