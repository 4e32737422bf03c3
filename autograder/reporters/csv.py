"""The class as a CSV: one row per student (sorted), columns student, total, max, then one per exercise in the
order of the assignment. Numbers are written with up to 4 decimals and no trailing zeros."""
from __future__ import annotations

import csv
import io
from typing import Sequence

from autograder.results import GradingRun


def class_csv(runs: Sequence[tuple[str, GradingRun]]) -> str:
    """The CSV of (student, run) pairs; a student without an exercise gets an empty cell there."""
    exercises: dict[str, None] = {}
    for _, run in runs:
        exercises.update((e.id, None) for e in run.exercises)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "total", "max", *exercises])
    for student, run in sorted(runs, key=lambda pair: pair[0]):
        scores = {e.id: e.score for e in run.exercises}
        writer.writerow([student, _number(run.score), _number(run.max_score),
                         *(_number(scores[e]) if e in scores else "" for e in exercises)])
    return out.getvalue()


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
