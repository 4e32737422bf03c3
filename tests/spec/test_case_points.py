"""A case's own `points:` (points, not weights): read, refused beside `weight`, and refused over the exercise's
points."""
from __future__ import annotations

from autograder.cases import case_maxima, expand_exercise
from autograder.spec import load_course

from test_spec import edited, line_of, make_course, spec_error

SPEC = "assignments/hw/assignment.yaml"


def test_a_case_carries_its_points_and_the_others_share_the_rest(tmp_path):
    """`points: 4` on `small`: is it worth exactly 4 of the 10, the random case's two draws sharing the other 6?"""
    course = load_course(make_course(tmp_path, edited("        expect: 3\n", "        expect: 3\n        points: 4\n")))
    add = course.assignment().exercise("add")
    assert add.cases[0].points == 4.0 and add.cases[1].points is None
    cases = expand_exercise(course.seed, "hw", add)
    assert case_maxima(add.points, cases) == [4.0, 3.0, 3.0]


def test_points_over_the_exercise_are_refused(tmp_path):
    """Cases carrying 11 of an exercise's 10 points: refused at the exercise's cases, with the sum?"""
    text = edited("        expect: 3\n", "        expect: 3\n        points: 11\n")
    error = spec_error(make_course(tmp_path, text))
    assert (error.file, error.line) == (SPEC, line_of(text, "    cases:"))
    assert "add up to 11 (small: 11), more than the exercise's 10" in error.message


def test_points_taking_everything_leave_the_other_cases_worth_nothing(tmp_path):
    text = edited("        expect: 3\n", "        expect: 3\n        points: 10\n")
    assert "the 1 other case(s) would be worth nothing" in spec_error(make_course(tmp_path, text)).message


def test_points_and_weight_together_are_refused(tmp_path):
    text = edited("        expect: 3\n", "        expect: 3\n        points: 2\n        weight: 3\n")
    error = spec_error(make_course(tmp_path, text))
    assert error.line == line_of(text, "points: 2") and "either its own `points` or a `weight`" in error.message
