"""GitHub Classroom's results: shaped so that the real reporter (tests/classroom_reporter/main.js, run with node)
prints the grade and nothing else, and small whatever the submission printed."""
from __future__ import annotations

import base64
import json
from dataclasses import replace
from fractions import Fraction

import pytest
from classroom_reporter.run import run_reporter

from autograder.reporters import classroom
from autograder.reporters.classroom import MESSAGE_LIMIT, RESULT_LIMIT, RUNNERS
from autograder.results import CaseResult, ExerciseResult, GradingRun, LatePenalty, Status

MAX_ARG_STRLEN = 128 * 1024
"""Linux's limit on one environment string, `NAME=value` and its NUL included (measured: 131072 bytes)."""


def exercise(name: str, points: float, scores: list[tuple[float, float]], status: Status = Status.FAILED,
             visible: bool = True, message: str = "wrong values", details: str = "") -> ExerciseResult:
    """An exercise whose cases have these (score, max_score); a case below its max has `status`."""
    cases = tuple(CaseResult(name, f"case{i}", visible, Status.PASSED if score >= most else status, score, most,
                             "passed" if score >= most else message, "" if score >= most else details)
                  for i, (score, most) in enumerate(scores))
    return ExerciseResult(name, "shapes", name.title(), points, cases)


def run_of(*exercises: ExerciseResult) -> GradingRun:
    return GradingRun("l10", "2024001", "repo", exercises)


BUGGY = run_of(exercise("dense", 3, [(1.5, 1.5), (1.5, 1.5)]),
               exercise("conv", 16, [(4.3333, 4.3333), (4.3333, 4.3333), (4.3334, 4.3334), (0, 3)]),
               exercise("params", 3, [(0, 1), (0, 2)]),
               exercise("questions", 5, [(0, 1)] * 5))
"""Like the buggy example: full marks, partial credit and nothing, 16 of 27 points."""
SHARES = run_of(exercise("tenth", 1, [(0.1, 0.1), (0, 0.9)]), exercise("fifth", 1, [(0.2, 0.2), (0, 0.8)]),
                exercise("shares", 3, [(0.2308, 0.2308)] * 12 + [(0, 0.2304)]))
"""Scores that add up to 3.0696000000000003 in floating point: 0.1 + 0.2 + 2.7696."""
PERFECT = run_of(exercise("dense", 3, [(1.5, 1.5), (1.5, 1.5)]), exercise("conv", 4, [(4, 4)]))
LATE = replace(BUGGY, late=LatePenalty("2026-12-11T10:00:00-03:00", "2026-12-10T23:59:00-03:00", 36060, 1, 10.0,
                                         "Submitted 10 h late: -10%"))
"""The buggy run submitted a day late: 16 - 10% = 14.4 of 27 points."""
NOTHING = run_of(exercise("dense", 3, [(0, 1.5), (0, 1.5)], Status.NOT_IMPLEMENTED), exercise("conv", 4, [(0, 4)]))


def reported(run: GradingRun):
    results = classroom.to_results(run)
    assert list(results) == list(RUNNERS) == ["earned", "missed"]
    return run_reporter(",".join(RUNNERS), {name: classroom.encoded(result) for name, result in results.items()})


@pytest.mark.parametrize("run", [BUGGY, SHARES, PERFECT, NOTHING, LATE],
                         ids=["buggy", "shares", "perfect", "nothing", "late"])
def test_every_number_the_reporter_prints_is_the_grade(run):
    """Run the real reporter on the results: are "Points", the summary, the table's rows and total and each
    runner's "Total points" the grade (earned), the points missed, or the maximum; and does the log say
    "undefined" or "NaN" nowhere?"""
    grade, maximum = Fraction(str(round(run.score, 4))), Fraction(str(run.max_score))
    show = classroom.points
    log = reported(run)
    assert "undefined" not in log.log and "NaN" not in log.log, log.log
    assert log.points() == (show(grade), show(maximum))
    assert json.loads(log.summary()) == {"totalPoints": run.score, "maxPoints": run.max_score}
    assert log.table() == {"earned": (show(grade), show(grade)), "missed": ("0", show(maximum - grade)),
                           "Total:": (show(grade), show(maximum))}
    totals = log.runner_totals()
    assert totals.pop("earned", None) == ((f"{run.score:.2f}", show(grade)) if grade else None)
    assert totals.pop("missed", None) == (("0.00", show(maximum - grade)) if grade < maximum else None)
    assert not totals
    assert log.returncode == (0 if grade == maximum else 1)  # the job fails when points were missed


def test_one_entry_per_exercise_in_each_runner_it_has_points_in():
    """Does every exercise that earned points pass in `earned` with those points, and every one that missed
    points fail in `missed` with score 0 and the points missed as its max, named with them, with line_no 0?"""
    results = classroom.to_results(BUGGY)
    earned, missed = results["earned"], results["missed"]
    assert [t["name"] for t in earned["tests"]] == ["dense: 3 of 3 points", "conv: 13 of 16 points"]
    assert [t["name"] for t in missed["tests"]] == ["conv: 3 of 16 points missed", "params: 3 of 3 points missed",
                                                    "questions: 5 of 5 points missed"]
    assert {t["status"] for t in earned["tests"]} == {"pass"} and {t["status"] for t in missed["tests"]} == {"fail"}
    assert [t["score"] for t in earned["tests"]] == [t["max_score"] for t in earned["tests"]] == [3, 13]
    assert [t["score"] for t in missed["tests"]] == [0, 0, 0]
    assert [t["max_score"] for t in missed["tests"]] == [3, 3, 5]
    assert (earned["max_score"], missed["max_score"]) == (16, 11) and (earned["status"], missed["status"]) == (
        "pass", "fail")
    assert all(t["line_no"] == 0 for r in results.values() for t in r["tests"])
    assert missed["tests"][0]["message"] == "conv: 3 of 4 cases passed; case3: failed: wrong values"


def test_scores_add_up_to_the_grade_in_floating_point():
    """0.1 + 0.2 is 0.30000000000000004 in JavaScript as in Python: do the earned scores, added left to right
    as the reporter does, give the grade exactly, and do the runners' maxima give the maximum?"""
    results = classroom.to_results(SHARES)
    scores = [test["score"] for test in results["earned"]["tests"]]
    total = 0.0
    for score in scores:
        total += score
    assert total == SHARES.score == 3.0696 and 0.1 + 0.2 + 2.7696 != 3.0696
    assert all(abs(got - wanted) < 1e-13 for got, wanted in zip(scores, [0.1, 0.2, 2.7696]))
    assert [t["score"] for t in classroom.to_results(BUGGY)["earned"]["tests"]] == [3, 13]  # unmoved: exact
    assert results["earned"]["max_score"] + results["missed"]["max_score"] == SHARES.max_score == 5


def test_a_grader_error_is_reported_as_an_error_not_as_the_students_failure():
    """Is an exercise where the grader failed an "error" entry (the reporter prints its message, which names the
    exercise and says it is not the student's doing), and the missed runner's status "error"?"""
    run = run_of(exercise("conv", 4, [(2, 2), (0, 2)], Status.GRADER_ERROR, message="the grader failed"))
    missed = classroom.to_results(run)["missed"]
    assert missed["status"] == "error" and missed["tests"][0]["status"] == "error"
    log = reported(run)
    assert "Error: conv: 1 of 2 cases passed" in log.log and "not your code" in log.log
    assert log.points() == ("2", "4")


def test_hidden_cases_say_only_how_they_failed():
    """Do hidden cases appear only as counts of how they failed: no case name, message, details or staff text?"""
    case = CaseResult("conv", "secret_geometry", False, Status.FAILED, 0, 2, "wrong values: expected 42",
                      "expected [[42]]", "staff: solutions/conv.py")
    run = run_of(ExerciseResult("conv", "conv_numpy", "Conv", 4, (case, CaseResult(
        "conv", "seen", False, Status.TIMEOUT, 0, 2, "ran past 2 s"))))
    text = classroom.dumps(run)
    assert "hidden cases: 1 failed, 1 timeout" in text
    for secret in ("secret_geometry", "42", "solutions", "2 s"):
        assert secret not in text


def test_the_result_stays_small_whatever_the_submission_printed():
    """274 cases that all failed with a megabyte of message and of details (printed output, an exception's
    text), hidden or visible: is each runner's base64 within RESULT_LIMIT, a quarter of the kernel's limit, and
    does the reporter run on it with the grade?"""
    noise = "x" * 1_000_000
    run = run_of(*(exercise(f"exercise_{i}", 10, [(0.5, 0.5)] + [(0, 0.5)] * 19, Status.ERROR, visible=i % 2 == 0,
                            message=noise, details=noise) for i in range(14)))
    results = classroom.to_results(run)
    sizes = [len(classroom.encoded(result)) for result in results.values()]
    assert max(sizes) <= RESULT_LIMIT < MAX_ARG_STRLEN // 3
    assert all(len(t["message"]) <= MESSAGE_LIMIT for r in results.values() for t in r["tests"])
    log = reported(run)
    assert log.points() == ("7", "140") and "undefined" not in log.log


def test_a_course_too_large_for_one_entry_per_exercise_gets_one_entry_per_runner():
    """Where one entry per exercise would pass RESULT_LIMIT (thousands of exercises), does each runner get one
    entry with the totals, still reported as the grade?"""
    run = run_of(*(exercise(f"exercise_with_a_long_name_{i:04}", 1, [(0.5, 0.5), (0, 0.5)]) for i in range(2000)))
    results = classroom.to_results(run)
    assert [t["name"] for t in results["earned"]["tests"]] == ["1000 of 2000 points"]
    assert [t["name"] for t in results["missed"]["tests"]] == ["1000 of 2000 points missed"]
    log = reported(run)
    assert log.points() == ("1000", "2000") and log.table()["Total:"] == ("1000", "2000")


def test_a_result_over_the_kernels_limit_never_reaches_the_reporter():
    """Is the limit real: does one environment string of 128 KiB stop node from starting ("Argument list too
    long"), as it stopped the reporter on the old one-entry-per-case results?"""
    too_long = base64.b64encode(b"x" * (MAX_ARG_STRLEN * 3 // 4)).decode()
    with pytest.raises(OSError, match="Argument list too long"):
        run_reporter("earned", {"earned": too_long})


def test_github_output_has_one_line_per_runner():
    """Is the step's output one `name=base64` line per runner, decoding to to_results?"""
    lines = classroom.github_output(BUGGY).splitlines()
    assert [line.split("=", 1)[0] for line in lines] == list(RUNNERS)
    decoded = {name: json.loads(base64.b64decode(value, validate=True))
               for name, value in (line.split("=", 1) for line in lines)}
    assert decoded == json.loads(classroom.dumps(BUGGY)) == classroom.to_results(BUGGY)


@pytest.mark.parametrize("maximum", [35, 95, 100])
def test_the_runners_maxima_add_up_to_the_maximum_for_every_grade(maximum):
    """For every grade a course with this maximum can give (multiples of 1/10000), do the two runners' maxima,
    added as the reporter adds them, give the maximum exactly (else Classroom shows 99.99999999999999)?"""
    import numpy as np

    units = np.arange(maximum * 10_000 + 1)
    earned, missed = units / 10_000, (maximum * 10_000 - units) / 10_000  # correctly rounded, as float(Fraction)
    for k in (0, 1, 3, 7_777, maximum * 5_000, maximum * 10_000 - 1):
        assert classroom._max_scores(Fraction(k, 10_000), Fraction(maximum)) == (earned[k], missed[k])
    assert np.flatnonzero(earned + missed != maximum).tolist() == []
