"""Do the visible cases reveal every known mistake, so that `check` names it before the student submits?

For every exercise and every mistake it lists (`mistakes:` in assignment.yaml, now and when one is added), the
mistake's function runs on the host on the exercise's visible cases and is compared with the reference under the
exercise's own comparison: at least one visible case must come out differently (another value, or a value where
an exception is expected, or the other way round).
"""
from __future__ import annotations

import pytest

from autograder.cases import expand_exercise
from autograder.compare import compare
from autograder.reference import ReferenceSolutions, expected_for
from autograder.spec import MISTAKES_MODULE, load_course

from support import ASSIGNMENT, REPO

_SPEC = load_course(REPO).assignment(ASSIGNMENT)
MISTAKES = [(e.id, m.id) for e in _SPEC.exercises for m in e.mistakes]


@pytest.fixture(scope="module")
def reference(assignment):
    return ReferenceSolutions(assignment.solutions, assignment.id)


def catching_cases(course, assignment, reference, exercise_id: str, mistake_id: str) -> list[str]:
    """The visible CPU cases of the exercise on which the mistake's outcome differs from the reference's."""
    exercise = assignment.exercise(exercise_id)
    mistake = next(m for m in exercise.mistakes if m.id == mistake_id)
    caught = []
    for case in expand_exercise(course.seed, assignment.id, exercise, visible_only=True):
        if case.device == "cuda" or case.speed is not None:
            continue
        expected = expected_for(case, exercise.module, reference)
        value, error = reference.call(MISTAKES_MODULE, mistake.function, case.args)
        if expected.raises is not None:
            different = error is None
        else:
            different = error is not None or compare(value, expected.value, exercise.compare) is not None
        if different:
            caught.append(case.name)
    return caught


def test_every_exercise_with_visible_cases_is_checked():
    """Does the parametrisation below cover every listed mistake of the assignment?"""
    assert len(MISTAKES) == sum(len(e.mistakes) for e in _SPEC.exercises) > 0


@pytest.mark.parametrize("exercise_id, mistake_id", MISTAKES, ids=[f"{e}-{m}" for e, m in MISTAKES])
def test_a_visible_case_catches_the_mistake(course, assignment, reference, exercise_id, mistake_id):
    """Does at least one visible case fail when the student makes this mistake?"""
    assert catching_cases(course, assignment, reference, exercise_id, mistake_id), \
        f"no visible case of {exercise_id} tells '{mistake_id}' apart from the reference: add one"
