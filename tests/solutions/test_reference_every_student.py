"""Does the reference get full marks on every code exercise for 20 different student ids?

Each student's hidden random cases are drawn from their id; the visible cases are the same for everyone. The
reference computes the expected values, so a case can fail it only where the case states its own answer: an
exception (`raises`) or an `expect` (learn_filter's true filter, which the reference must learn within the
tolerance from that student's images). Those cases run here on the host, for 20 ids; grading the reference in
the sandbox (tests/test_pipeline.py) then adds nothing that depends on the id.
"""
from __future__ import annotations

import pytest
from support import course_assignments

from autograder import codec
from autograder.cases import NO_EXPECT, expand_exercise
from autograder.compare import compare
from autograder.reference import ReferenceSolutions, expected_for

STUDENTS = [f"student-{n:02d}" for n in range(20)]


@pytest.fixture(scope="module")
def references(course):
    return {a.id: ReferenceSolutions(a.solutions, a.id) for a in course.assignments}


@pytest.mark.parametrize("assignment_id", course_assignments())
@pytest.mark.parametrize("student", STUDENTS)
def test_the_reference_passes_every_case_of_the_student(course, references, assignment_id, student):
    """For this student's cases of every assignment course.yaml lists, does the reference raise where a case
    expects it, and return every `expect`?"""
    assignment, reference = course.assignment(assignment_id), references[assignment_id]
    failing = []
    for exercise in assignment.exercises:
        for case in expand_exercise(course.seed, assignment.id, exercise, student):
            if case.device == "cuda" or case.visible or (case.raises is None and case.expect is NO_EXPECT):
                continue
            if case.raises is not None:
                expected_for(case, exercise.module, reference)  # ReferenceError_ where the reference returns
                continue
            value, error = reference.call(exercise.module, exercise.id, case.args)
            want = codec.decode(codec.encode(case.expect))
            if error is not None or compare(value, want, exercise.compare) is not None:
                failing.append(case.key)
    assert failing == []


def test_students_get_different_hidden_cases(course, assignment):
    """Are the hidden random cases really drawn per student (else 20 ids would test one)?"""
    exercise = assignment.exercise("learn_filter")
    drawn = {s: [c.args["inputs"].shape for c in expand_exercise(course.seed, assignment.id, exercise, s)
                 if c.name.startswith("random_filter")] for s in STUDENTS[:5]}
    assert len({tuple(map(tuple, shapes)) for shapes in drawn.values()}) > 1
