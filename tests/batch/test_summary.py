"""Are the class statistics and the class CSV right on known inputs?"""
from __future__ import annotations

from autograder.batch.summary import ExerciseStats, summarize, summary_text
from autograder.reporters.csv import class_csv
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

POINTS = {"output_size": 4.0, "conv2d": 10.0}


def run_of(student: str, scores: dict[str, float], status: Status | None = None) -> tuple[str, GradingRun]:
    """A run with one case per exercise scoring `scores[exercise]` of POINTS[exercise]."""
    exercises = tuple(ExerciseResult(id=name, module="m", title=name, points=points, cases=(CaseResult(
        exercise=name, case="c", visible=True, max_score=points, score=scores[name], message="",
        status=status or (Status.PASSED if scores[name] == points else Status.FAILED)),))
        for name, points in POINTS.items())
    return student, GradingRun(assignment="a", student=student, submission=student, exercises=exercises)


CLASS = [run_of("carol", {"output_size": 4, "conv2d": 10}), run_of("alice", {"output_size": 4, "conv2d": 3.33333}),
         run_of("bob", {"output_size": 2, "conv2d": 0}),
         run_of("dave", {"output_size": 0, "conv2d": 0}, Status.UNGRADABLE)]


def test_the_summary_numbers():
    summary = summarize(CLASS)
    assert (summary.students, summary.max_score) == (4, 14.0)
    # totals: carol 14, alice 7.3333, bob 2, dave 0
    assert (summary.mean, summary.median, summary.minimum, summary.maximum) == (5.8333, 4.6667, 0.0, 14.0)
    assert summary.ungradable == ("dave",)
    assert summary.exercises == (ExerciseStats("output_size", 4.0, mean=2.5, pass_rate=0.5),
                                 ExerciseStats("conv2d", 10.0, mean=3.3333, pass_rate=0.25))


def test_the_summary_table_points_at_the_exercise_the_class_failed():
    assert summary_text(summarize(CLASS)) == (
        "4 students, totals out of 14: mean 5.8333, median 4.6667, min 0, max 14\n"
        "1 could not be graded at all: dave (see their run.json)\n"
        "\n"
        "exercise     points      mean  pass rate\n"
        "----------------------------------------\n"
        "output_size       4       2.5        50%\n"
        "conv2d           10    3.3333        25%  <- lowest pass rate\n")


def test_the_class_csv_has_one_sorted_row_per_student():
    assert class_csv(CLASS) == ("student,total,max,output_size,conv2d\n"
                                "alice,7.3333,14,4,3.3333\n"
                                "bob,2,14,2,0\n"
                                "carol,14,14,4,10\n"
                                "dave,0,14,0,0\n")


def test_a_student_without_an_exercise_gets_an_empty_cell():
    student, run = run_of("erin", {"output_size": 1, "conv2d": 0})
    partial = (student, GradingRun(assignment="a", student=student, submission=student, exercises=run.exercises[:1]))
    assert class_csv([partial, CLASS[0]]).splitlines()[1:] == ["carol,14,14,4,10", "erin,1,4,1,"]
