"""Proof: every question has an answer for every student, and the reference's answers.yaml is right.

The param ranges must give each of a sample of student ids (and the default variant) a question the reference
answers. The reference's answers.yaml answers the default variant: after a change of the seed or of a question it
is stale, and the reference graded as a submission loses those points."""
from __future__ import annotations

from typing import Iterator

from autograder.questions.draw import check_questions
from autograder.questions.key import stale_reference_answers
from autograder.spec.nodes import display
from autograder.validate.model import Context, Problem, student_ids


def questions(context: Context) -> Iterator[Problem]:
    course, assignment = context.course, context.assignment
    students: list[str | None] = [None, *student_ids(context.options.students)]
    for problem in check_questions(course, assignment, students):
        yield Problem(f"{assignment.id}/questions", problem)
    answers = display(assignment.solutions / "answers.yaml", course.root)
    for problem in stale_reference_answers(course, assignment):
        yield Problem(answers, problem)
