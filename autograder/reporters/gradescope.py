"""Gradescope's autograder results format (results.json), as its specification defines it
(https://gradescope-autograders.readthedocs.io/en/latest/specs/): only the keys listed there (TOP_KEYS,
TEST_KEYS); the maximum, which the specification has no key for, is in `extra_data`.

One test entry per case, named `<exercise id>: <case>` so that every entry starts with its exercise's
function name; hidden cases keep their entry (stable across submissions) with redacted output. What stops a
whole module or exercise before it runs (a module missing or misnamed, a syntax error, a missing function) is
said once, in one entry for the module or exercise; what stops the whole upload (empty, not a zip, no module) in
one entry for the upload. The file is
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
        tests = _all_tests(run, hidden_visibility)
    results = {
        "score": run.score,
        "output": "\n".join((*preface, _summary(run, said=whole))),
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


def _all_tests(run: GradingRun, hidden_visibility: str) -> list[dict[str, Any]]:
    """The entries of every exercise; a module whose exercises are all ungradable for one reason (missing,
    misnamed, a syntax error) is one entry, named after its file."""
    numbered = list(enumerate(run.exercises, start=1))
    modules = {e.module: [(n, x) for n, x in numbered if x.module == e.module] for e in run.exercises}
    tests, said = [], set()
    for number, exercise in numbered:
        group = modules[exercise.module]
        reason = _one_reason(c for _, e in group for c in e.cases) if len(group) > 1 else None
        if reason is None:
            tests.extend(_tests(number, exercise, hidden_visibility))
        elif exercise.module not in said:
            said.add(exercise.module)
            cases = [c for _, e in group for c in e.cases]
            tests.append(_one_entry(f"{exercise.module}.py", f"{number}", round(sum(e.points for _, e in group), 4),
                                    reason, cases))
    return tests


def _one_entry(name: str, number: str, max_score: float, reason: str, cases: list[CaseResult]) -> dict[str, Any]:
    details = cases[0].details
    return {"name": name, "number": number, "score": 0.0, "max_score": max_score, "status": "failed",
            "visibility": "visible",
            "output": f"ungradable: {reason} (all {len(cases)} cases)" + (f"\n\n{details}" if details else "")}


def _tests(number: int, exercise: ExerciseResult, hidden_visibility: str) -> list[dict[str, Any]]:
    """One entry per case, or one for the exercise when every case of it is ungradable for one reason."""
    reason = _one_reason(exercise.cases) if len(exercise.cases) > 1 else None
    if reason is not None:
        return [_one_entry(exercise.id, f"{number}", exercise.points, reason, list(exercise.cases))]
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
    """The message of cases that are all ungradable with the same message (and details), else None. Hidden cases
    say only that they could not be graded (verdict.HIDDEN_BY_STATUS): the visible ones give the reason."""
    cases = list(cases)
    if any(c.status is not Status.UNGRADABLE for c in cases):
        return None
    visible = [c for c in cases if c.visible] or cases
    seen = {(c.status, c.message, c.details) for c in visible}
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


def _summary(run: GradingRun, said: str | None = None) -> str:
    """The score of each exercise and the run's notes; a note that only repeats `said` (the reason nothing was
    graded, already in the preface) is left out."""
    lines = [f"{run.assignment}: {run.score:g} / {run.max_score:g} points"]
    for exercise in run.exercises:
        passed = sum(c.passed for c in exercise.cases)
        lines.append(f"  {exercise.id}: {exercise.score:g} / {exercise.points:g} ({passed}/{len(exercise.cases)} cases)")
        lines.extend(f"    {line}" for note in exercise.notes for line in note.splitlines())
    lines.extend(note for note in run.notes if said is None or not note.endswith(said))
    return "\n".join(lines)
