"""Class statistics from the students' runs: pure functions, no files.

Per class: mean, median, min and max of the totals; per exercise: the mean score and the pass rate (the share
of students with full marks on it), so the instructor sees which exercise the class failed.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Sequence

from autograder.results import GradingRun, Status

FULL_MARKS = 1e-6
"""A score this close to the exercise's points counts as full marks (scores are rounded to 4 places)."""


@dataclass(frozen=True)
class ExerciseStats:
    id: str
    points: float
    mean: float
    pass_rate: float
    """Share (0..1) of the students with full marks on this exercise."""


@dataclass(frozen=True)
class ClassSummary:
    students: int
    max_score: float
    mean: float
    median: float
    minimum: float
    maximum: float
    ungradable: tuple[str, ...]
    """Students whose submission could not be graded at all (every case UNGRADABLE)."""
    exercises: tuple[ExerciseStats, ...]


def summarize(runs: Sequence[tuple[str, GradingRun]]) -> ClassSummary:
    """The statistics of (student, run) pairs; exercises in the order of their first appearance."""
    if not runs:
        raise ValueError("no graded students to summarize")
    totals = [run.score for _, run in runs]
    order: dict[str, float] = {}
    scores: dict[str, list[float]] = {}
    for _, run in runs:
        for exercise in run.exercises:
            order.setdefault(exercise.id, exercise.points)
            scores.setdefault(exercise.id, []).append(exercise.score)
    exercises = tuple(
        ExerciseStats(id=name, points=points,
                      mean=round(sum(scores[name]) / len(runs), 4),  # a student without the exercise scores 0
                      pass_rate=round(sum(s >= points - FULL_MARKS for s in scores[name]) / len(runs), 4))
        for name, points in order.items())
    ungradable = tuple(student for student, run in runs if _ungradable(run))
    return ClassSummary(students=len(runs), max_score=max(run.max_score for _, run in runs),
                        mean=round(statistics.fmean(totals), 4), median=round(statistics.median(totals), 4),
                        minimum=min(totals), maximum=max(totals), ungradable=ungradable, exercises=exercises)


def _ungradable(run: GradingRun) -> bool:
    cases = [c for e in run.exercises for c in e.cases]
    return bool(cases) and all(c.status is Status.UNGRADABLE for c in cases)


def summary_text(summary: ClassSummary) -> str:
    """The table printed at the end of `grade-all` and written to grades/summary.txt."""
    lines = [f"{summary.students} students, totals out of {_n(summary.max_score)}: mean {_n(summary.mean)}, "
             f"median {_n(summary.median)}, min {_n(summary.minimum)}, max {_n(summary.maximum)}"]
    if summary.ungradable:
        lines.append(f"{len(summary.ungradable)} could not be graded at all: {', '.join(summary.ungradable)} "
                     f"(see their run.json)")
    lines.append("")
    width = max([len("exercise")] + [len(e.id) for e in summary.exercises])
    lines.append(f"{'exercise':<{width}}  {'points':>6}  {'mean':>8}  {'pass rate':>9}")
    lines.append("-" * len(lines[-1]))
    lowest = min(e.pass_rate for e in summary.exercises) if summary.exercises else None
    for e in summary.exercises:
        mark = "  <- lowest pass rate" if e.pass_rate == lowest and lowest < 1 else ""
        lines.append(f"{e.id:<{width}}  {_n(e.points):>6}  {_n(e.mean):>8}  {e.pass_rate:>9.0%}{mark}")
    return "\n".join(lines) + "\n"


def _n(value: float) -> str:
    """A number without trailing zeros: 96, 33.3333."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
