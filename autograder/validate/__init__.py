"""`autograder validate`: the proof of an assignment, one module per guarantee.

Each proof is a function `Context -> Iterable[Problem]` (autograder.validate.model) listed in `CHECKS`; a new
guarantee is a module of its own and one line here. The proofs run host-side on trusted code only (the spec, the
reference solutions, the known mistakes, the builders of what students receive), except `speed`, which times the
reference and a naive loop in the sandbox and runs only with `validate --speed`.

    reference_cases  the reference behaves as every case of the default draw says; exception cases <= 10%
    students         every sampled student's hidden cases are valid draws for the reference
    mistakes         every known mistake differs from the reference, on at least one visible case
    apis             every forbidden name and speed baseline is a real API of the installed packages
    placeholders     every `{{ ... }}` in the statements and docstrings names a value of the spec
    leaks            no hidden case's name, data or call reaches students, on any route
    questions        every student's questions have an answer; the reference's answers.yaml is right
    stubs            the committed stubs are the ones `autograder release` makes now
    distinguishing   every `distinguish:` mistake gives a wrong answer for every sampled student
    rules            every rule a hidden case grades has a visible case (check foretells the grade)
    speed            (--speed) the baseline runs, the reference passes its ratio, a naive loop fails it
"""
from __future__ import annotations

from autograder.spec import AssignmentSpec, CourseSpec
from autograder.validate.apis import apis
from autograder.validate.distinguishing import distinguishing
from autograder.validate.leaks import leaks
from autograder.validate.mistakes import mistakes
from autograder.validate.model import Check, Checked, Context, Options, Problem
from autograder.validate.placeholders import placeholders
from autograder.validate.questions import questions
from autograder.validate.rules import rules
from autograder.validate.reference_cases import _exception_share, reference_cases
from autograder.validate.speed import speed
from autograder.validate.stubs import stubs
from autograder.validate.students import students

CHECKS: tuple[Check, ...] = (
    reference_cases,
    students,
    mistakes,
    apis,
    placeholders,
    leaks,
    questions,
    stubs,
    distinguishing,
    rules,
)
"""Every proof `validate` runs, in this order (each one's problems are reported under it)."""

SPEED_CHECKS: tuple[Check, ...] = (speed,)
"""The proofs that run the sandbox, with `validate --speed` only."""


def check_assignment(course: CourseSpec, assignment: AssignmentSpec, options: Options = Options(),
                     checks: tuple[Check, ...] | None = None) -> Checked:
    """Every problem the proofs find in one assignment (`checks`: default CHECKS, plus SPEED_CHECKS with
    options.speed)."""
    context = Context(course, assignment, options)
    chosen = checks if checks is not None else CHECKS + (SPEED_CHECKS if options.speed else ())
    problems = tuple(problem for check in chosen for problem in check(context))
    count = sum(len(context.cases(exercise)) for exercise in assignment.exercises)
    return Checked(assignment.id, len(assignment.exercises), count, problems)


__all__ = ["CHECKS", "SPEED_CHECKS", "Check", "Checked", "Context", "Options", "Problem", "check_assignment",
           "_exception_share"]
