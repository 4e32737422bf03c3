"""Random case families with `distinguish:`: every drawn case tells the listed mistakes apart from the reference,
deterministically, and `validate` proves it over a sample of students."""
from __future__ import annotations

import dataclasses

import pytest
import yaml

from autograder.cases import expand_exercise
from autograder.families import passing_mistakes
from autograder.reference import ReferenceSolutions
from autograder.spec import SpecError, load_course

from support import ASSIGNMENT, write_small_course

STUDENTS = [f"s{n:07d}" for n in range(60)]


def _families(assignment):
    return [(e, spec) for e in assignment.exercises for spec in e.cases if spec.distinguish]


def test_no_listed_mistake_passes_on_a_hidden_case(course, assignment):
    """For 60 students, does every case of every family give each listed mistake another value than the
    reference, judged afresh?"""
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    families = _families(assignment)
    assert {e.id for e, _ in families} >= {"output_size", "conv_param_count", "cnn_output_shapes"}
    for exercise, spec in families:
        family = dataclasses.replace(exercise, cases=(spec,))
        for student in [None, *STUDENTS]:
            for case in expand_exercise(course.seed, assignment.id, family, student):
                assert passing_mistakes(exercise, spec, case.args, fresh) == (), (exercise.id, student, case.args)


def test_the_retry_changes_the_cases_a_mistake_would_pass(course, assignment):
    """Without `distinguish`, `ceil` passes on most students' random_geometry cases (the division is often
    exact); with it, are those cases redrawn, the same on every call, and the others kept?"""
    exercise = assignment.exercise("output_size")
    spec = next(s for s in exercise.cases if s.name == "random_geometry")
    plain = dataclasses.replace(exercise, cases=(dataclasses.replace(spec, distinguish=()),))
    family = dataclasses.replace(exercise, cases=(spec,))
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    redrawn = kept = 0
    for student in STUDENTS[:20]:
        before = expand_exercise(course.seed, assignment.id, plain, student)
        after = expand_exercise(course.seed, assignment.id, family, student)
        assert [c.args for c in after] == [c.args for c in expand_exercise(course.seed, assignment.id, family,
                                                                            student)]
        for old, new in zip(before, after, strict=True):
            if passing_mistakes(exercise, spec, old.args, fresh):
                redrawn += old.args != new.args
            else:
                kept += old.args == new.args
    assert redrawn > 20 and kept > 10


def test_distinguish_is_refused_on_a_case_that_is_not_drawn(tmp_path):
    """Is `distinguish:` on a fixed case (no count) refused with its file, line and key?"""
    root = write_small_course(tmp_path)
    path = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(path.read_text())
    exercise = next(e for e in spec["exercises"] if e["id"] == "output_size")
    exercise["cases"][0]["distinguish"] = ["ceil_instead_of_floor"]
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(SpecError, match=r"assignment.yaml:\d+: .*distinguish.*random case"):
        load_course(root)
