"""Random case families that tell mistakes apart (`distinguish:` on a case with `count`): a drawn case is kept
only when the reference's value differs, under the exercise's comparison, from every listed mistake's (or the
mistake raises). autograder.cases retries the draw deterministically until one is kept (docs/variants.md).

Trusted code only, on the host: the reference and mistakes of solutions/<id>/, called on the case's arguments.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from autograder.reference import ReferenceSolutions
from autograder.spec import MISTAKES_MODULE, CaseSpec, ExerciseSpec

MAX_ATTEMPTS = 64
"""Draws tried per concrete case; `validate` refuses a family whose kept share makes running out likely."""

_REFERENCES: dict[tuple[str, str], ReferenceSolutions] = {}


def reference_for(solutions: Path, assignment_id: str) -> ReferenceSolutions:
    key = (str(solutions), assignment_id)
    if key not in _REFERENCES:
        _REFERENCES[key] = ReferenceSolutions(solutions, assignment_id)
    return _REFERENCES[key]


def passing_mistakes(exercise: ExerciseSpec, spec: CaseSpec, args: dict[str, Any],
                     reference: ReferenceSolutions) -> tuple[str, ...] | None:
    """The listed mistakes of `spec` whose value on `args` equals the reference's; None when the reference
    itself raises (no such case can be kept)."""
    from autograder.compare import compare

    expected, error = reference.call(exercise.module, exercise.id, args)
    if error is not None:
        return None
    passing = []
    for mistake in spec.distinguish:
        value, raised = reference.call(MISTAKES_MODULE, mistake.function, args)
        if raised is None and compare(value, expected, exercise.compare) is None:
            passing.append(mistake.name)
    return tuple(passing)


def tells_apart(exercise: ExerciseSpec, spec: CaseSpec, args: dict[str, Any], assignment_id: str) -> bool:
    if exercise.solutions is None:
        raise ValueError(f"{exercise.id}/{spec.name} lists mistakes to distinguish, but the exercise has no "
                         f"solutions folder to judge them with")
    return passing_mistakes(exercise, spec, args, reference_for(exercise.solutions, assignment_id)) == ()
