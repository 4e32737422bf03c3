"""Speed cases measured for their author: on this machine, the baseline's time, the reference's ratio and the ratio
of a right but slow implementation (`speed.slow`, from the mistakes module), each timed by the grader's own
measurement (autograder.sandbox.speed: the sandbox, the baseline in a worker of its own, CPU time from the kernel).

Used by `autograder speed` (sizing an input and a threshold in one run) and `autograder validate --speed` (the
proof that the case tells fast from slow). Trusted code only: the reference and the mistakes module run as
submissions in the sandbox, each alone in a scratch copy of the solutions folder.
"""
from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from autograder import devices, tempfolders
from autograder.cases import Case, expand_exercise
from autograder.sandbox import Call, Outcome, OutcomeKind, SandboxOptions, run_calls
from autograder.sandbox.isolation import Policy
from autograder.sandbox.protocol import Timing
from autograder.spec import MISTAKES_MODULE, AssignmentSpec, CourseSpec, ExerciseSpec


@dataclass(frozen=True)
class Timed:
    """One implementation timed on a speed case."""

    ratio: float | None
    """Its mean CPU time per call over the baseline's (the lowest of the measurements); None: not timed."""
    baseline_seconds: float | None
    """The baseline's mean CPU seconds per call in the same measurement."""
    call_seconds: float
    """Wall-clock seconds of the graded call itself (before the timing)."""
    problem: str = ""
    """Why it was not timed (an exception, a timeout, a baseline that cannot run), in words."""


@dataclass(frozen=True)
class SpeedCaseReport:
    exercise: str
    case: str
    max_ratio: float
    case_seconds: float
    reference: Timed
    slow: Timed | None
    """The slow implementation's timing; None where the case names none (`speed.slow`)."""
    slow_name: str | None = None

    def problems(self) -> list[str]:
        """What keeps the case from telling fast from slow, in words for the author."""
        found = []
        if self.reference.ratio is None:
            found.append(f"the reference could not be timed: {self.reference.problem}")
        elif self.reference.ratio > self.max_ratio:
            found.append(f"the reference takes {self.reference.ratio:.1f}x the baseline's time, over the limit of "
                         f"{self.max_ratio:g}x: raise `max_ratio` or make the input larger")
        if self.slow is None:
            found.append("no slow implementation is named (`speed: {slow: FUNCTION}`, a right but slow function of "
                         "mistakes.py): nothing proves that the case fails a slow solution")
        elif self.slow.problem and self.slow.ratio is None:
            found.append(f"the slow implementation {self.slow_name} was not timed: {self.slow.problem}")
        elif self.slow.ratio is not None and self.slow.ratio <= self.max_ratio:
            found.append(f"the slow implementation {self.slow_name} takes only {self.slow.ratio:.1f}x the "
                         f"baseline's time and passes (limit {self.max_ratio:g}x): lower `max_ratio` or make the "
                         f"input larger")
        return found


def speed_cases(course: CourseSpec, assignment: AssignmentSpec) -> list[tuple[ExerciseSpec, Case]]:
    """Every speed case of the assignment (default draw), with its exercise."""
    found = []
    for exercise in assignment.exercises:
        for case in expand_exercise(course.seed, assignment.id, exercise):
            if case.speed is not None and case.device != "cuda":
                found.append((exercise, case))
    return found


def measure_case(course: CourseSpec, assignment: AssignmentSpec, exercise: ExerciseSpec, case: Case
                 ) -> SpeedCaseReport:
    """The reference and the slow implementation timed on one speed case, one after the other."""
    reference = _timed(course, assignment, exercise, case, None)
    slow = _timed(course, assignment, exercise, case, case.speed.slow) if case.speed.slow else None
    return SpeedCaseReport(exercise.id, case.name, case.speed.max_ratio, exercise.limits.case_seconds, reference,
                           slow, case.speed.slow)


def _timed(course: CourseSpec, assignment: AssignmentSpec, exercise: ExerciseSpec, case: Case,
           slow: str | None) -> Timed:
    """Time the reference (slow None) or the mistakes module's `slow` function as the exercise's function."""
    speed = case.speed
    call = Call(key=case.key, exercise=exercise.id, module=exercise.module, function=exercise.id, args=case.args,
                case_seconds=exercise.limits.case_seconds, exercise_seconds=exercise.limits.exercise_seconds,
                device=devices.resolve(case.device),
                timing=Timing(speed.baseline, speed.args, speed.repeats, speed.max_ratio))
    with tempfolders.folder("autograder-speed-") as scratch:
        folder = scratch / "submission"
        shutil.copytree(assignment.solutions, folder, ignore=shutil.ignore_patterns("__pycache__", "*.yaml"))
        if slow is not None:  # the exercise's module becomes the mistakes module, the function the slow one
            source = (assignment.solutions / f"{MISTAKES_MODULE}.py").read_text(encoding="utf-8")
            (folder / f"{exercise.module}.py").write_text(f"{source}\n\n{exercise.id} = {slow}\n", encoding="utf-8")
        report = run_calls(folder, [call], {exercise.module: [exercise.id]}, SandboxOptions(
            memory_mb=exercise.limits.memory_mb, output_kb=exercise.limits.output_kb,
            processes=exercise.limits.processes, isolation=Policy(course.isolation), warm_pool=course.warm_pool,
            disk_mb=course.disk_mb))
    return _from_outcome(report.outcomes.get(call.key), exercise.limits.case_seconds)


def _from_outcome(outcome: Outcome | None, case_seconds: float) -> Timed:
    if outcome is None:
        return Timed(None, None, 0.0, "it was not run")
    if outcome.kind is OutcomeKind.TIMEOUT:
        return Timed(None, None, outcome.seconds, f"the graded call ran past the case's limit of {case_seconds:g} s, "
                                                  f"so it times out instead of failing the ratio: make the input "
                                                  f"smaller")
    if outcome.kind is not OutcomeKind.RETURNED:
        detail = outcome.message or outcome.error_type or outcome.kind.value
        return Timed(None, None, outcome.seconds, f"the call ended as {outcome.kind.value}: {detail}")
    if outcome.timing is None:
        return Timed(None, None, outcome.seconds, outcome.timing_problem or outcome.message or "not timed")
    student, baseline = outcome.timing
    ratios = outcome.timing_ratios or ((student / baseline if baseline > 0 else math.inf),)
    return Timed(min(ratios), baseline if math.isfinite(student) else None, outcome.seconds,
                 "" if math.isfinite(student) else "not one timed round fitted in the time limit")


def report_lines(report: SpeedCaseReport) -> list[str]:
    """The measurements in words: one line per implementation."""
    def ratio(timed: Timed) -> str:
        if timed.ratio is None:
            return f"not timed ({timed.problem})"
        verdict = "passes" if timed.ratio <= report.max_ratio else "fails"
        shown = "over the time limit" if math.isinf(timed.ratio) else f"{timed.ratio:.1f}x"
        return f"{shown} ({verdict}; the graded call took {timed.call_seconds:.2f} s of {report.case_seconds:g} s)"

    baseline = report.reference.baseline_seconds
    lines = [f"{report.exercise}/{report.case}: limit {report.max_ratio:g}x",
             "  baseline:  " + (f"{baseline * 1e3:.3f} ms of CPU time per call" if baseline else "not timed"),
             f"  reference: {ratio(report.reference)}"]
    if report.slow is not None:
        lines.append(f"  slow ({report.slow_name}): {ratio(report.slow)}")
    else:
        lines.append("  slow: none named (`speed: {slow: FUNCTION}` in assignment.yaml)")
    return lines
