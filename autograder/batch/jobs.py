"""One student's grading as a self-contained job, so that it runs the same in a thread, a process or on a
Dask worker on another machine: the host reads (and checks) the files, the worker writes them into a fresh
temporary folder named after the student and runs `autograder.pipeline.grade` there.

The worker needs the package and the course at `course_root` (the same path on every machine); the
submission travels with the job, so workers need no shared file system for submissions. What comes back is
plain data: `{"run": GradingRun.to_dict(), "files": {name: text}}`, the files being the per-student reports
(batch/reports.py) rendered in the worker, where the case values are.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from autograder import tempfolders
from autograder.batch.reports import StudentReport
from autograder.results import GradingRun, Status

NOT_GRADED = "Not graded: "
"""How the run note of an ungradable submission starts (followed by the reason)."""


@dataclass(frozen=True)
class Job:
    student: str
    files: tuple[tuple[str, bytes], ...]
    """(relative POSIX path, content), already checked (no absolute paths, no `..`)."""
    problem: str = ""
    """Why the submission cannot be graded at all (a hostile zip, ...); then `files` is empty."""
    submitted_at: str | None = None
    """When the student submitted (ISO 8601), for the late penalty; None: unknown, no penalty."""


def grade_job(course_root: str, assignment_id: str, job: Job,
              reports: tuple[StudentReport, ...] = ()) -> dict[str, Any]:
    """The worker's side: {"run": GradingRun.to_dict(), "files": {report filename: text}} of the job's
    submission, `reports` (batch/reports.py) rendered here, where the values of the cases are."""
    from autograder.late import apply_late
    from autograder.pipeline import grade_with_values
    from autograder.times import parse_time

    course = _course(course_root)
    assignment = course.assignment(assignment_id)
    submitted_at = parse_time(job.submitted_at) if job.submitted_at else None
    if job.problem:  # 0 points: the penalty changes nothing but is recorded, as for every student
        run, values = apply_late(ungradable(course, assignment, job.student, job.problem), assignment.late,
                                 submitted_at), ()
    else:
        with tempfolders.folder("autograder-batch-") as scratch:
            folder = scratch / job.student
            folder.mkdir()
            for name, content in job.files:
                target = folder.joinpath(*PurePosixPath(name).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            run, values = grade_with_values(course, assignment, folder, student=job.student,
                                            submitted_at=submitted_at)
    files = {report.filename: report.render(course, assignment, run, values) for report in reports}
    return {"run": run.to_dict(), "files": files}


def ungradable(course, assignment, student: str, problem: str) -> GradingRun:
    """A run in which every case (questions included) is UNGRADABLE with `problem` as its message, with the
    exercises and points a graded run has, so that it sits in the class CSV like any other."""
    from autograder.pipeline import grade

    with tempfolders.folder("autograder-batch-") as scratch:
        # A folder that does not exist: the pipeline gives up before running anything and returns every
        # exercise with its cases; only the message is replaced by the real reason.
        template = grade(course, assignment, scratch / student, student=student)
    exercises = tuple(replace(e, notes=(), cases=tuple(
        replace(c, status=Status.UNGRADABLE, score=0.0, message=problem, details="", staff="") for c in e.cases))
        for e in template.exercises)
    return replace(template, exercises=exercises, notes=(NOT_GRADED + problem,))


@functools.lru_cache(maxsize=4)
def _course(root: str):
    from autograder.spec import load_course

    return load_course(Path(root))
