"""A student's questions as Markdown (QUESTIONS.md) and the answers.yaml template to fill in. Pure: text only."""
from __future__ import annotations

import json

from autograder.questions.answers import FILE, STUDENT_KEY
from autograder.questions.draw import Variant
from autograder.spec import AssignmentSpec, QuestionSpec

FORMS = {"integer": "a whole number, e.g. `280`",
         "shape": "a shape as a list of whole numbers, e.g. `[7, 7, 40]`"}


def questions_markdown(assignment: AssignmentSpec, variants: tuple[Variant, ...], student: str | None) -> str:
    """QUESTIONS.md: every question of the student's variant, with how to answer it."""
    who = (f"student `{student}`" if student
           else "no student id: the **default** variant (run `autograder variant --student ID` for yours)")
    total = sum(v.question.points for v in variants)
    lines = [f"# {assignment.title}: questions to compute by hand", "",
             f"Your version: {who}. Each student gets their own numbers, so compare methods with your classmates, "
             f"not answers.", "",
             f"Work each answer out on paper, then write it in `{FILE}` next to your modules, replacing `null`: "
             f"{total:g} points in all. The grader checks your answers for your own numbers.", "",
             f"Hand in `{FILE}`, not this file: the grader draws your numbers again from your student id (this "
             f"file in your submission does no harm).", ""]
    for number, variant in enumerate(variants, start=1):
        q = variant.question
        lines += [f"## {number}. {q.title} ({_points(q.points)})", "", variant.prompt.strip(), "",
                  f"Answer in `{FILE}` as `{q.id}: ...`, {FORMS[q.answer.type]}.", ""]
    return "\n".join(lines)


def answers_template(assignment: AssignmentSpec, student: str | None = None) -> str:
    """answers.yaml with every answer null, and the student id the numbers were drawn for where there is one
    (the stub's has none: `autograder variant` writes it)."""
    lines = [f"# Your answers to the questions of {assignment.title} (see QUESTIONS.md; get yours with",
             "# `autograder variant --student ID --out QUESTIONS.md`). Replace each null by your answer:",
             "# a whole number such as 280, or a shape as a list such as [7, 7, 40].", ""]
    if student:
        lines += [student_line(student), ""]
    for number, q in enumerate(assignment.questions, start=1):
        lines += [f"# {number}. {q.title} ({_points(q.points)}): {_form(q)}", f"{q.id}: null", ""]
    return "\n".join(lines)


def _form(question: QuestionSpec) -> str:
    return "a whole number" if question.answer.type == "integer" else "a list of whole numbers"


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")


def student_line(student: str) -> str:
    """The line of answers.yaml that records the id the numbers were drawn for."""
    return (f"{STUDENT_KEY}: {json.dumps(student, ensure_ascii=False)}   # the id your numbers were drawn for: keep "
            f"this line")
