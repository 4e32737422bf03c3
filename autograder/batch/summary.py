"""Class statistics from the students' runs: pure functions, no files.

Per class: mean, median, min and max of the totals, and their distribution; per student: whether the score says
anything about the code (`Grading`: a real 0 or an ungradable one); per exercise: the mean score, the pass rate
(the share of students with full marks on it) and how many students made each known mistake, so the instructor
sees which exercise the class failed and what to re-teach.
"""
from __future__ import annotations

import enum
import math
import statistics
from dataclasses import dataclass
from typing import Sequence

from autograder.batch.jobs import NOT_GRADED
from autograder.results import GradingRun, Status

FULL_MARKS = 1e-6
"""A score this close to the exercise's points counts as full marks (scores are rounded to 4 places)."""
BINS = 10
"""Bars of the score distribution: each a tenth of the maximum."""


class Grading(enum.Enum):
    """How much of a student's submission was graded: the class CSV's `grading` column. Only GRADED and PARTLY
    scores are about the student's code; the others are 0 (or less) because nothing of it could be judged."""

    GRADED = "graded"
    """Every exercise ran: the score, a 0 included, is the code's own."""
    PARTLY = "partly_graded"
    """Some exercises could not be graded (a module that does not import, an answers.yaml that
    cannot be read), the others ran."""
    UNGRADABLE = "ungradable"
    """Nothing ran: no module of the submission could be loaded (a syntax error, an exception at import, missing
    files or functions, wrong signatures)."""
    REFUSED = "upload_refused"
    """The upload itself was refused before grading: empty, not a readable zip, hostile members, not a notebook."""
    GRADER_ERROR = "grader_error"
    """The grader failed on some case: the score is not the student's; a re-run of `grade-all` retries."""

    @property
    def is_real(self) -> bool:
        """Whether the score is about the student's code."""
        return self in (Grading.GRADED, Grading.PARTLY)


def grading_of(run: GradingRun) -> Grading:
    """How much of the run was graded, from its cases' statuses alone (and, for a refused upload, the run note
    that batch/jobs.py writes)."""
    cases = [c for e in run.exercises for c in e.cases]
    if not cases or any(c.status is Status.GRADER_ERROR for c in cases):
        return Grading.GRADER_ERROR  # no case at all: the grader could not even make them (pipeline.failed_run)
    if all(c.status is Status.UNGRADABLE for c in cases):
        return Grading.REFUSED if run.notes and run.notes[0].startswith(NOT_GRADED) else Grading.UNGRADABLE
    if any(e.cases and all(c.status is Status.UNGRADABLE for c in e.cases) for e in run.exercises):
        return Grading.PARTLY
    return Grading.GRADED


@dataclass(frozen=True)
class MistakeCount:
    exercise: str
    mistake: str
    """The known mistake's id (assignment.yaml's `mistakes:`)."""
    students: int
    """Students in whose answers to this exercise the mistake was diagnosed."""
    share: float
    """students / the class's size, 0..1, 4 places."""


@dataclass(frozen=True)
class ExerciseStats:
    id: str
    points: float
    mean: float
    pass_rate: float
    """Share (0..1) of the students with full marks on this exercise."""
    mistakes: tuple[MistakeCount, ...] = ()
    """The known mistakes diagnosed in this exercise, most frequent first (ties: in the order first seen)."""
    title: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar of the score distribution: the students whose total lies in [low, high) (the last bar: [low, high])."""

    low: float
    high: float
    graded: int
    """Students whose score is about their code (Grading.is_real)."""
    not_graded: int
    """Students whose score is not (ungradable, refused, grader error): their 0 says nothing about the code."""


@dataclass(frozen=True)
class ClassSummary:
    students: int
    max_score: float
    mean: float
    median: float
    minimum: float
    maximum: float
    ungradable: tuple[str, ...]
    """Students whose submission could not be graded at all (every case UNGRADABLE: Grading UNGRADABLE or
    REFUSED)."""
    exercises: tuple[ExerciseStats, ...]
    gradings: tuple[tuple[Grading, int], ...] = ()
    """How many students each Grading has, in the enum's order, those with none left out."""
    grader_errors: tuple[str, ...] = ()
    """Students on whom the grader failed (Grading.GRADER_ERROR)."""
    distribution: tuple[Bar, ...] = ()

    @property
    def mistakes(self) -> tuple[MistakeCount, ...]:
        """Every exercise's known mistakes, most frequent first, ties in exercise order: what to re-teach."""
        ranked = [m for e in self.exercises for m in e.mistakes]
        return tuple(sorted(ranked, key=lambda m: -m.students))  # a stable sort keeps the ties' order


def summarize(runs: Sequence[tuple[str, GradingRun]]) -> ClassSummary:
    """The statistics of (student, run) pairs; exercises in the order of their first appearance."""
    if not runs:
        raise ValueError("no graded students to summarize")
    totals = [run.score for _, run in runs]
    order: dict[str, tuple[float, str]] = {}
    scores: dict[str, list[float]] = {}
    mistakes: dict[str, dict[str, int]] = {}
    for _, run in runs:
        for exercise in run.exercises:
            order.setdefault(exercise.id, (exercise.points, exercise.title))
            scores.setdefault(exercise.id, []).append(exercise.score)
            counts = mistakes.setdefault(exercise.id, {})
            for mistake in dict.fromkeys(exercise.mistakes):  # a student counts once per mistake
                counts[mistake] = counts.get(mistake, 0) + 1
    size = len(runs)
    exercises = tuple(
        ExerciseStats(id=name, points=points, title=title,
                      mean=round(sum(scores[name]) / size, 4),  # a student without the exercise scores 0
                      pass_rate=round(sum(s >= points - FULL_MARKS for s in scores[name]) / size, 4),
                      mistakes=tuple(sorted((MistakeCount(name, mistake, n, round(n / size, 4))
                                             for mistake, n in mistakes[name].items()), key=lambda m: -m.students)))
        for name, (points, title) in order.items())
    gradings = {student: grading_of(run) for student, run in runs}
    counted = tuple((kind, n) for kind in Grading if (n := sum(g is kind for g in gradings.values())))
    max_score = max(run.max_score for _, run in runs)
    return ClassSummary(
        students=size, max_score=max_score, mean=round(statistics.fmean(totals), 4),
        median=round(statistics.median(totals), 4), minimum=min(totals), maximum=max(totals),
        ungradable=tuple(s for s, g in gradings.items() if g in (Grading.UNGRADABLE, Grading.REFUSED)),
        exercises=exercises, gradings=counted,
        grader_errors=tuple(s for s, g in gradings.items() if g is Grading.GRADER_ERROR),
        distribution=distribution([(run.score, gradings[s].is_real) for s, run in runs], max_score))


def distribution(totals: Sequence[tuple[float, bool]], max_score: float, bins: int = BINS) -> tuple[Bar, ...]:
    """`bins` bars of equal width from 0 to `max_score` over (total, whether the score is real) pairs. A total
    outside [0, max] (a penalty, a rounding) goes into the nearest end bar."""
    if max_score <= 0:
        return ()
    width = max_score / bins
    graded, not_graded = [0] * bins, [0] * bins
    for total, real in totals:
        index = min(max(math.floor(total / width + FULL_MARKS), 0), bins - 1)
        (graded if real else not_graded)[index] += 1
    return tuple(Bar(round(i * width, 4), round((i + 1) * width, 4), graded[i], not_graded[i]) for i in range(bins))


def summary_text(summary: ClassSummary) -> str:
    """The table printed at the end of `grade-all` and written to grades/summary.txt."""
    lines = [f"{summary.students} students, totals out of {_n(summary.max_score)}: mean {_n(summary.mean)}, "
             f"median {_n(summary.median)}, min {_n(summary.minimum)}, max {_n(summary.maximum)}"]
    if summary.ungradable:
        lines.append(f"{len(summary.ungradable)} could not be graded at all: {', '.join(summary.ungradable)} "
                     f"(see their run.json)")
    if summary.grader_errors:
        lines.append(f"{len(summary.grader_errors)} not graded because the grader failed: "
                     f"{', '.join(summary.grader_errors)} (re-run to retry them)")
    if any(kind is not Grading.GRADED for kind, _ in summary.gradings):
        lines.append("grading: " + ", ".join(f"{n} {kind.value}" for kind, n in summary.gradings)
                     + " (grades.csv's `grading` column)")
    lines.append("")
    width = max([len("exercise")] + [len(e.id) for e in summary.exercises])
    lines.append(f"{'exercise':<{width}}  {'points':>6}  {'mean':>8}  {'pass rate':>9}")
    lines.append("-" * len(lines[-1]))
    lowest = min(e.pass_rate for e in summary.exercises) if summary.exercises else None
    for e in summary.exercises:
        mark = "  <- lowest pass rate" if e.pass_rate == lowest and lowest < 1 else ""
        lines.append(f"{e.id:<{width}}  {_n(e.points):>6}  {_n(e.mean):>8}  {e.pass_rate:>9.0%}{mark}")
    lines.append("")
    ranked = summary.mistakes
    if not ranked:
        lines.append("known mistakes: none diagnosed")
    else:
        lines.append("known mistakes, most frequent first (what to re-teach):")
        width = max(len(f"{m.exercise}: {m.mistake}") for m in ranked)
        for m in ranked:
            lines.append(f"  {m.exercise + ': ' + m.mistake:<{width}}  {m.students:>3} "
                         f"{'student' if m.students == 1 else 'students'} ({m.share:.0%})")
    return "\n".join(lines) + "\n"


def _n(value: float) -> str:
    """A number without trailing zeros: 96, 33.3333."""
    return f"{value:.4f}".rstrip("0").rstrip(".")
