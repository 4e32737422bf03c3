"""Wiring only: spec → cases → expected values → sandboxed run → verdicts → scores → GradingRun."""
from __future__ import annotations

import inspect
import time
import traceback
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Callable, Protocol

from autograder import devices, scoring
from autograder.cases import Case, case_maxima, expand_assignment
from autograder.reference import Expected, ReferenceError_, ReferenceSolutions, expected_for
from autograder.results import CaseResult, ExerciseResult, GradingRun, SpeedMeasure, Status
from autograder.codec import TensorData
from autograder.sandbox import Call, ModuleLoad, Outcome, OutcomeKind, SandboxOptions, SubmissionError, run_calls
from autograder.sandbox.protocol import Timing
from autograder.sandbox.host import prestart_pool
from autograder.sandbox.isolation import IsolationError, Policy
from autograder.sandbox import groups as groups_
from autograder.sandbox.static import Scan, imported_modules, scan_submission
from autograder.spec import MISTAKES_MODULE, AssignmentSpec, CourseSpec, ExerciseSpec
from autograder.diagnose import Diagnosis, RunMistake, called_exercises, diagnose_exercise, helpers_failing
from autograder.intake import ModuleSource, read_module, read_modules
from autograder.late import apply_late
from autograder.student_id import canonical
from autograder.questions.grading import answer_forms, answer_problems, failed_questions, grade_questions
from autograder.values import CaseValues, visible_values
from autograder.verdict import (GRADER_FAILED, Loading, Shown, Verdict, forbid_whole_exercises, judge,
                               student_view)


class Truth(Protocol):
    """Where the right answers come from: the reference solutions (the course repository), or a case pack
    built from them (the student kit, autograder.kit.check). Everything after it is the same code."""

    def expected(self, case: Case, module: str) -> Expected:
        """The case's expected outcome; raises ReferenceError_ where the course is at fault."""

    def signature(self, exercise: ExerciseSpec) -> str:
        """The function's signature as the sandbox's worker reports one, quotes removed."""

    def mistakes(self) -> RunMistake:
        """Runs a known mistake (by `MistakeSpec.function`) on a case's arguments."""


class ReferenceTruth:
    """The trusted reference solutions and mistakes of solutions/<assignment>/, run in the grader's process."""

    def __init__(self, assignment: AssignmentSpec):
        self.reference = ReferenceSolutions(assignment.solutions, assignment.id)

    def expected(self, case: Case, module: str) -> Expected:
        return expected_for(case, module, self.reference)

    def signature(self, exercise: ExerciseSpec) -> str:
        return _signature(self.reference, exercise)

    def mistakes(self) -> RunMistake:
        return partial(self.reference.call, MISTAKES_MODULE)  # (function, args): known mistakes run on the host


def grade(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None = None,
          visible_only: bool = False, submitted_at: datetime | None = None) -> GradingRun:
    """Grade one submission folder. Never raises for anything the submission does: a failure of the grader
    itself becomes GRADER_ERROR results that keep the traceback for staff."""
    return grade_with_values(course, assignment, submission, student, visible_only, submitted_at=submitted_at)[0]


Progress = Callable[[GradingRun], None]
"""Given a partial run each time an exercise is done (the exercises not reached yet: NOT_REACHED), so that a
platform that stops the grading still finds what was graded (autograder.packaging.gradescope)."""

NOT_REACHED = "not graded: the grading stopped before it reached this exercise"


def grade_with_values(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None = None,
                      visible_only: bool = False, truth: Truth | None = None, cases: list[Case] | None = None,
                      forms: dict | None = None, progress: Progress | None = None,
                      submitted_at: datetime | None = None,
                      ) -> tuple[GradingRun, tuple[CaseValues, ...]]:
    """`grade`, plus the inputs, expected and returned values of the visible cases, for reports that draw them
    (reporters/pictures.py); they stay out of the GradingRun, so results.json and run.json stay small.

    `truth`, `cases` and `forms` (answers.yaml's expected forms) default to the course's reference solutions
    and the spec's cases; the student kit passes its case pack's. The sandbox runs nothing past the course's
    `grading_seconds` from now. `submitted_at` (the submission's time, where the route knows it) applies the
    assignment's late penalty (autograder/late.py) to the finished run."""
    deadline = time.monotonic() + course.grading_seconds
    student = canonical(student, course.student_id)  # every route seeds with the same id (autograder.student_id)
    kept: list[CaseValues] = []
    problems: tuple[str, ...] = ()
    try:  # answers.yaml first: it takes no time, and a partial run has it
        if visible_only and assignment.questions and forms is None:
            forms = answer_forms(course, assignment)
        questions, notes = grade_questions(course, assignment, submission, student, visible_only, forms)
        if visible_only:
            problems = answer_problems(submission, assignment, forms or {})
    except Exception:  # the grader's own bug: the questions say so, the code exercises stand
        questions, notes = () if visible_only else failed_questions(assignment, traceback.format_exc()), ()

    late = None if visible_only else assignment.late

    def partial(run: GradingRun) -> None:  # penalised as the final run is: a run stopped midway claims no more
        if progress is not None:
            progress(apply_late(replace(run, exercises=run.exercises + questions), late, submitted_at))

    run = _grade_exercises(course, assignment, submission, student, visible_only, kept, truth, cases, deadline,
                           partial if progress is not None else None)  # no partial runs that nobody reads
    run = replace(run, exercises=run.exercises + questions, notes=run.notes + notes, answers_problems=problems)
    return apply_late(run, late, submitted_at), tuple(kept)


def failed_run(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None,
               staff: str) -> GradingRun:
    """The run of a grading that raised (a bug of the grader's): every case, questions included, GRADER_ERROR
    with `staff` for staff, so that a command still writes a results.json with the assignment's maximum."""
    try:
        cases = expand_assignment(course, assignment, student=student)
        verdicts = {c.key: Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=staff) for c in cases}
        run = _assemble(assignment, submission, student, False, cases, verdicts, ())
        return replace(run, exercises=run.exercises + failed_questions(assignment, staff))
    except Exception:  # noqa: BLE001 (even the cases cannot be made: an empty run, still a results.json)
        return GradingRun(assignment=assignment.id, student=student, submission=submission.name, exercises=(),
                          notes=(GRADER_FAILED,), staff_notes=(staff,))


def _grade_exercises(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None,
                     visible_only: bool, kept: list[CaseValues], truth: Truth | None = None,
                     cases: list[Case] | None = None, deadline: float | None = None,
                     progress: Progress | None = None) -> GradingRun:
    """The code exercises, run in the sandbox; the visible cases' values are added to `kept`."""
    if not visible_only and course.warm_pool and submission.is_dir():  # the student kit starts its own (kit/check)
        prestart_pool(SandboxOptions(warm_pool=True))
    if cases is None:
        cases = expand_assignment(course, assignment, student=student, visible_only=visible_only)
    try:
        return _grade(course, assignment, submission, cases, student, visible_only, kept,
                      truth or ReferenceTruth(assignment), deadline, progress)
    except IsolationError:
        raise  # the machine, not this submission: every submission would fail alike, so stop the command
    except SubmissionError as error:
        verdicts = {c.key: Verdict(Status.UNGRADABLE, str(error)) for c in cases}
        return _assemble(assignment, submission, student, visible_only, cases, verdicts, ())
    except Exception:  # the grader's own bug: every case says so, staff get the traceback
        staff = traceback.format_exc()
        verdicts = {c.key: Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=staff) for c in cases}
        return _assemble(assignment, submission, student, visible_only, cases, verdicts, ())


def _grade(course: CourseSpec, assignment: AssignmentSpec, submission: Path, cases: list[Case],
           student: str | None, visible_only: bool, kept: list[CaseValues], truth: Truth,
           deadline: float | None = None, progress: Progress | None = None) -> GradingRun:
    sources = read_modules(submission, assignment.modules)  # size-checked, before anything runs or is parsed
    refused = {module: source.problem for module, source in sources.items() if source.problem}
    said = tuple(dict.fromkeys(refused.values()))  # "found shapes (1).py: rename it shapes.py", once in the run
    texts = {m: s.text for m, s in sources.items() if s.text is not None and not s.problem}
    workers = worker_groups(assignment, texts)
    scans = _static_scans(assignment, texts, workers)  # before the run too: the run cannot change what is read
    workers = groups_.merge_clean(workers, _exercises(assignment, texts), lambda exercise: not scans[exercise])
    expected: dict[str, Expected] = {}
    verdicts: dict[str, Verdict] = {}
    for case in cases:
        exercise = assignment.exercise(case.exercise)
        if exercise.module in refused:
            verdicts[case.key] = Verdict(Status.UNGRADABLE, refused[exercise.module])
            continue
        if case.device == "cuda" and not devices.cuda().available:
            verdicts[case.key] = Verdict(Status.SKIPPED, f"skipped (no GPU): {devices.cuda().reason}")
            continue
        try:
            expected[case.key] = _on_device(truth.expected(case, exercise.module), devices.resolve(case.device))
        except ReferenceError_ as error:
            verdicts[case.key] = Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=str(error))

    # Every visible case runs before any hidden one (a stable sort: each group keeps the spec's order): a worker
    # that has seen a hidden case's inputs could otherwise show them in a later visible case's message.
    ordered = sorted((case for case in cases if case.key in expected), key=lambda case: not case.visible)
    calls = [_call(case, assignment.exercise(case.exercise)) for case in ordered]
    functions = {m: [e.id for e in assignment.exercises if e.module == m] for m in assignment.modules
                 if m not in refused}
    memory_mb = max((e.limits.memory_mb for e in assignment.exercises), default=course.limits.memory_mb)
    output_kb = max((e.limits.output_kb for e in assignment.exercises), default=course.limits.output_kb)
    processes = max((e.limits.processes for e in assignment.exercises), default=course.limits.processes)

    def judged(outcomes: dict[str, Outcome], modules: dict[str, ModuleLoad],
               done: set[str] | None = None) -> dict[str, Verdict]:
        """Every case's verdict from the outcomes so far; with `done`, the exercises not in it NOT_REACHED."""
        loadings = {e.id: Loading(module=modules.get(e.module), expected_signature=truth.signature(e),
                                  static_uses=scans[e.id].uses, static_refusals=scans[e.id].refusals,
                                  source=_failed_source(sources[e.module], modules.get(e.module)))
                    for e in assignment.exercises}
        found = dict(verdicts)
        for case in cases:
            if case.key in found:
                continue
            if done is not None and case.exercise not in done:
                found[case.key] = Verdict(Status.UNGRADABLE, NOT_REACHED)
                continue
            exercise = assignment.exercise(case.exercise)
            outcome = outcomes.get(case.key, Outcome(OutcomeKind.NOT_RUN, message="not run"))
            found[case.key] = judge(case, expected[case.key], outcome, loadings[case.exercise], exercise.compare,
                                    exercise.limits.memory_mb)
        return forbid_whole_exercises(cases, found)

    reported: list[set[str]] = []  # the exercises done at the last report; none before the first

    def report_progress(outcomes: dict[str, Outcome], modules: dict[str, ModuleLoad]) -> None:
        done = {e.id for e in assignment.exercises
                if all(c.key in outcomes for c in calls if c.exercise == e.id)}
        if progress is None or (reported and done <= reported[-1]):
            return
        reported.append(done)
        try:
            progress(_assemble(assignment, submission, student, visible_only, cases,
                               judged(outcomes, modules, done), said, cuda_unavailable=course.cuda_unavailable))
        except Exception:  # noqa: BLE001 (a partial report that fails costs only itself, never the grading)
            traceback.print_exc()

    report_progress({}, {})  # before anything runs: a run stopped now still has its results file
    report = run_calls(submission, calls, functions, SandboxOptions(
        memory_mb=memory_mb, output_kb=output_kb, processes=processes, isolation=Policy(course.isolation),
        warm_pool=course.warm_pool, disk_mb=course.disk_mb, grading_seconds=course.grading_seconds,
        deadline=deadline), progress=report_progress if progress is not None else None, sources=texts,
        groups=workers)
    verdicts = judged(report.outcomes, report.modules)
    kept.extend(visible_values(cases, expected, report.outcomes))
    hidden_ran = any(not case.visible for case in cases if case.key in expected)
    notes, staff_notes = _run_notes(report.output, report.output_dropped, report.modules, hidden_ran)
    notes = said + notes
    mistakes = truth.mistakes()
    failing = {case.exercise for case in cases if verdicts[case.key].status not in (Status.PASSED, Status.SKIPPED)}
    diagnoses = {e.id: _diagnoses(e, assignment, cases, report.outcomes, expected, verdicts, mistakes, sources, failing)
                 for e in assignment.exercises}
    run = _assemble(assignment, submission, student, visible_only, cases, verdicts, notes, diagnoses,
                    course.cuda_unavailable)
    speed = _speed_measures(cases, report.outcomes) if visible_only else ()
    return replace(run, staff_notes=staff_notes, speed=speed)


def _speed_measures(cases: list[Case], outcomes: dict[str, Outcome]) -> tuple[SpeedMeasure, ...]:
    """The measured ratio of each speed case that was timed (`check` prints them; grading keeps them for staff)."""
    found = []
    for case in cases:
        outcome = outcomes.get(case.key)
        if case.speed is None or outcome is None or outcome.timing is None:
            continue
        student, baseline = outcome.timing
        ratio = student / baseline if baseline > 0 else float("inf")
        found.append(SpeedMeasure(case.exercise, case.name, ratio, case.speed.max_ratio, case.speed.baseline))
    return tuple(found)


def _diagnoses(exercise: ExerciseSpec, assignment: AssignmentSpec, cases: list[Case], outcomes: dict[str, Outcome],
               expected: dict[str, Expected], verdicts: dict[str, Verdict], mistakes: RunMistake,
               sources: dict[str, ModuleSource], failing: set[str]) -> tuple[Diagnosis, ...]:
    """The exercise's known mistakes; where none explains its failures, first "also check <helper>" for each other
    exercise it calls that fails too (a helper's bug hides this exercise's diagnosis), then its value hint."""
    found = diagnose_exercise(exercise, cases, outcomes, expected, verdicts, mistakes)
    if any(d.mistake for d in found):
        return found
    source = sources[exercise.module].text if exercise.module in sources else None
    calls = called_exercises(source, exercise.id, [e.id for e in assignment.exercises])
    return helpers_failing(exercise.id, calls, failing) + found


def worker_groups(assignment: AssignmentSpec, texts: dict[str, str]) -> tuple[groups_.WorkerGroup, ...]:
    """Which exercises share a worker and which modules each may import (autograder/sandbox/groups.py), from the
    module texts as read before the run: the same groups are scanned for and run."""
    def imports(module: str, excused: frozenset[str]) -> list[str]:
        return [name for _, name in imported_modules(texts[module], excused)]

    return groups_.plan(_exercises(assignment, texts), texts, imports)


def _exercises(assignment: AssignmentSpec, texts: dict[str, str]) -> list[groups_.Exercise]:
    """The exercises whose module was read, as groups.py needs them."""
    return [groups_.Exercise(e.id, e.module, e.forbidden) for e in assignment.exercises if e.module in texts]


def _static_scans(assignment: AssignmentSpec, texts: dict[str, str],
                  workers: tuple[groups_.WorkerGroup, ...]) -> dict[str, Scan]:
    """The static scan of each exercise (autograder/sandbox/static.py) on the module texts as read before the run,
    within the size cap: its module, and the submission's modules its worker may import (what it imports, whole).
    Every module a worker can import is one of those, so it is scanned with the rules of every exercise graded
    there. The module's exercises graded in other workers are excused: they never run in this one."""
    scans = {}
    for exercise in assignment.exercises:
        try:
            group = groups_.group_of(workers, exercise.id)
        except KeyError:  # its module could not be read: the exercise is ungradable, nothing runs
            scans[exercise.id] = Scan()
            continue
        loadable = {m: texts[m] for m in group.modules}
        scans[exercise.id] = scan_submission(loadable.get, exercise.module, exercise.id, exercise.forbidden,
                                             group.excused)
    return scans


def _failed_source(source: ModuleSource, load: ModuleLoad | None) -> str | None:
    """The text of a module that did not import, for the syntax error's caret (verdict.syntax_error): as read
    before the run, within the size cap."""
    return None if load is None or load.ok else source.text


def _call(case: Case, exercise: ExerciseSpec) -> Call:
    speed = case.speed
    timing = None if speed is None else Timing(speed.baseline, speed.args, speed.repeats, speed.max_ratio)
    return Call(key=case.key, exercise=exercise.id, module=exercise.module, function=exercise.id, args=case.args,
                forbidden=exercise.forbidden, case_seconds=exercise.limits.case_seconds,
                exercise_seconds=exercise.limits.exercise_seconds, device=devices.resolve(case.device),
                timing=timing)


def _on_device(expected: Expected, device: str | None) -> Expected:
    """The expected value of a case run on CUDA: the reference ran on the CPU, the result belongs on the GPU."""
    if device != "cuda":
        return expected
    return replace(expected, value=_moved(expected.value, devices.CUDA_DEVICE))


def _moved(value, device: str):
    if isinstance(value, TensorData):
        return replace(value, device=device)
    if isinstance(value, (list, tuple)):
        return type(value)(_moved(v, device) for v in value)
    if isinstance(value, dict):
        return {k: _moved(v, device) for k, v in value.items()}
    return value


def _signature(reference: ReferenceSolutions, exercise: ExerciseSpec) -> str:
    function = getattr(reference.module(exercise.module), exercise.id)
    return str(inspect.signature(function).replace(return_annotation=inspect.Signature.empty)) \
        .replace("'", "")


def _run_notes(output: str, dropped: int, modules: dict[str, ModuleLoad],
               hidden_ran: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(notes for the student, notes for staff). What the process printed outside the calls (os.write, a thread,
    a child) cannot be told apart by case, so when hidden cases ran it may hold their inputs: staff only."""
    notes, staff = [], []
    if output.strip():
        printed = "Your code printed outside the graded calls:\n" + output.rstrip()[:4000]
        if hidden_ran:  # not even how much: a count is a number the student's code chose
            staff.append(printed)
            notes.append("Your code printed outside the graded calls (os.write, a thread or a child process); it is "
                         "not shown, as hidden cases ran meanwhile")
        else:
            notes.append(printed)
    if dropped and hidden_ran:
        staff.append(f"{dropped} more bytes of output were dropped (the output limit was reached)")
        notes.append("more output was dropped (the output limit was reached)")
    elif dropped:
        notes.append(f"{dropped} more bytes of output were dropped (the output limit was reached)")
    for load in modules.values():
        if load.ok and load.stdout.strip():
            notes.append(f"Importing {load.module}.py printed:\n{load.stdout.rstrip()[:2000]}")
    return tuple(notes), tuple(staff)


def _assemble(assignment: AssignmentSpec, submission: Path, student: str | None, visible_only: bool,
              cases: list[Case], verdicts: dict[str, Verdict], notes: tuple[str, ...],
              diagnoses: dict[str, tuple[Diagnosis, ...]] | None = None,
              cuda_unavailable: str = "cpu") -> GradingRun:
    exercises = []
    for exercise in assignment.exercises:
        mine = [c for c in cases if c.exercise == exercise.id]
        if not mine:
            continue
        maxima = case_maxima(exercise.points, mine)
        found = (diagnoses or {}).get(exercise.id, ())
        results = []
        statuses = {c.name: verdicts[c.key].status for c in mine}
        for case, max_score in zip(mine, maxima):
            verdict = verdicts[case.key]
            shown = student_view(verdict, case.visible, exercise.hidden_detail, case.note)  # diagnoses: notes
            score = scoring.score(verdict.status, max_score)
            if verdict.status is Status.SKIPPED:
                max_score, score, shown = _skipped(case, max_score, statuses, shown, cuda_unavailable)
            results.append(CaseResult(
                exercise=exercise.id, case=case.name, visible=case.visible, status=verdict.status,
                score=score, max_score=max_score, message=shown.message, details=shown.details, staff=shown.staff))
        results = _exception_rule(results, [c.raises is not None for c in mine])
        exercises.append(ExerciseResult(id=exercise.id, module=exercise.module, title=exercise.title,
                                        points=round(sum(r.max_score for r in results), 4), cases=tuple(results),
                                        notes=tuple(d.text for d in found),
                                        mistakes=tuple(d.mistake for d in found if d.mistake)))
    return GradingRun(assignment=assignment.id, student=student, submission=submission.name,
                      exercises=tuple(exercises), visible_only=visible_only, notes=notes)


NO_POINTS_YET = "; no points until a case that returns a value passes (a function that only raises computes nothing)"


def _exception_rule(results: list[CaseResult], expects_exception: list[bool]) -> list[CaseResult]:
    """`scoring.gated` applied to one exercise's results; a case it zeroes says why."""
    scores = scoring.gated([r.score for r in results], expects_exception, [r.passed for r in results])
    return [r if score == r.score else replace(r, score=score, message=r.message + NO_POINTS_YET)
            for r, score in zip(results, scores)]


def _skipped(case: Case, max_score: float, statuses: dict[str, Status], shown: Shown,
             cuda_unavailable: str) -> tuple[float, float, Shown]:
    """A CUDA case on a machine without CUDA: (max score, score, what the student reads), by the course's
    `gpu.cuda_unavailable`: "cpu" scores it as the same case on the CPU, "drop" takes it out of the maximum."""
    if cuda_unavailable == "cpu" and case.twin in statuses:
        twin = statuses[case.twin]
        verb = "passed" if twin is Status.PASSED else "did not pass"
        return max_score, scoring.score(twin, max_score), replace(
            shown, message=f"{shown.message}; scored as the same case on the CPU, which {verb}")
    return 0.0, 0.0, replace(shown, message=f"{shown.message}; not counted in the maximum")
