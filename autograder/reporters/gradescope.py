"""Gradescope's autograder results format (results.json).

One test entry per case, named `<exercise id>: <case>` so that every entry starts with its exercise's
function name; hidden cases keep their entry (stable across submissions) with redacted output. The file is
deterministic: no timestamps, sorted keys, so the same submission gives byte-identical results.
"""
from __future__ import annotations

import json
from typing import Any

from autograder.results import CaseResult, GradingRun, Status

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def to_results(run: GradingRun, hidden_visibility: str = "visible") -> dict[str, Any]:
    tests = []
    for number, exercise in enumerate(run.exercises, start=1):
        for index, case in enumerate(exercise.cases, start=1):
            tests.append({
                "name": f"{exercise.id}: {case.case}",
                "number": f"{number}.{index}",
                "score": case.score,
                "max_score": case.max_score,
                "status": "passed" if case.passed or _skipped_in_full(case) else "failed",
                "output": _output(case),
                "visibility": "visible" if case.visible else hidden_visibility,
            })
    return {
        "score": run.score,
        "max_score": run.max_score,
        "output": _summary(run),
        "output_format": "text",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def dumps(run: GradingRun, hidden_visibility: str = "visible") -> str:
    return json.dumps(to_results(run, hidden_visibility), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


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
