"""Gradescope's results.json."""
from __future__ import annotations

import json

from autograder.reporters import gradescope
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def run_with(*cases: CaseResult) -> GradingRun:
    return GradingRun("a1", None, "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 4.0, cases),))


def test_one_entry_per_case_named_after_the_exercise():
    """Does every case become a test entry whose name starts with the exercise id, with its own score?"""
    run = run_with(CaseResult("conv2d", "lecture", True, Status.PASSED, 2.0, 2.0, "passed"),
                   CaseResult("conv2d", "random[0]", False, Status.FAILED, 0.0, 2.0, "the result has the wrong shape"))
    results = gradescope.to_results(run, hidden_visibility="after_published")
    assert [t["name"] for t in results["tests"]] == ["conv2d: lecture", "conv2d: random[0]"]
    assert [t["visibility"] for t in results["tests"]] == ["visible", "after_published"]
    assert [t["status"] for t in results["tests"]] == ["passed", "failed"]
    assert results["score"] == 2.0 and results["max_score"] == 4.0
    assert results["tests"][1]["output"].startswith("(hidden case) failed: the result has the wrong shape")


def test_staff_details_never_reach_the_file():
    """Is the staff-only text of a case kept out of results.json?"""
    run = run_with(CaseResult("conv2d", "x", False, Status.GRADER_ERROR, 0.0, 4.0, "the grader failed",
                              staff="Traceback: secret/path/solutions.py"))
    assert "secret" not in gradescope.dumps(run)


def test_dumps_is_stable_json():
    """Is the text sorted, indented, newline-terminated JSON?"""
    text = gradescope.dumps(run_with(CaseResult("conv2d", "x", True, Status.PASSED, 4.0, 4.0, "passed")))
    assert text.endswith("\n") and json.loads(text)["score"] == 4.0
    assert text == gradescope.dumps(GradingRun.from_dict(run_with(
        CaseResult("conv2d", "x", True, Status.PASSED, 4.0, 4.0, "passed")).to_dict()))


def test_a_skipped_case_says_skipped_once():
    """Does a skipped CUDA case's output say "skipped (no GPU)" once, not "skipped: skipped"?"""
    case = CaseResult("conv", "a@cuda", True, Status.SKIPPED, 1.0, 1.0, "skipped (no GPU): no CUDA here")
    run = GradingRun("a1", None, "sub", (ExerciseResult("conv", "m", "C", 1.0, (case,)),))
    output = gradescope.to_results(run)["tests"][0]["output"]
    assert output == "skipped (no GPU): no CUDA here"
