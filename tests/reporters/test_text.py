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


def test_score_table_has_a_row_per_submission():
    """Does the table give one row per submission with per-exercise scores and the maximum?"""
    def run(name, score):
        case = CaseResult("f", "c", True, Status.PASSED if score else Status.FAILED, score, 5.0, "")
        return GradingRun("a1", None, name, (ExerciseResult("f", "m", "F", 5.0, (case,)),))
    table = text.score_table([run("alice", 5.0), run("bob", 0.0)])
    lines = table.splitlines()
    assert lines[2].startswith("alice") and lines[2].endswith("5/5")
    assert lines[3].startswith("bob") and lines[3].endswith("0/5")
    assert lines[4].startswith("(max)")
