"""Terminal feedback and the score table."""
from __future__ import annotations

from autograder.reporters import text
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def test_feedback_lists_failures_with_details_and_the_total():
    """Does the feedback show each exercise's count, every failing case with its details, and the total?"""
    cases = (CaseResult("conv2d", "lecture", True, Status.FAILED, 0.0, 2.0, "shape (3, 4) differs",
                        details="Called conv2d(...)"),
             CaseResult("conv2d", "ok", True, Status.PASSED, 2.0, 2.0, "passed"))
    run = GradingRun("a1", "s9", "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 4.0, cases),))
    out = text.feedback(run)
    assert "conv2d" in out and "1/2" in out and "FAIL   lecture: shape (3, 4) differs" in out
    assert "Called conv2d(...)" in out and "2.00 / 4" in out and "student s9" in out
    assert "ok:" not in out  # passing cases only with verbose
    assert "ok: passed" in text.feedback(run, verbose=True)


def _run(name: str, score: float, exercises: int = 1) -> GradingRun:
    results = []
    for index in range(exercises):
        case = CaseResult(f"f{index}", "c", True, Status.PASSED if score else Status.FAILED, score, 5.0, "")
        results.append(ExerciseResult(f"f{index}", "m", "F", 5.0, (case,)))
    return GradingRun("a1", None, name, tuple(results))


def test_score_table_has_a_row_per_submission_for_a_class():
    """With more submissions than exercises, does each submission get a row with its scores and total?"""
    lines = text.score_table([_run("alice", 5.0), _run("bob", 0.0)]).splitlines()
    assert lines[0].split() == ["submission", "f0", "total"]
    assert lines[2].split() == ["alice", "5", "5"] and lines[3].split() == ["bob", "0", "0"]
    assert lines[4].split() == ["(max)", "5", "5"]


def test_score_table_has_a_row_per_exercise_for_a_few_submissions():
    """With fewer submissions than exercises, are the exercises the rows (a narrow table)?"""
    lines = text.score_table([_run("ref", 5.0, 3), _run("stub", 0.0, 3)], ["reference", "stubs"]).splitlines()
    assert lines[0].split() == ["exercise", "reference", "stubs", "max"]
    assert lines[2].split() == ["f0", "5", "0", "5"]
    assert lines[-1].split() == ["total", "15", "0", "15"]


def test_exercise_notes_are_shown_under_their_exercise():
    """Does an exercise-wide note (a diagnosed mistake) appear under its exercise, in the text and in Gradescope's
    summary?"""
    from autograder.reporters import gradescope

    case = CaseResult("conv2d", "lecture", True, Status.FAILED, 0.0, 2.0, "values are wrong")
    note = "This looks like the known mistake 'flipped_kernel': the kernel was flipped"
    run = GradingRun("a1", None, "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 2.0, (case,), (note,)),))
    lines = text.feedback(run).splitlines()
    assert lines[lines.index(next(l for l in lines if l.strip().startswith("conv2d"))) + 1].strip() == note
    assert f"    {note}" in gradescope.to_results(run)["output"].splitlines()
