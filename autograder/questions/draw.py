"""Each student's variant of a question: params drawn from the course seed and the student id, and the answer
for them computed by the trusted reference solutions on the host.

The params are seeded like a random case's (autograder.cases.case_seed): from the course seed, the assignment,
the question id and, when there is one, the student id. Without a student id every student gets the same
"default" variant, the one the repository's example submissions answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from autograder.cases import case_seed, evaluate
from autograder.questions.pool import Candidates, Judge, answer_for, candidate_params, pick
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec, QuestionSpec
from autograder.student_id import canonical

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


Acceptance = Mapping[str, Candidates]
"""Question id -> which candidate variants tell every mistake of its `distinguish:` apart: a Judge on the host,
the kit's bitset in the student kit (autograder.questions.pool)."""


def draw(seed: int, assignment_id: str, question: QuestionSpec, student: str | None = None,
         candidates: Candidates | None = None) -> Variant:
    """The student's variant: with `distinguish:` (or, in the kit, `candidates`), the first accepted candidate of
    the student's tries (`candidates` says which are); otherwise params drawn from the student's own seed."""
    student = student_key(student)
    if question.distinguish or candidates is not None:
        if candidates is None:
            raise ValueError(f"question {question.id} lists mistakes to distinguish: drawing it needs which "
                             f"candidates tell them apart (autograder.questions.pool)")
        index = pick(seed, assignment_id, question, student, candidates)
        return Variant(question=question, student=student,
                       params=candidate_params(seed, assignment_id, question, index))
    salt = ("student", student) if student else ()
    rng = np.random.default_rng(case_seed(seed, assignment_id, "questions", question.id, *salt))
    params: dict[str, Any] = {}
    for name, expr in question.params:
        params[name] = evaluate(expr, params, rng)
    return Variant(question=question, student=student, params=params)


def draw_all(course: CourseSpec, assignment: AssignmentSpec, student: str | None = None,
             acceptance: Acceptance | None = None) -> tuple[Variant, ...]:
    """The student's variant of every question of the assignment, in spec order. `acceptance`: by default the
    host's, judged with the assignment's reference solutions (host_acceptance)."""
    if acceptance is None:
        acceptance = host_acceptance(course.seed, assignment)
    student = canonical(student, course.student_id)
    return tuple(draw(course.seed, assignment.id, q, student, acceptance.get(q.id)) for q in assignment.questions)


_JUDGES: dict[tuple, Judge] = {}


def judges(seed: int, assignment: AssignmentSpec) -> dict[str, Judge]:
    """A Judge per question with `distinguish:`, kept for the process: each candidate is judged once."""
    found = {}
    for q in assignment.questions:
        if q.distinguish:
            key = (seed, assignment.id, str(assignment.solutions), q)
            if key not in _JUDGES:
                _JUDGES[key] = Judge(seed, assignment.id, q, ReferenceSolutions(assignment.solutions, assignment.id))
            found[q.id] = _JUDGES[key]
    return found


def host_acceptance(seed: int, assignment: AssignmentSpec) -> Acceptance:
    return judges(seed, assignment)


def answer_of(variant: Variant, reference: ReferenceSolutions) -> Answer:
    """The right answer for the variant's params, from the reference solution.

    Raises ReferenceError_ when the reference fails or returns something that is not of the question's type:
    the course's bug (a param range that allows invalid geometry), never the student's."""
    spec = variant.question.answer
    return answer_for(variant.question, variant.params, reference, spec.module, spec.function)


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
        try:
            variants = draw_all(course, assignment, student)
        except ReferenceError_ as error:
            problems.append(f"student {student!r}: {error}")
            continue
        for variant in variants:
            try:
                answer_of(variant, reference)
            except ReferenceError_ as error:
                problems.append(f"student {student!r}: {error}")
    return problems
