"""The class as CSV files, the same from `grade-all` and `export-grades` (both from the runs alone).

grades.csv: one row per student (sorted), columns student, total, max, then one per exercise in the order of the
assignment, then the named columns of COLUMNS (`grading`: whether a 0 is the code's own; `mistakes`: the known
mistakes diagnosed). Where some run carries a late penalty record (the assignment has a deadline,
autograder/late.py), four columns follow: submitted_at, days_late, penalty (percent) and final, the grade after the
penalty; `total` stays the points earned (the exercises' sum). A student whose time is unknown has them empty but
`final`. mistakes.csv: per exercise, how many students made each known mistake. Numbers are written with up to 4
decimals and no trailing zeros.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Callable, Sequence

from autograder.batch.summary import ClassSummary, grading_of
from autograder.results import GradingRun


@dataclass(frozen=True)
class Column:
    """A column of grades.csv after the exercises': its header and its cell for a student's run."""

    header: str
    cell: Callable[[GradingRun], str]


def _mistakes(run: GradingRun) -> str:
    """`exercise:mistake` of every known mistake diagnosed, in exercise order, joined by `;` ('' for none)."""
    return ";".join(f"{e.id}:{m}" for e in run.exercises for m in e.mistakes)


COLUMNS: tuple[Column, ...] = (
    Column("grading", lambda run: grading_of(run).value),
    Column("mistakes", _mistakes),
)
"""The columns after the exercises', in order; a new one goes at the end (spreadsheets that import the file by
position keep working)."""


def class_csv(runs: Sequence[tuple[str, GradingRun]]) -> str:
    """The CSV of (student, run) pairs; a student without an exercise gets an empty cell there."""
    exercises: dict[str, None] = {}
    for _, run in runs:
        exercises.update((e.id, None) for e in run.exercises)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    late = any(run.late is not None for _, run in runs)
    writer.writerow(["student", "total", "max", *exercises, *(c.header for c in COLUMNS), *LATE_COLUMNS * late])
    for student, run in sorted(runs, key=lambda pair: pair[0]):
        scores = {e.id: e.score for e in run.exercises}
        writer.writerow([text_cell(student), number_cell(run.raw_score), number_cell(run.max_score),
                         *(number_cell(scores[e]) if e in scores else "" for e in exercises),
                         *(c.cell(run) for c in COLUMNS), *(_late_cells(run) if late else ())])
    return out.getvalue()


def mistakes_csv(summary: ClassSummary) -> str:
    """exercise, mistake, students, share: every known mistake diagnosed in the class, most frequent first
    (ties in exercise order), the order in which to re-teach them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["exercise", "mistake", "students", "share"])
    for m in summary.mistakes:
        writer.writerow([m.exercise, m.mistake, m.students, number_cell(m.share)])
    return out.getvalue()


LATE_COLUMNS = ("submitted_at", "days_late", "penalty", "final")


def _late_cells(run: GradingRun) -> tuple[str, ...]:
    if run.late is None:
        return "", "", "", number_cell(run.score)
    return run.late.submitted_at, str(run.late.days_late), number_cell(run.late.percent), number_cell(run.score)


def text_cell(value: str) -> str:
    """A cell that a spreadsheet shows as text: one starting with = + - @ (or a tab or return) would be read as a
    formula, so it gets a leading apostrophe (OWASP's advice for CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def number_cell(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
