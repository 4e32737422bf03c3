"""Gradescope's autograder results format (results.json), as its specification defines it
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): only the keys listed there (TOP_KEYS,
TEST_KEYS); the maximum, which the specification has no key for, is in `extra_data`.

One test entry per case, named `<exercise id>: <case>` so that every entry starts with its exercise's
function name; hidden cases keep their entry (stable across submissions) with redacted output. What stops a
whole exercise before it runs (a module missing or misnamed, a syntax error) is said once, in one entry for the
exercise; what stops the whole upload (empty, not a zip, no module) in one entry for the upload. The file is
deterministic but for `execution_time` (when given): sorted keys, no timestamps.
"""
from __future__ import annotations

import json
from typing import Any

from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
TOP_KEYS = frozenset({"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
                      "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"})
"""The top-level keys of results.json in Gradescope's specification."""
TEST_KEYS = frozenset({"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
                       "tags", "visibility", "extra_data"})
"""The keys of one entry of `tests` in Gradescope's specification."""
UPLOAD_TEST = "Your upload"
"""The name of the one entry of a run in which nothing could be graded."""
NOT_GRADED = "Your upload could not be graded: "


def to_results(run: GradingRun, hidden_visibility: str = "visible", execution_time: float | None = None,
               preface: tuple[str, ...] = ()) -> dict[str, Any]:
    """results.json's content; `execution_time` (seconds, measured by the caller) and `preface` (lines that
    open the output, e.g. that the grading did not finish) are the caller's."""
    whole = _one_reason(c for e in run.exercises for c in e.cases)
    if whole is not None:
        tests = [{"name": UPLOAD_TEST, "number": "1", "score": 0.0, "max_score": run.max_score, "status": "failed",
                  "output": whole, "visibility": "visible"}]
        preface = (*preface, NOT_GRADED + whole)
    else:
        tests = [test for number, exercise in enumerate(run.exercises, start=1)
                 for test in _tests(number, exercise, hidden_visibility)]
    results = {
        "score": run.score,
        "output": "\n".join((*preface, _summary(run))),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "extra_data": {"max_score": run.max_score},
        "tests": tests,
    }
    if execution_time is not None:
        results["execution_time"] = max(int(round(execution_time)), 0)
    return results


def dumps(run: GradingRun, hidden_visibility: str = "visible", execution_time: float | None = None,
          preface: tuple[str, ...] = ()) -> str:
    return json.dumps(to_results(run, hidden_visibility, execution_time, preface), indent=2, sort_keys=True,
                      ensure_ascii=False) + "\n"


def _tests(number: int, exercise: ExerciseResult, hidden_visibility: str) -> list[dict[str, Any]]:
    """One entry per case, or one for the exercise when every case of it is ungradable for one reason."""
    reason = _one_reason(exercise.cases) if len(exercise.cases) > 1 else None
    if reason is not None:
        details = exercise.cases[0].details
        return [{"name": exercise.id, "number": f"{number}", "score": 0.0, "max_score": exercise.points,
                 "status": "failed", "visibility": "visible",
                 "output": f"ungradable: {reason} (all {len(exercise.cases)} cases)" + (f"\n\n{details}" if details
                                                                                      else "")}]
    return [{
        "name": f"{exercise.id}: {case.case}",
        "number": f"{number}.{index}",
        "score": case.score,
        "max_score": case.max_score,
        "status": "passed" if case.passed or _skipped_in_full(case) else "failed",
        "output": _output(case),
        "visibility": "visible" if case.visible else hidden_visibility,
    } for index, case in enumerate(exercise.cases, start=1)]


def _one_reason(cases) -> str | None:
    """The message of cases that are all ungradable with the same message (and details), else None."""
    seen = {(c.status, c.message, c.details) for c in cases}
    if len(seen) != 1:
        return None
    status, message, _ = seen.pop()
    return message if status is Status.UNGRADABLE else None


def _output(case: CaseResult) -> str:
    label = "" if case.visible else "(hidden case) "
    text = f"{label}{case.status.value.replace('_', ' ')}: {case.message}"
    if case.status is Status.SKIPPED:  # its message starts with "skipped (no GPU)": say it once
        text = f"{label}{case.message}"
    if case.status is Status.PASSED:
        text = f"{label}passed"
    return f"{text}\n\n{case.details}" if case.details else text


def _skipped_in_full(case: CaseResult) -> bool:
    """A skipped CUDA case that took its full points from the CPU (or counts for none): not a failure."""
    return case.status is Status.SKIPPED and case.score >= case.max_score


def _summary(run: GradingRun) -> str:
    lines = [f"{run.assignment}: {run.score:g} / {run.max_score:g} points"]
    for exercise in run.exercises:
        passed = sum(c.passed for c in exercise.cases)
        lines.append(f"  {exercise.id}: {exercise.score:g} / {exercise.points:g} ({passed}/{len(exercise.cases)} cases)")
        lines.extend(f"    {line}" for note in exercise.notes for line in note.splitlines())
    lines.extend(run.notes)
    return "\n".join(lines)
