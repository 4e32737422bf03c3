"""The grading's time budget (`sandbox.grading_seconds` in course.yaml): every exercise's limits must fit into it.

A platform stops a grading that runs too long and gives the student nothing (Gradescope: 10 minutes by default).
So the worst case, a submission whose every function runs until it is stopped, must end well before: at load the
exercises' worst cases are added up and a course whose sum is over the budget is refused, naming the largest.
At run time the sandbox also stops at the budget (a slow machine, worker restarts): the cases left are recorded as
not graded with the budget in the message (autograder.sandbox.host).
"""
from __future__ import annotations

from autograder.spec.model import AssignmentSpec, ExerciseSpec, SpecError
from autograder.spec.nodes import Node

DEFAULT_GRADING_SECONDS = 420.0
"""Seven minutes: room for the worst case of every exercise, with three minutes left for what is not charged to
a case (the reference solutions, worker starts) before Gradescope's default limit of ten."""
SPEED_TIMING_SECONDS = 5.0
"""The least time a speed case's timing may take besides the call itself (autograder.sandbox.host)."""


def grading_seconds(n: Node) -> float:
    value = n.number()
    if not 10 <= value <= 3600:
        raise n.error(f"grading_seconds must be between 10 and 3600 (seconds), not {value:g}; keep it under the "
                      f"platform's limit (Gradescope stops a grading after 600 s by default)")
    return value


def worst_seconds(exercise: ExerciseSpec) -> float:
    """The most time an exercise can take: its cases (and its module's import, charged to it) within
    `exercise_seconds`, plus each speed case's timing, which is bounded on its own."""
    runs = sum(case.count or 1 for case in exercise.cases) * max(len(exercise.devices), 1) + 1  # + the import
    calls = min(exercise.limits.exercise_seconds, runs * exercise.limits.case_seconds)
    timings = sum(max(exercise.limits.case_seconds, SPEED_TIMING_SECONDS) for case in exercise.cases if case.speed)
    return calls + timings


def check_budget(node: Node | None, budget: float, assignment: AssignmentSpec, file: str) -> None:
    """SpecError (at `sandbox.grading_seconds`, else at course.yaml) when the assignment's exercises can take
    longer than `budget` together."""
    costs = sorted(((worst_seconds(e), e.id) for e in assignment.exercises), reverse=True)
    total = sum(cost for cost, _ in costs)
    if total <= budget:
        return
    largest = ", ".join(f"{name} {cost:g} s" for cost, name in costs[:3])
    message = (f"the exercises of {assignment.id} can take {total:g} s together (a submission whose every function "
               f"runs until it is stopped), more than the grading's time budget of {budget:g} s; lower "
               f"`exercise_seconds` (in defaults.limits, or an exercise's limits: the largest are {largest}), or "
               f"raise sandbox.grading_seconds, keeping it under the platform's limit (Gradescope: 600 s)")
    if node is not None:
        raise node.error(message)
    raise SpecError(file, None, "sandbox.grading_seconds", message)
