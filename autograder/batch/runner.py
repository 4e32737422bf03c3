"""Wiring of `grade-all`: skip the students done before, grade the others on the executor (a bounded number
in flight, so that 500 zips are never all in memory), write each one's files as it finishes."""
from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Collection, Mapping, Sequence

from autograder.batch import store
from autograder.batch.jobs import NOT_GRADED, Job, grade_job, ungradable
from autograder.batch.progress import Progress
from autograder.batch.reports import StudentReport
from autograder.batch.submissions import Submission, fingerprint, read_files
from autograder.batch.unzip import SubmissionRejected
from autograder.results import GradingRun, Status
from autograder.sandbox.isolation import IsolationError
from autograder.spec.model import LateRule, StudentIdRule
from autograder.student_id import StudentIdError, checked
from autograder.times import iso
from autograder.verdict import GRADER_FAILED



@dataclass(frozen=True)
class BatchResult:
    runs: tuple[tuple[str, GradingRun], ...]
    """(student, run) of every submission of this batch, graded now or before, sorted by student."""
    graded: tuple[str, ...]
    skipped: tuple[str, ...]
    failed: tuple[str, ...]
    """Students whose grading failed in the grader or the executor (not marked done: a re-run retries them)."""
    not_graded: tuple[str, ...] = ()
    """With `only`: the other students that have no result in the grades folder yet (not in `runs`)."""


def grade_all(course, assignment, submissions: Sequence[Submission], out: Path, executor, *,
              force: bool = False, progress: Progress | None = None,
              reports: Sequence[StudentReport] = (), times: Mapping[str, datetime] | None = None,
              only: Collection[str] | None = None) -> BatchResult:
    """Grade the class into `out`. `times` (student -> when they submitted) applies the assignment's late
    penalty. `only` (a regrade): grade just those students, always, and take every other student's run from
    `out` as it is, graded or not since their submission changed."""
    from autograder.reporters import gradescope

    times = times or {}
    prints = {s.student: _print(fingerprint(s), assignment.late, times.get(s.student)) for s in submissions}
    names = tuple(report.filename for report in reports)
    runs: dict[str, GradingRun] = {}
    not_graded = []
    for s in submissions:
        if only is not None and s.student not in only:
            if (out / s.student / store.RUN).is_file():
                runs[s.student] = store.load_run(out / s.student / store.RUN)  # StoreError: the command says so
            else:
                not_graded.append(s.student)
        elif not force and only is None and store.is_done(out, s.student, prints[s.student], names):
            try:
                runs[s.student] = store.load_run(out / s.student / store.RUN)
            except store.StoreError:  # a run.json that cannot be read back: grade the student again
                continue
    skipped = list(runs)
    left_out = set(not_graded)
    waiting = iter([s for s in submissions if s.student not in runs and s.student not in left_out])
    if progress and only is None:
        progress.skipped(len(skipped))
    graded, failed = [], []
    in_flight: dict[Any, Submission] = {}
    limit = max(2 * executor.slots, 4)

    def finish(student: str, run: GradingRun, done: str | None, files: dict[str, str]) -> None:
        store.save(out, student, run, gradescope.dumps(run, course.reporting.hidden_visibility), done, files)
        runs[student] = run
        graded.append(student)
        if progress:
            progress.finished(student, _outcome(run))

    def failure(student: str) -> None:
        """The grader or the executor failed on this student: recorded, not marked done, the others go on."""
        run = _grader_failure(course, assignment, student, traceback.format_exc())
        failed.append(student)
        finish(student, run, None, {r.filename: r.render(course, assignment, run, ()) for r in reports})

    def fill() -> None:
        for submission in waiting:
            try:
                job = _job(submission, assignment.modules, tuple(q.id for q in assignment.questions),
                           times.get(submission.student), course.student_id)
            except Exception:  # noqa: BLE001 (reading one submission failed in a way that is ours)
                failure(submission.student)
                continue
            in_flight[executor.submit(grade_job, str(course.root), assignment.id, job, tuple(reports))] = submission
            if len(in_flight) >= limit:
                return

    try:
        fill()
        while in_flight:
            for future in executor.wait_any(in_flight):
                submission = in_flight.pop(future)
                student = submission.student
                try:
                    result = future.result()
                    run, files = GradingRun.from_dict(result["run"]), result["files"]
                except Exception as error:  # noqa: BLE001 (a grader or executor failure)
                    if isinstance(error, IsolationError):  # the machine: every student would fail alike
                        raise
                    failure(student)
                    continue
                finish(student, run, prints[student], files)
            fill()
    finally:
        for future in in_flight:
            future.cancel()
        if progress:
            progress.close()
    ordered = tuple(sorted(runs.items()))
    return BatchResult(runs=ordered, graded=tuple(graded), skipped=tuple(skipped), failed=tuple(failed),
                       not_graded=tuple(not_graded))


def _print(submitted: str, rule: LateRule | None, at: datetime | None) -> str:
    """The `.done` fingerprint: the submission's, and where there is a deadline also the rule and the time, so
    that a re-run grades again a student whose penalty would change (new deadline, corrected time)."""
    if rule is None:
        return submitted
    late = f"{submitted}\0{iso(rule.deadline)}\0{rule.penalty_per_day}\0{rule.max_days}\0{iso(at) if at else ''}"
    return hashlib.sha256(late.encode()).hexdigest()


def _job(submission: Submission, modules: tuple[str, ...], questions: tuple[str, ...] = (),
         at: datetime | None = None, ids: StudentIdRule = StudentIdRule()) -> Job:
    stamp = iso(at) if at else None
    try:  # the folder's name is the id: one of another form than course.yaml's is not graded, and says why
        checked(submission.student, ids, "student id (the submission's name)")
    except StudentIdError as error:
        return Job(submission.student, (), problem=str(error), submitted_at=stamp)
    try:
        files = read_files(submission, modules, questions)
    except SubmissionRejected as error:
        return Job(submission.student, (), problem=str(error), submitted_at=stamp)
    except OSError as error:
        return Job(submission.student, (), problem=f"{submission.path.name}: cannot be read ({error})",
                   submitted_at=stamp)
    return Job(submission.student, tuple(sorted(files.items())), submitted_at=stamp)


def _grader_failure(course, assignment, student: str, staff: str) -> GradingRun:
    """Every case GRADER_ERROR, the traceback for staff; not marked done, so a re-run tries again."""
    template = ungradable(course, assignment, student, GRADER_FAILED)
    exercises = tuple(replace(e, cases=tuple(replace(c, status=Status.GRADER_ERROR, staff=staff) for c in e.cases))
                      for e in template.exercises)
    return replace(template, exercises=exercises, notes=())


def _outcome(run: GradingRun) -> str:
    note = " (not graded: see run.json)" if run.notes and run.notes[0].startswith(NOT_GRADED) else ""
    return f"{run.score:g}/{run.max_score:g}{note}"
