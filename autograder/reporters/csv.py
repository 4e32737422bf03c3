"""The class as a CSV: one row per student (sorted), columns student, total, max, then one per exercise in the
order of the assignment. Numbers are written with up to 4 decimals and no trailing zeros.

Where some run carries a late penalty record (the assignment has a deadline, autograder/late.py), four columns
follow: submitted_at, days_late, penalty (percent) and final, the grade after the penalty; `total` stays the
points earned (the exercises' sum). A student whose time is unknown has them empty but `final`."""
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
    late = any(run.late is not None for _, run in runs)
    writer.writerow(["student", "total", "max", *exercises, *LATE_COLUMNS * late])
    for student, run in sorted(runs, key=lambda pair: pair[0]):
        scores = {e.id: e.score for e in run.exercises}
        writer.writerow([student, _number(run.raw_score), _number(run.max_score),
                         *(_number(scores[e]) if e in scores else "" for e in exercises),
                         *(_late_cells(run) if late else ())])
    return out.getvalue()


LATE_COLUMNS = ("submitted_at", "days_late", "penalty", "final")


def _late_cells(run: GradingRun) -> tuple[str, ...]:
    if run.late is None:
        return "", "", "", _number(run.score)
    return run.late.submitted_at, str(run.late.days_late), _number(run.late.percent), _number(run.score)


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
