"""The answer key: every question's params and right answer for each student of a roster (for TAs and regrade
requests), the reference's own answers.yaml (the default variant), and whether that file is still right for the
course seed. Pure apart from the trusted reference solutions; the command writes the files
(autograder/commands/answer_key.py).

Each student's variant is drawn exactly as `autograder variant --student ID` and `grade --student ID` draw it
(autograder.questions.draw), so the key says what the grader accepts.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from autograder.questions.answers import FILE, read_answers
from autograder.questions.draw import Answer, answer_of, draw_all
from autograder.questions.grading import read_answer, show_answer
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec

FORMATS = ("csv", "json", "md")

REFERENCE_COMMAND = "autograder answer-key --reference"
"""The command that rewrites the reference's answers.yaml (named by `validate` when it is stale)."""


@dataclass(frozen=True)
class KeyEntry:
    """One student's variant of one question and its right answer."""

    student: str | None
    """None: the default variant (no student id)."""
    question: str
    title: str
    points: float
    params: dict[str, Any]
    """Plain JSON values (ints, floats, lists), in the spec's order."""
    answer: Answer


def roster_key(course: CourseSpec, assignment: AssignmentSpec, students: Sequence[str | None],
               reference: ReferenceSolutions | None = None) -> tuple[KeyEntry, ...]:
    """Every question of every student, in roster order then spec order. Raises ReferenceError_ naming the
    student where the reference has no answer for a variant (the course's bug; `validate` checks 200 ids)."""
    reference = reference or ReferenceSolutions(assignment.solutions, assignment.id)
    entries = []
    for student in students:
        for variant in draw_all(course, assignment, student):
            try:
                answer = answer_of(variant, reference)
            except ReferenceError_ as error:
                raise ReferenceError_(f"student {student!r}: {error}") from None
            q = variant.question
            entries.append(KeyEntry(student=variant.student, question=q.id, title=q.title, points=q.points,
                                    params={name: _plain(value) for name, value in variant.params.items()},
                                    answer=answer))
    return tuple(entries)


def key_text(entries: Sequence[KeyEntry], form: str, title: str = "") -> str:
    """The key as CSV (one row per student and question), JSON (student -> question -> params, answer) or
    Markdown (a table per student). The same entries give the same bytes."""
    if form == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["student", "question", "points", "answer", "params"])
        for e in entries:
            writer.writerow([e.student or "", e.question, f"{e.points:g}", show_answer(e.answer),
                             json.dumps(e.params, separators=(", ", ": "))])
        return out.getvalue()
    if form == "json":
        students: dict[str, dict[str, Any]] = {}
        for e in entries:
            students.setdefault(e.student or "", {})[e.question] = {
                "points": e.points, "answer": list(e.answer) if isinstance(e.answer, tuple) else e.answer,
                "params": e.params}
        return json.dumps({"students": students}, indent=1) + "\n"
    if form == "md":
        lines = [f"# Answer key{': ' + title if title else ''}", "",
                 "For staff only: the right answer of each student's own numbers.", ""]
        current: object = object()
        for e in entries:
            if e.student != current:
                current = e.student
                who = f"`{e.student}`" if e.student else "the default variant (no student id)"
                lines += ["", f"## {who}", "", "| question | points | answer | params |", "| --- | --- | --- | --- |"]
            params = ", ".join(f"{k} = {v}" for k, v in e.params.items())
            lines.append(f"| {e.question} | {e.points:g} | {show_answer(e.answer)} | {params} |")
        return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
    raise ValueError(f"unknown answer-key format {form!r}; use one of {', '.join(FORMATS)}")


def reference_answers_text(course: CourseSpec, assignment: AssignmentSpec) -> str:
    """solutions/<id>/answers.yaml: the default variant's right answers, so that the reference graded as a
    submission gets full marks; each with its question and params in a comment."""
    entries = roster_key(course, assignment, [None])
    lines = ["# The answers of the default variant (no student id) of the questions computed by hand, so that the "
             "reference,",
             "# graded as a submission, gets full marks. Written by `" + REFERENCE_COMMAND + "` for the course "
             f"seed {course.seed};",
             "# `autograder validate` says when it is stale (after a change of the seed or of the questions).", ""]
    for number, e in enumerate(entries, start=1):
        params = ", ".join(f"{k} = {v}" for k, v in e.params.items())
        lines += [f"# {number}. {e.title} ({e.points:g} point{'' if e.points == 1 else 's'}): {params}",
                  f"{e.question}: {show_answer(e.answer)}", ""]
    return "\n".join(lines)


def stale_reference_answers(course: CourseSpec, assignment: AssignmentSpec) -> list[str]:
    """What is wrong with the reference's answers.yaml for the course seed (missing, unreadable, an answer that
    is not the default variant's), each naming the question and the command that rewrites the file; [] when
    it is right or the assignment has no questions."""
    if not assignment.questions:
        return []
    fix = f"run `{REFERENCE_COMMAND}` to rewrite it"
    ids = tuple(q.id for q in assignment.questions)
    sheet = read_answers(assignment.solutions, ids)
    if not sheet.found:
        return [f"missing, so the reference graded as a submission scores 0 on the questions; {fix}"]
    if sheet.error:
        return [f"{sheet.error}; {fix}"]
    try:
        key = {e.question: e.answer for e in roster_key(course, assignment, [None])}
    except ReferenceError_:
        return []  # the questions' own problem, which validate reports apart (check_questions)
    wrong, lost = [], 0.0
    for q in assignment.questions:
        answer = sheet.answers.get(q.id)
        if q.id in sheet.problems:
            wrong.append(_line(sheet.problems[q.id]))
        elif answer is None or answer.value is None:
            wrong.append(f"{q.id} is not answered (the default variant's answer is {show_answer(key[q.id])})")
        else:
            got, problem = read_answer(answer.value, q.answer.type)
            if got == key[q.id]:
                continue
            given = problem or f"{show_answer(got)} is given"
            wrong.append(f"line {answer.line}: {q.id}: {given}, where the default variant's answer is "
                         f"{show_answer(key[q.id])}")
        lost += q.points
    problems = []
    if wrong:
        total = sum(q.points for q in assignment.questions)
        problems.append(f"stale for the course seed {course.seed}: {'; '.join(wrong)} (the reference graded as a "
                        f"submission loses {lost:g} of the questions' {total:g} points); {fix}")
    problems += [f"{_line(message)}; {fix}" for message in sheet.unknown]
    return problems


def _line(message: str) -> str:
    """'answers.yaml:4: x' as 'line 4: x' (the problem is already filed under the file's path)."""
    return message.replace(f"{FILE}:", "line ", 1) if message.startswith(f"{FILE}:") else message


def _plain(value: Any) -> Any:
    """A param as plain JSON: NumPy scalars and arrays become Python numbers and lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
