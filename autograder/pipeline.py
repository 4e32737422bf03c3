"""Wiring only: spec → cases → expected values → sandboxed run → verdicts → scores → GradingRun."""
from __future__ import annotations

import inspect
import traceback
from pathlib import Path

from autograder import scoring
from autograder.cases import Case, expand_assignment
from autograder.reference import Expected, ReferenceError_, ReferenceSolutions, expected_for
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.sandbox import Call, ModuleLoad, Outcome, OutcomeKind, SandboxOptions, SubmissionError, run_calls
from autograder.sandbox.static import scan_submission
from autograder.spec import AssignmentSpec, CourseSpec, ExerciseSpec
from autograder.verdict import GRADER_FAILED, Loading, Verdict, judge


def grade(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None = None,
          visible_only: bool = False) -> GradingRun:
    """Grade one submission folder. Never raises for anything the submission does: a failure of the grader
    itself becomes GRADER_ERROR results that keep the traceback for staff."""
    cases = expand_assignment(course, assignment, student=student, visible_only=visible_only)
    try:
        return _grade(course, assignment, submission, cases, student, visible_only)
    except SubmissionError as error:
        verdicts = {c.key: Verdict(Status.UNGRADABLE, str(error)) for c in cases}
        return _assemble(assignment, submission, student, visible_only, cases, verdicts, ())
    except Exception:  # the grader's own bug: every case says so, staff get the traceback
        staff = traceback.format_exc()
        verdicts = {c.key: Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=staff) for c in cases}
        return _assemble(assignment, submission, student, visible_only, cases, verdicts, ())


def _grade(course: CourseSpec, assignment: AssignmentSpec, submission: Path, cases: list[Case],
           student: str | None, visible_only: bool) -> GradingRun:
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    expected: dict[str, Expected] = {}
    verdicts: dict[str, Verdict] = {}
    for case in cases:
        exercise = assignment.exercise(case.exercise)
        try:
            expected[case.key] = expected_for(case, exercise.module, reference)
        except ReferenceError_ as error:
            verdicts[case.key] = Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=str(error))

    calls = [_call(case, assignment.exercise(case.exercise)) for case in cases if case.key in expected]
    functions = {m: [e.id for e in assignment.exercises if e.module == m] for m in assignment.modules}
    memory_mb = max((e.limits.memory_mb for e in assignment.exercises), default=course.limits.memory_mb)
    output_kb = max((e.limits.output_kb for e in assignment.exercises), default=course.limits.output_kb)
    report = run_calls(submission, calls, functions, SandboxOptions(memory_mb=memory_mb, output_kb=output_kb))

    loadings = {e.id: Loading(module=report.modules.get(e.module),
                              expected_signature=_signature(reference, e),
                              static_uses=tuple(scan_submission(submission, e.module, e.id, e.forbidden)))
                for e in assignment.exercises}
    for case in cases:
        if case.key in verdicts:
            continue
        exercise = assignment.exercise(case.exercise)
        outcome = report.outcomes.get(case.key, Outcome(OutcomeKind.NOT_RUN, message="not run"))
        verdicts[case.key] = judge(case, expected[case.key], outcome, loadings[case.exercise], exercise.compare,
                                   exercise.limits.memory_mb)
    notes = _run_notes(report.output, report.output_dropped, report.modules)
    return _assemble(assignment, submission, student, visible_only, cases, verdicts, notes)


def _call(case: Case, exercise: ExerciseSpec) -> Call:
    return Call(key=case.key, exercise=exercise.id, module=exercise.module, function=exercise.id, args=case.args,
                forbidden=exercise.forbidden, case_seconds=exercise.limits.case_seconds,
                exercise_seconds=exercise.limits.exercise_seconds)


def _signature(reference: ReferenceSolutions, exercise: ExerciseSpec) -> str:
    function = getattr(reference.module(exercise.module), exercise.id)
    return str(inspect.signature(function).replace(return_annotation=inspect.Signature.empty)) \
        .replace("'", "")


def _run_notes(output: str, dropped: int, modules: dict[str, ModuleLoad]) -> tuple[str, ...]:
    notes = []
    if output.strip():
        notes.append("Your code printed outside the graded calls:\n" + output.rstrip()[:4000])
    if dropped:
        notes.append(f"{dropped} more bytes of output were dropped (the output limit was reached)")
    for load in modules.values():
        if load.ok and load.stdout.strip():
            notes.append(f"Importing {load.module}.py printed:\n{load.stdout.rstrip()[:2000]}")
    return tuple(notes)


def _assemble(assignment: AssignmentSpec, submission: Path, student: str | None, visible_only: bool,
              cases: list[Case], verdicts: dict[str, Verdict], notes: tuple[str, ...]) -> GradingRun:
    exercises = []
    for exercise in assignment.exercises:
        mine = [c for c in cases if c.exercise == exercise.id]
        if not mine:
            continue
        maxima = scoring.shares(exercise.points, [c.weight for c in mine])
        results = []
        for case, max_score in zip(mine, maxima):
            verdict = verdicts[case.key]
            results.append(CaseResult(
                exercise=exercise.id, case=case.name, visible=case.visible, status=verdict.status,
                score=scoring.score(verdict.status, max_score), max_score=max_score,
                message=verdict.message if case.visible else verdict.hidden_message,
                details=_join(f"Note: {case.note}" if case.note and verdict.status is not Status.PASSED else "",
                              verdict.details) if case.visible else "",
                staff=verdict.staff if case.visible else _join(verdict.message, verdict.details, verdict.staff)))
        exercises.append(ExerciseResult(id=exercise.id, module=exercise.module, title=exercise.title,
                                        points=round(sum(maxima), 4), cases=tuple(results)))
    return GradingRun(assignment=assignment.id, student=student, submission=submission.name,
                      exercises=tuple(exercises), visible_only=visible_only, notes=notes)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)
