"""GradingRun and friends: totals and the JSON round trip."""
from __future__ import annotations

import json

from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def sample_run() -> GradingRun:
    cases = (CaseResult("f", "a", True, Status.PASSED, 3.3334, 3.3334, "passed"),
             CaseResult("f", "b", False, Status.FAILED, 0.0, 3.3333, "the returned values are wrong", staff="t"),
             CaseResult("f", "c", False, Status.PASSED, 3.3333, 3.3333, "passed"))
    return GradingRun("a1", "s1", "sub", (ExerciseResult("f", "m", "F", 10.0, cases),), notes=("n",))


def test_totals_add_up():
    """Are exercise and run scores the sums of their cases, and max the sum of points?"""
    run = sample_run()
    assert run.exercises[0].score == 6.6667
    assert run.score == 6.6667 and run.max_score == 10.0


def test_json_round_trip():
    """Does a run survive to_dict → JSON → from_dict unchanged?"""
    run = sample_run()
    again = GradingRun.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again == run


def test_three_kinds_of_failure_stay_distinct():
    """Are the student's failures, ungradable submissions and grader failures told apart?"""
    assert Status.FAILED.is_student_fault and Status.TIMEOUT.is_student_fault
    assert not Status.UNGRADABLE.is_student_fault and not Status.GRADER_ERROR.is_student_fault
    assert not Status.PASSED.is_student_fault


def test_diagnosed_mistakes_survive_the_round_trip_and_old_runs_still_load():
    """Are an exercise's diagnosed mistake ids kept in run.json, and does a run.json written before they were
    kept load with none?"""
    run = sample_run()
    exercise = run.exercises[0]
    marked = GradingRun("a1", "s1", "sub", (ExerciseResult("f", "m", "F", 10.0, exercise.cases,
                                                           mistakes=("flipped_kernel",)),))
    assert GradingRun.from_dict(json.loads(json.dumps(marked.to_dict()))) == marked
    old = marked.to_dict()
    del old["exercises"][0]["mistakes"]
    assert GradingRun.from_dict(old).exercises[0].mistakes == ()
