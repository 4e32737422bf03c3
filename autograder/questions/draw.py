"""Each student's variant of a question: params drawn from the course seed and the student id, and the answer
for them computed by the trusted reference solutions on the host.

The params are seeded like a random case's (autograder.cases.case_seed): from the course seed, the assignment,
the question id and, when there is one, the student id. Without a student id every student gets the same
"default" variant, the one the repository's example submissions answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.cases import case_seed, evaluate
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec, QuestionSpec

Answer = int | tuple[int, ...]
"""A question's answer: an integer, or a shape (a tuple of integers)."""


@dataclass(frozen=True, eq=False)
class Variant:
    """One student's version of one question."""

    question: QuestionSpec
    student: str | None
    """The student id it was drawn for; None: the default variant."""
    params: dict[str, Any]

    @property
    def prompt(self) -> str:
        """The question's Markdown with its params filled in."""
        return self.question.prompt.format(**self.params)


def student_key(student: str | None) -> str | None:
    """The id that seeds a variant: None for no id or an empty one (the default variant), as in autograder.cases."""
    return student if student else None


def draw(seed: int, assignment_id: str, question: QuestionSpec, student: str | None = None) -> Variant:
    student = student_key(student)
    salt = ("student", student) if student else ()
    rng = np.random.default_rng(case_seed(seed, assignment_id, "questions", question.id, *salt))
    params: dict[str, Any] = {}
    for name, expr in question.params:
        params[name] = evaluate(expr, params, rng)
    return Variant(question=question, student=student, params=params)


def draw_all(course: CourseSpec, assignment: AssignmentSpec, student: str | None = None) -> tuple[Variant, ...]:
    """The student's variant of every question of the assignment, in spec order."""
    return tuple(draw(course.seed, assignment.id, q, student) for q in assignment.questions)


def answer_of(variant: Variant, reference: ReferenceSolutions) -> Answer:
    """The right answer for the variant's params, from the reference solution.

    Raises ReferenceError_ when the reference fails or returns something that is not of the question's type:
    the course's bug (a param range that allows invalid geometry), never the student's."""
    spec = variant.question.answer
    where = f"question {variant.question.id} (params {variant.params})"
    args = {name: evaluate(expr, variant.params, np.random.default_rng(0)) for name, expr in spec.args}
    value, error = reference.call(spec.module, spec.function, args)
    if error is not None:
        raise ReferenceError_(f"{where}: {spec.module}.{spec.function} raised {type(error).__name__}: {error}")
    if spec.item is not None:
        item = evaluate(spec.item, variant.params, np.random.default_rng(0))
        if not isinstance(value, (list, tuple)) or not 1 <= item <= len(value):
            raise ReferenceError_(f"{where}: item {item} of {spec.module}.{spec.function}'s result {value!r} "
                                  f"does not exist")
        value = value[item - 1]
    if spec.type == "integer" and _is_int(value):
        return int(value)
    if spec.type == "shape" and isinstance(value, (list, tuple)) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    raise ReferenceError_(f"{where}: {spec.module}.{spec.function} gave {value!r}, which is not "
                          f"{'an integer' if spec.type == 'integer' else 'a shape (a list of integers)'}")


def answer_key(course: CourseSpec, assignment: AssignmentSpec, student: str | None = None,
               reference: ReferenceSolutions | None = None) -> dict[str, Answer]:
    """Question id → the right answer for the student's variant (for staff and the example submissions)."""
    reference = reference or ReferenceSolutions(assignment.solutions, assignment.id)
    return {v.question.id: answer_of(v, reference) for v in draw_all(course, assignment, student)}


def check_questions(course: CourseSpec, assignment: AssignmentSpec, students: list[str | None]) -> list[str]:
    """Problems of the questions' param ranges: every listed student's variant must have a valid answer."""
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    problems = []
    for student in students:
        for variant in draw_all(course, assignment, student):
            try:
                answer_of(variant, reference)
            except ReferenceError_ as error:
                problems.append(f"student {student!r}: {error}")
    return problems


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
