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

from support import REPO

_COURSE = load_course(REPO)
MISTAKES = [(a.id, e.id, m.id) for a in _COURSE.assignments for e in a.exercises for m in e.mistakes]
"""(assignment, exercise, mistake) of every assignment course.yaml lists."""


@pytest.fixture(scope="module")
def references():
    return {a.id: ReferenceSolutions(a.solutions, a.id) for a in _COURSE.assignments}


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
    """Does the parametrisation below cover every listed mistake of every assignment?"""
    assert len(MISTAKES) == sum(len(e.mistakes) for a in _COURSE.assignments for e in a.exercises) > 0


@pytest.mark.parametrize("assignment_id, exercise_id, mistake_id", MISTAKES,
                         ids=[f"{a}-{e}-{m}" for a, e, m in MISTAKES])
def test_a_visible_case_catches_the_mistake(course, references, assignment_id, exercise_id, mistake_id):
    """Does at least one visible case fail when the student makes this mistake?"""
    assignment = course.assignment(assignment_id)
    assert catching_cases(course, assignment, references[assignment_id], exercise_id, mistake_id), \
        f"no visible case of {assignment_id} {exercise_id} tells '{mistake_id}' apart from the reference: add one"
