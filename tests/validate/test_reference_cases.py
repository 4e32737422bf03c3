"""`autograder validate`'s reference_cases and questions proofs: the format's rule that cases expecting an exception
weigh at most 10% of an exercise, and the reference's answers.yaml for the course seed."""
from __future__ import annotations

import dataclasses

from autograder.validate import _exception_share, check_assignment
from autograder.validate.questions import questions
from autograder.validate.reference_cases import reference_cases


def _with_weights(assignment, exercise_id: str, weight: float):
    """The assignment with every `raises` case of one exercise given `weight`."""
    def reweigh(exercise):
        if exercise.id != exercise_id:
            return exercise
        cases = tuple(dataclasses.replace(c, weight=weight) if c.raises else c for c in exercise.cases)
        return dataclasses.replace(exercise, cases=cases)
    return dataclasses.replace(assignment, exercises=tuple(reweigh(e) for e in assignment.exercises),
                               questions=())


def test_validate_refuses_exception_cases_above_ten_percent(course, assignment):
    """Does validate name the exercise whose exception cases weigh more than 10% of its points?"""
    checked = check_assignment(course, _with_weights(assignment, "same_padding", 1.0), checks=(reference_cases,))
    problems = [str(p) for p in checked.problems]
    assert any("l10_convolutions/same_padding: the cases expecting an exception weigh 40.0%" in p
               for p in problems), problems
    assert not any("exception weigh" in p for p in problems if "same_padding" not in p)


def test_validate_refuses_an_exercise_that_only_raises(assignment):
    """Is an exercise whose every case expects an exception refused (its points could never be earned)?"""
    from autograder.cases import Case

    cases = [Case("ex", f"c{i}", False, 1.0, {}, raises="ValueError") for i in range(3)]
    problems = _exception_share("a", "ex", cases)
    assert len(problems) == 1 and "every case expects an exception" in problems[0].message


def test_validate_checks_the_reference_answers_for_the_course_seed(course, assignment):
    """A new term's seed: does validate file a problem under the reference's answers.yaml (which it passed before),
    and none with the seed the file was written for?"""
    questions_only = dataclasses.replace(assignment, exercises=())
    assert check_assignment(course, questions_only, checks=(questions,)).problems == ()
    problems = check_assignment(dataclasses.replace(course, seed=course.seed + 1), questions_only,
                                checks=(questions,)).problems
    assert [p.where for p in problems] == ["solutions/l10_convolutions/answers.yaml"]
    assert problems[0].message.startswith(f"stale for the course seed {course.seed + 1}: line 6: conv_layer_params")
