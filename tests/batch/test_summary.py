"""Are the class statistics and the class CSV right on known inputs?"""
from __future__ import annotations

import csv
import io
import random

import pytest

from autograder.batch.jobs import NOT_GRADED
from autograder.batch.summary import (Bar, ExerciseStats, Grading, MistakeCount, distribution, grading_of,
                                      summarize, summary_text)
from autograder.reporters.csv import class_csv, mistakes_csv
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

POINTS = {"output_size": 4.0, "conv2d": 10.0}


def run_of(student: str, scores: dict[str, float], status: Status | None = None,
           mistakes: dict[str, tuple[str, ...]] | None = None, notes: tuple[str, ...] = ()) -> tuple[str, GradingRun]:
    """A run with one case per exercise scoring `scores[exercise]` of POINTS[exercise]; `status` for every case
    (default: passed at full marks, else failed), `mistakes` the ids diagnosed per exercise."""
    exercises = tuple(ExerciseResult(id=name, module="m", title=name, points=points, cases=(CaseResult(
        exercise=name, case="c", visible=True, max_score=points, score=scores[name], message="",
        status=status or (Status.PASSED if scores[name] == points else Status.FAILED)),),
        mistakes=(mistakes or {}).get(name, ()))
        for name, points in POINTS.items())
    return student, GradingRun(assignment="a", student=student, submission=student, exercises=exercises, notes=notes)


def mixed(student: str, statuses: dict[str, Status]) -> tuple[str, GradingRun]:
    """A run whose exercises' single case ends with `statuses[exercise]`, for 0 points."""
    exercises = tuple(ExerciseResult(id=name, module="m", title=name, points=POINTS[name], cases=(CaseResult(
        exercise=name, case="c", visible=True, max_score=POINTS[name], score=0.0, message="", status=status),))
        for name, status in statuses.items())
    return student, GradingRun(assignment="a", student=student, submission=student, exercises=exercises)


CLASS = [run_of("carol", {"output_size": 4, "conv2d": 10}),
         run_of("alice", {"output_size": 4, "conv2d": 3.33333}, mistakes={"conv2d": ("flipped_kernel",)}),
         run_of("bob", {"output_size": 2, "conv2d": 0},
                mistakes={"output_size": ("ceil_instead_of_floor",), "conv2d": ("flipped_kernel", "padding_ignored")}),
         run_of("dave", {"output_size": 0, "conv2d": 0}, Status.UNGRADABLE)]


def test_the_summary_numbers():
    summary = summarize(CLASS)
    assert (summary.students, summary.max_score) == (4, 14.0)
    # totals: carol 14, alice 7.3333, bob 2, dave 0
    assert (summary.mean, summary.median, summary.minimum, summary.maximum) == (5.8333, 4.6667, 0.0, 14.0)
    assert summary.ungradable == ("dave",) and summary.grader_errors == ()
    assert summary.gradings == ((Grading.GRADED, 3), (Grading.UNGRADABLE, 1))
    assert summary.exercises == (
        ExerciseStats("output_size", 4.0, mean=2.5, pass_rate=0.5, title="output_size",
                      mistakes=(MistakeCount("output_size", "ceil_instead_of_floor", 1, 0.25),)),
        ExerciseStats("conv2d", 10.0, mean=3.3333, pass_rate=0.25, title="conv2d",
                      mistakes=(MistakeCount("conv2d", "flipped_kernel", 2, 0.5),
                                MistakeCount("conv2d", "padding_ignored", 1, 0.25))))


def test_the_summary_table_points_at_the_exercise_the_class_failed_and_what_to_reteach():
    assert summary_text(summarize(CLASS)) == (
        "4 students, totals out of 14: mean 5.8333, median 4.6667, min 0, max 14\n"
        "1 could not be graded at all: dave (see their run.json)\n"
        "grading: 3 graded, 1 ungradable (grades.csv's `grading` column)\n"
        "\n"
        "exercise     points      mean  pass rate\n"
        "----------------------------------------\n"
        "output_size       4       2.5        50%\n"
        "conv2d           10    3.3333        25%  <- lowest pass rate\n"
        "\n"
        "known mistakes, most frequent first (what to re-teach):\n"
        "  conv2d: flipped_kernel                2 students (50%)\n"
        "  output_size: ceil_instead_of_floor    1 student (25%)\n"
        "  conv2d: padding_ignored               1 student (25%)\n")


def test_a_class_without_diagnosed_mistakes_says_so_and_prints_no_grading_line():
    text = summary_text(summarize([run_of("carol", {"output_size": 4, "conv2d": 10})]))
    assert text.endswith("\nknown mistakes: none diagnosed\n") and "grading:" not in text


def test_a_student_counts_once_per_mistake_and_ties_keep_the_exercise_order():
    """Is a mistake named twice in one exercise (a run.json edited by hand) one student, and do mistakes with
    the same count come in exercise order, then in the order first seen?"""
    runs = [run_of("a", {"output_size": 0, "conv2d": 0}, mistakes={"conv2d": ("x", "x", "y"), "output_size": ("z",)}),
            run_of("b", {"output_size": 0, "conv2d": 0}, mistakes={"conv2d": ("y",)})]
    ranked = summarize(runs).mistakes
    assert [(m.exercise, m.mistake, m.students) for m in ranked] == [
        ("conv2d", "y", 2), ("output_size", "z", 1), ("conv2d", "x", 1)]


@pytest.mark.parametrize("run, grading", [
    (run_of("s", {"output_size": 0, "conv2d": 0}), Grading.GRADED),  # a real 0: the code ran and was wrong
    (mixed("s", {"output_size": Status.NOT_IMPLEMENTED, "conv2d": Status.TIMEOUT}), Grading.GRADED),
    (mixed("s", {"output_size": Status.PASSED, "conv2d": Status.SKIPPED}), Grading.GRADED),
    (mixed("s", {"output_size": Status.FAILED, "conv2d": Status.UNGRADABLE}), Grading.PARTLY),
    (mixed("s", {"output_size": Status.UNGRADABLE, "conv2d": Status.UNGRADABLE}), Grading.UNGRADABLE),
    (run_of("s", {"output_size": 0, "conv2d": 0}, Status.UNGRADABLE, notes=(NOT_GRADED + "s.zip: not a readable "
                                                                            "zip file",)), Grading.REFUSED),
    (mixed("s", {"output_size": Status.PASSED, "conv2d": Status.GRADER_ERROR}), Grading.GRADER_ERROR),
    (("s", GradingRun("a", "s", "s", exercises=())), Grading.GRADER_ERROR),  # pipeline.failed_run's last resort
])
def test_the_grading_tells_a_real_zero_from_an_ungradable_one(run, grading):
    """Does the grading say whether the score is about the code: any case the code ran in counts, a module that
    does not load makes it partial, nothing loaded is ungradable, a refused upload and a grader fault are apart?"""
    assert grading_of(run[1]) is grading
    assert grading.is_real == (grading in (Grading.GRADED, Grading.PARTLY))


def test_a_student_note_that_only_looks_like_a_refusal_is_not_one():
    """Is a run whose code ran (a failed case) graded even if a note starts like the refusal note?"""
    student, run = run_of("s", {"output_size": 0, "conv2d": 0}, notes=(NOT_GRADED + "printed by the student",))
    assert grading_of(run) is Grading.GRADED


def test_the_distribution_puts_every_total_in_one_bar():
    """Ten bars of a tenth of the maximum each; a total on an edge goes up, the maximum into the last bar,
    totals outside [0, max] into the end bars, and ungradable students are counted apart."""
    bars = distribution([(0, True), (0, False), (3.5, True), (3.4999, True), (35, True), (40, True), (-2, False)], 35)
    assert len(bars) == 10 and bars[0] == Bar(0, 3.5, graded=2, not_graded=2)
    assert bars[1] == Bar(3.5, 7, graded=1, not_graded=0)
    assert bars[-1] == Bar(31.5, 35, graded=2, not_graded=0)
    assert sum(b.graded + b.not_graded for b in bars) == 7
    assert distribution([(0, True)], 0) == ()


def test_the_summary_distribution_counts_ungradable_zeros_apart():
    bars = summarize(CLASS).distribution
    assert bars[0] == Bar(0, 1.4, graded=0, not_graded=1)  # dave
    assert [b.graded for b in bars] == [0, 1, 0, 0, 0, 1, 0, 0, 0, 1]  # bob 2, alice 7.33, carol 14


def test_the_class_csv_has_one_sorted_row_per_student():
    assert class_csv(CLASS) == ("student,total,max,output_size,conv2d,grading,mistakes\n"
                                "alice,7.3333,14,4,3.3333,graded,conv2d:flipped_kernel\n"
                                "bob,2,14,2,0,graded,output_size:ceil_instead_of_floor;conv2d:flipped_kernel;"
                                "conv2d:padding_ignored\n"
                                "carol,14,14,4,10,graded,\n"
                                "dave,0,14,0,0,ungradable,\n")


def test_the_class_csv_keeps_the_old_columns_first_and_is_the_same_in_any_order():
    """Do spreadsheets that read student, total, max and the exercises by position still find them, and does the
    order in which students finished change nothing?"""
    shuffled = CLASS[:]
    random.Random(7).shuffle(shuffled)
    assert class_csv(shuffled) == class_csv(CLASS)
    rows = list(csv.DictReader(io.StringIO(class_csv(CLASS))))
    assert list(rows[0])[:5] == ["student", "total", "max", "output_size", "conv2d"]
    assert [(r["student"], r["grading"]) for r in rows] == [
        ("alice", "graded"), ("bob", "graded"), ("carol", "graded"), ("dave", "ungradable")]


def test_a_student_without_an_exercise_gets_an_empty_cell():
    student, run = run_of("erin", {"output_size": 1, "conv2d": 0})
    partial = (student, GradingRun(assignment="a", student=student, submission=student, exercises=run.exercises[:1]))
    assert class_csv([partial, CLASS[0]]).splitlines()[1:] == ["carol,14,14,4,10,graded,", "erin,1,4,1,,graded,"]


def test_the_mistakes_csv_ranks_the_mistakes():
    assert mistakes_csv(summarize(CLASS)) == ("exercise,mistake,students,share\n"
                                              "conv2d,flipped_kernel,2,0.5\n"
                                              "output_size,ceil_instead_of_floor,1,0.25\n"
                                              "conv2d,padding_ignored,1,0.25\n")
    assert mistakes_csv(summarize(CLASS[:1])) == "exercise,mistake,students,share\n"
