"""Proof: every rule a hidden case grades (its arguments' kinds and dtypes, its `raises` and `rule:`, its device,
its speed rule) is graded by a visible case of the same exercise, so that `check` foretells the grade
(autograder/rules.py)."""
from __future__ import annotations

from typing import Iterator

from autograder.rules import rule_problems
from autograder.validate.model import Context, Problem


def rules(context: Context) -> Iterator[Problem]:
    for exercise in context.assignment.exercises:
        for where, message in rule_problems(context.assignment.id, exercise.id, context.cases(exercise)):
            yield Problem(where, message)
