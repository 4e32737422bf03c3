"""What grading produces: one `CaseResult` per case, grouped per exercise, in one `GradingRun`.

These are plain frozen dataclasses with `to_dict`/`from_dict`, so a run crosses process boundaries (batch
grading, reports written later) as JSON. They know no output format; `autograder.reporters` does.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(enum.Enum):
    """How one case ended. Three kinds of failure stay distinct: the student's code failed (FAILED,
    ERROR, TIMEOUT, CRASHED, FORBIDDEN, NOT_IMPLEMENTED), the submission could not be graded (UNGRADABLE),
    and the grader itself failed (GRADER_ERROR)."""

    PASSED = "passed"
    FAILED = "failed"
    """Returned, but not the expected value (or did not raise the expected exception)."""
    ERROR = "error"
    """Raised an exception the case did not expect."""
    NOT_IMPLEMENTED = "not_implemented"
    """Raised NotImplementedError: the stub is untouched."""
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    """The student's process died (signal, os._exit, memory limit)."""
    FORBIDDEN = "forbidden"
    """Used an API the exercise forbids."""
    UNGRADABLE = "ungradable"
    """The module or function could not be loaded: syntax error, import error, missing or wrong signature."""
    GRADER_ERROR = "grader_error"
    SKIPPED = "skipped"
    """Not run: the grading machine lacks what the case needs (a CUDA device). Scored by the course's
    `gpu.cuda_unavailable`: the same case's score on the CPU, or taken out of the maximum."""

    @property
    def is_student_fault(self) -> bool:
        return self not in (Status.PASSED, Status.UNGRADABLE, Status.GRADER_ERROR, Status.SKIPPED)


@dataclass(frozen=True)
class CaseResult:
    exercise: str
    case: str
    visible: bool
    status: Status
    score: float
    max_score: float
    message: str
    """One line for the student; for hidden cases it says only what kind of failure happened."""
    details: str = ""
    """Longer feedback (mismatch table, traceback inside the submission, printed output); visible cases only."""
    staff: str = ""
    """Kept for instructors only: grader tracebacks, hidden-case details."""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_dict(self) -> dict[str, Any]:
        return {"exercise": self.exercise, "case": self.case, "visible": self.visible,
                "status": self.status.value, "score": self.score, "max_score": self.max_score,
                "message": self.message, "details": self.details, "staff": self.staff}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CaseResult":
        return cls(**{**data, "status": Status(data["status"])})


@dataclass(frozen=True)
class ExerciseResult:
    id: str
    module: str
    title: str
    points: float
    cases: tuple[CaseResult, ...]
    notes: tuple[str, ...] = ()
    """Exercise-wide messages (forbidden API found in the source, wrong signature, ...)."""
    mistakes: tuple[str, ...] = ()
    """The ids of the known mistakes diagnosed (autograder.diagnose; their sentences are in `notes`), for the
    class's counts (autograder/batch/summary.py)."""

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.cases), 4)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "module": self.module, "title": self.title, "points": self.points,
                "score": self.score, "notes": list(self.notes), "mistakes": list(self.mistakes),
                "cases": [c.to_dict() for c in self.cases]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExerciseResult":
        return cls(id=data["id"], module=data["module"], title=data["title"], points=data["points"],
                   cases=tuple(CaseResult.from_dict(c) for c in data["cases"]), notes=tuple(data["notes"]),
                   mistakes=tuple(data.get("mistakes", ())))  # run.json written before mistakes were kept


@dataclass(frozen=True)
class LatePenalty:
    """How late a submission came and what it lost (autograder/late.py), for the feedback and the class CSV."""

    submitted_at: str
    """ISO 8601, as the submission's time source gave it."""
    deadline: str
    seconds_late: int
    """0 when on time (at or before the deadline)."""
    days_late: int
    """Started days (24 h) after the deadline: what the penalty counts."""
    percent: float
    """Of the points earned, 0..100."""
    message: str
    """The line the student reads ("Submitted 1 day 3 h late ...: -10%"); "" when on time."""

    def to_dict(self) -> dict[str, Any]:
        return {"submitted_at": self.submitted_at, "deadline": self.deadline, "seconds_late": self.seconds_late,
                "days_late": self.days_late, "percent": self.percent, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "LatePenalty":
        return cls(**data)


@dataclass(frozen=True)
class SpeedMeasure:
    """What `autograder check` says about a speed case it timed: the measured ratio and the limit. The times differ
    from run to run, so a graded run (results.json, byte-identical for the same upload) never carries them."""

    exercise: str
    case: str
    ratio: float
    """The student's CPU time per call over the baseline's (the better of the measurements)."""
    max_ratio: float
    baseline: str

    @property
    def text(self) -> str:
        verdict = "within" if self.ratio <= self.max_ratio else "over"
        return (f"{self.exercise}: {self.case}: {self.ratio:.1f}x the CPU time of {self.baseline} on this machine "
                f"({verdict} the limit, {self.max_ratio:g}x)")


@dataclass(frozen=True)
class GradingRun:
    assignment: str
    student: str | None
    submission: str
    """The submission's folder name as given (never a full path of the grading machine)."""
    exercises: tuple[ExerciseResult, ...]
    visible_only: bool = False
    notes: tuple[str, ...] = field(default=())
    """Run-wide messages: output of the student's process that was truncated, and the like."""
    staff_notes: tuple[str, ...] = field(default=())
    """Run-wide messages for instructors only (run.json), never rendered for the student: e.g. what the student's
    process printed outside the calls while hidden cases ran, which can hold their inputs."""
    late: LatePenalty | None = None
    """The late penalty where the assignment has a deadline and the submission's time is known."""
    speed: tuple[SpeedMeasure, ...] = field(default=())
    """With `visible_only`: the speed cases' measured ratios, for `check` to print (never in results.json)."""
    answers_problems: tuple[str, ...] = field(default=())
    """With `visible_only` (`autograder check`): what is wrong with answers.yaml (unreadable, an answer left out or
    not of its question's form), each costing points at grading; `check` fails on them. Its notes say them too."""

    @property
    def raw_score(self) -> float:
        """The points earned, before any late penalty."""
        return round(sum(e.score for e in self.exercises), 4)

    @property
    def score(self) -> float:
        """The grade: the points earned less the late penalty, if any."""
        if self.late is None or not self.late.percent:
            return self.raw_score
        return round(self.raw_score * (100 - self.late.percent) / 100, 4)

    @property
    def max_score(self) -> float:
        return round(sum(e.points for e in self.exercises), 4)

    def to_dict(self) -> dict[str, Any]:
        late = {} if self.late is None else {"late": self.late.to_dict(), "raw_score": self.raw_score}
        return {"assignment": self.assignment, "student": self.student, "submission": self.submission,
                "visible_only": self.visible_only, "score": self.score, "max_score": self.max_score,
                "notes": list(self.notes), "staff_notes": list(self.staff_notes),
                "exercises": [e.to_dict() for e in self.exercises], **late,
                **({"answers_problems": list(self.answers_problems)} if self.answers_problems else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradingRun":
        return cls(assignment=data["assignment"], student=data["student"], submission=data["submission"],
                   exercises=tuple(ExerciseResult.from_dict(e) for e in data["exercises"]),
                   visible_only=data["visible_only"], notes=tuple(data["notes"]),
                   staff_notes=tuple(data.get("staff_notes", ())),
                   late=LatePenalty.from_dict(data["late"]) if data.get("late") else None,
                   answers_problems=tuple(data.get("answers_problems", ())))
