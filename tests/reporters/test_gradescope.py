"""Gradescope's results.json."""
from __future__ import annotations

import json

import pytest

from gradescope_spec import SPEC_TEST, SPEC_TOP, check_spec

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
    assert results["score"] == 2.0 and results["extra_data"] == {"max_score": 4.0}
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


def many(exercise: str, status: Status, message: str, count: int, visible: bool = True) -> tuple[CaseResult, ...]:
    return tuple(CaseResult(exercise, f"c{i}", visible, status, 0.0, 1.0, message) for i in range(count))


@pytest.mark.parametrize("execution_time", [None, 0.4, 12.6])
def test_every_key_is_one_of_the_specification(execution_time):
    """Does results.json hold only the specification's keys, top-level and per test, with their types, the
    maximum in extra_data and execution_time in whole seconds when the caller measured one?"""
    run = run_with(CaseResult("conv2d", "lecture", True, Status.PASSED, 2.0, 2.0, "passed"),
                   CaseResult("conv2d", "random[0]", False, Status.TIMEOUT, 0.0, 2.0, "stopped"))
    results = check_spec(json.loads(gradescope.dumps(run, "after_due_date", execution_time)))
    assert results.get("execution_time") == (None if execution_time is None else round(execution_time))
    assert results["extra_data"] == {"max_score": 4.0}
    assert gradescope.TOP_KEYS == set(SPEC_TOP) and gradescope.TEST_KEYS == set(SPEC_TEST)


def test_the_validator_refuses_keys_outside_the_specification():
    """Would the check above catch a key the specification does not have (the old top-level max_score)?"""
    with pytest.raises(AssertionError, match="outside the specification"):
        check_spec({"score": 1.0, "max_score": 2.0, "tests": []})
    with pytest.raises(AssertionError, match="outside the specification"):
        check_spec({"score": 1.0, "tests": [{"score": 1.0, "execution_time": 3}]})


def test_an_upload_that_cannot_be_graded_is_one_failing_entry():
    """When every case is ungradable for one reason (an empty upload), is that said once: one failing entry
    worth the whole maximum, and the reason first in the output, instead of one entry per case?"""
    reason = "your upload is empty (no files): upload shapes.py and filters.py"
    run = GradingRun("a1", None, "sub", (
        ExerciseResult("output_size", "shapes", "O", 3.0, many("output_size", Status.UNGRADABLE, reason, 3)),
        ExerciseResult("conv2d", "conv_numpy", "C", 2.0, many("conv2d", Status.UNGRADABLE, reason, 2, False))))
    results = check_spec(gradescope.to_results(run))
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in results["tests"]] == \
        [("Your upload", 0.0, 5.0, "failed")]
    assert results["tests"][0]["output"] == reason
    assert results["output"].splitlines()[0] == f"Your upload could not be graded: {reason}"
    assert results["output"].count(reason) == 1


def test_a_module_or_exercise_stopped_by_one_reason_is_one_entry_and_the_others_stay():
    """Is a module whose exercises are all ungradable for one reason (a misnamed file) one entry named after the
    file with their points, an exercise stopped alone (a missing function) one entry, and the rest one entry per
    case?"""
    reason = "found shapes (1).py: rename it shapes.py"
    missing = "no function conv2d in conv_numpy.py"
    run = GradingRun("a1", None, "sub", (
        ExerciseResult("output_size", "shapes", "O", 3.0, many("output_size", Status.UNGRADABLE, reason, 3)),
        ExerciseResult("same_padding", "shapes", "S", 2.0, many("same_padding", Status.UNGRADABLE, reason, 2)),
        ExerciseResult("conv2d", "conv_numpy", "C", 2.0, many("conv2d", Status.UNGRADABLE, missing, 2)),
        ExerciseResult("zero_pad", "conv_numpy", "Z", 2.0, (
            CaseResult("zero_pad", "a", True, Status.PASSED, 1.0, 1.0, "passed"),
            CaseResult("zero_pad", "b", True, Status.UNGRADABLE, 0.0, 1.0, reason)))), notes=(reason,))
    results = check_spec(gradescope.to_results(run))
    assert [(t["name"], t["max_score"]) for t in results["tests"]] == [
        ("shapes.py", 5.0), ("conv2d", 2.0), ("zero_pad: a", 1.0), ("zero_pad: b", 1.0)]
    assert reason in results["tests"][0]["output"] and "(all 5 cases)" in results["tests"][0]["output"]
    assert results["output"].count(reason) == 1  # the run's note, once


def test_a_preface_opens_the_output():
    """Does a preface (a partial run's "the grading stopped") come first in the output?"""
    run = run_with(CaseResult("conv2d", "x", True, Status.PASSED, 4.0, 4.0, "passed"))
    assert gradescope.to_results(run, preface=("stopped early",))["output"].startswith("stopped early\n")
