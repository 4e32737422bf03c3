"""The student's answers against the answers for their own variant: one CaseResult per question.

Never raises for anything in the submission: a missing or broken answers.yaml scores 0 on the questions with a
message saying what to do, and leaves the code exercises alone. A reference that fails on a variant (the
course's bug) becomes a GRADER_ERROR result with the details for staff.
"""
from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograder.questions.answers import FILE, STUDENT_KEY, AnswerSheet, read_answers
from autograder.questions.draw import Answer, Variant, answer_of, draw, draw_all, host_acceptance
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.results import CaseResult, ExerciseResult, Status
from autograder.spec import AssignmentSpec, CourseSpec
from autograder.student_id import canonical
from autograder.verdict import GRADER_FAILED

EXERCISE_ID = "questions"
"""The id of the exercise-like result that holds one case per question."""
_INTEGER = re.compile(r"[+-]?\d+")
_SHAPE = re.compile(r"[\[(]?\s*(\d+(\s*[,x×]\s*\d+)*)\s*,?\s*[\])]?")


def grade_questions(course: CourseSpec, assignment: AssignmentSpec, submission: Path, student: str | None = None,
                    visible_only: bool = False, forms: dict[str, AnswerForm] | None = None,
                    ) -> tuple[tuple[ExerciseResult, ...], tuple[str, ...]]:
    """(results, run notes). With `visible_only` (`autograder check`) the answers are not checked, so that
    `check` cannot be used to guess them: a note says how many are answered, what is wrong with the file and
    which answers are not of the form asked (`forms`, default: from the reference, see answer_forms)."""
    if not assignment.questions:
        return (), ()
    ids = tuple(q.id for q in assignment.questions)
    sheet = read_answers(submission, ids)
    mismatch = id_mismatch(sheet, canonical(student, course.student_id), course)
    if visible_only:
        summary = _summary(sheet, ids, forms if forms is not None else answer_forms(course, assignment))
        return (), ("\n".join(filter(None, (summary, mismatch))),)
    try:
        variants = draw_all(course, assignment, student)
    except ReferenceError_:  # the course's bug: no variant tells the listed mistakes apart (validate refuses it)
        return failed_questions(assignment, traceback.format_exc()), ()
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    cases = tuple(_grade_one(course, assignment, variant, sheet, reference) for variant in variants)
    version = f"student {variants[0].student!r}" if variants[0].student else "the default variant (no student id given)"
    notes = (f"Questions graded for {version}: see them with `autograder variant"
             f"{' --student ' + variants[0].student if variants[0].student else ''}`.", *sheet.unknown,
             *filter(None, (mismatch,)))
    return (_questions(assignment, cases, notes),), ()


def id_mismatch(sheet: AnswerSheet, student: str | None, course: CourseSpec) -> str:
    """A warning when answers.yaml records another student id than the one graded (or checked): feedback only,
    the answers are graded for `student` all the same; "" when they agree or either is missing."""
    if sheet.student is None or student is None:
        return ""
    recorded = canonical(sheet.student, course.student_id)
    if recorded == student:
        return ""
    return (f"{FILE}:{sheet.student_line}: {STUDENT_KEY}: your numbers were drawn for {recorded!r}, but this is "
            f"graded for {student!r}: run `autograder variant --student {student}` and answer those numbers (or "
            f"give the id you drew them for)")


def failed_questions(assignment: AssignmentSpec, staff: str) -> tuple[ExerciseResult, ...]:
    """The questions' results when grading them raised (the grader's bug): GRADER_ERROR, `staff` for staff."""
    if not assignment.questions:
        return ()
    cases = tuple(CaseResult(exercise=EXERCISE_ID, case=q.id, visible=True, status=Status.GRADER_ERROR, score=0.0,
                             max_score=q.points, message=GRADER_FAILED, staff=staff) for q in assignment.questions)
    return (_questions(assignment, cases, ()),)


def _questions(assignment: AssignmentSpec, cases: tuple[CaseResult, ...], notes: tuple[str, ...]) -> ExerciseResult:
    return ExerciseResult(id=EXERCISE_ID, module=FILE, title=f"Questions computed by hand ({FILE})",
                          points=round(sum(q.points for q in assignment.questions), 4), cases=cases, notes=notes)


def _grade_one(course: CourseSpec, assignment: AssignmentSpec, variant: Variant, sheet: AnswerSheet,
               reference: ReferenceSolutions) -> CaseResult:
    q = variant.question
    def result(status: Status, message: str, staff: str = "") -> CaseResult:
        return CaseResult(exercise=EXERCISE_ID, case=q.id, visible=True, status=status,
                          score=q.points if status is Status.PASSED else 0.0, max_score=q.points,
                          message=message, staff=staff)
    try:
        right = answer_of(variant, reference)
    except Exception:  # the course's bug: a param range that allows invalid geometry, a broken reference
        return result(Status.GRADER_ERROR, GRADER_FAILED, traceback.format_exc())
    staff = f"params {variant.params}; expected {show_answer(right)}"
    if not sheet.found:
        return result(Status.NOT_IMPLEMENTED, f"not answered: there is no {FILE} in your submission; run "
                      f"`autograder variant --student ID --out QUESTIONS.md` for your questions and the {FILE} "
                      f"to fill in", staff)
    if sheet.error:
        return result(Status.UNGRADABLE, f"{sheet.error} (no answer in {FILE} could be read)", staff)
    if q.id in sheet.problems:
        return result(Status.FAILED, sheet.problems[q.id], staff)
    answer = sheet.answers.get(q.id)
    if answer is None or answer.value is None:
        return result(Status.NOT_IMPLEMENTED, f"not answered: write your answer after `{q.id}:` in {FILE}", staff)
    got, problem = read_answer(answer.value, q.answer.type)
    where = f"{FILE}:{answer.line}: {q.id}"
    if problem:
        return result(Status.FAILED, f"{where}: {problem}", staff)
    if got == right:
        return result(Status.PASSED, "correct", staff)
    hint = ""
    if variant.student is not None:
        default = draw(course.seed, assignment.id, q, None, host_acceptance(course.seed, assignment).get(q.id))
        try:
            if answer_of(default, reference) == got != right:
                hint = (f"; that is the answer of the default variant, not of yours: run `autograder variant "
                        f"--student {variant.student}`")
        except Exception:  # only a hint
            pass
    yours = f" (student {variant.student!r})" if variant.student else " (the default variant)"
    return result(Status.FAILED, f"{where}: {show_answer(got)} is not the answer for your numbers{yours}{hint}", staff)


def read_answer(value: Any, kind: str) -> tuple[Answer | None, str | None]:
    """An answers.yaml value as an int or a tuple of ints for a question of `kind` (integer, shape), or why it
    is not of that form."""
    if kind == "integer":
        number = _integer(value)
        if number is None:
            return None, f"expected a whole number such as 280, got {_quote(value)}"
        return number, None
    items = value if isinstance(value, list) else _shape_text(value)
    numbers = [_integer(v) for v in items] if items is not None else [None]
    if not numbers or None in numbers:
        return None, f"expected a shape as a list of whole numbers such as [7, 7, 40], got {_quote(value)}"
    return tuple(numbers), None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and len(value) <= 100 and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _shape_text(value: Any) -> list[str] | None:
    """'(7, 7, 40)', '7 x 7 x 40' and the like, which YAML reads as text."""
    if not isinstance(value, str) or len(value) > 200:
        return None
    match = _SHAPE.fullmatch(value.strip())
    return re.split(r"\s*[,x×]\s*", match.group(1)) if match else None


def show_answer(answer: Any) -> str:
    """An answer as a student writes it in answers.yaml: 280, [7, 7, 40]."""
    return str(list(answer)) if isinstance(answer, tuple) else str(answer)


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class AnswerForm:
    """What form a question's answer takes, as `check` tells it: never the answer itself."""

    type: str
    """"integer" or "shape"."""
    length: int | None = None
    """For a shape: how many numbers it has."""


def answer_forms(course: CourseSpec, assignment: AssignmentSpec) -> dict[str, AnswerForm]:
    """Question id -> the form of its answer; a shape's length is that of the default variant's answer (the
    same for every variant). A reference that fails leaves the length out: only a hint."""
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    forms = {}
    for variant in draw_all(course, assignment):
        kind, length = variant.question.answer.type, None
        if kind == "shape":
            try:
                length = len(answer_of(variant, reference))
            except Exception:  # noqa: BLE001 (the course's bug; grading says so)
                length = None
        forms[variant.question.id] = AnswerForm(kind, length)
    return forms


def form_problem(value: Any, form: AnswerForm) -> str | None:
    """Why an answer is not of its question's form (a word for a number, too few numbers), or None."""
    got, problem = read_answer(value, form.type)
    if problem:
        return problem
    if form.length is not None and len(got) != form.length:
        return (f"expected a shape of {form.length} whole numbers such as {_example(form.length)}, got "
                f"{_quote(value)} ({len(got)} number{'' if len(got) == 1 else 's'})")
    return None


def _example(length: int) -> str:
    return str([7, 7, 40, 3, 2, 1][:length]) if length <= 6 else f"[{', '.join(['7'] * length)}]"


def answer_problems(submission: Path, assignment: AssignmentSpec, forms: dict[str, AnswerForm]) -> tuple[str, ...]:
    """What `autograder check` fails on in the submission's answers.yaml: a file that cannot be read (no answer in
    it counts), an answer that cannot be read, a question left out, an answer not of its question's form (each
    would cost its points at grading). A missing file or a `null` answer is work not done yet, not a problem."""
    if not assignment.questions:
        return ()
    ids = tuple(q.id for q in assignment.questions)
    sheet = read_answers(submission, ids)
    if not sheet.found:
        return ()
    if sheet.error:
        return (sheet.error,)
    return tuple(_problem_lines(sheet, ids, forms))


def _summary(sheet: AnswerSheet, ids: tuple[str, ...], forms: dict[str, AnswerForm]) -> str:
    """The note of `autograder check`: what is answered, and what is wrong with the file or with the form of an
    answer; never whether an answer is right."""
    if not sheet.found:
        return (f"No {FILE} yet: run `autograder variant --student ID --out QUESTIONS.md` for your questions; "
                f"they are graded with the hidden cases.")
    if sheet.error:
        return f"{sheet.error}\nNone of your answers can be read until this is fixed."
    answered = [q for q in ids if q in sheet.answers and sheet.answers[q].value is not None]
    lines = [f"{FILE}: {len(answered)} of {len(ids)} questions answered; answers are checked when your work is "
             f"graded."]
    lines += _problem_lines(sheet, ids, forms)
    lines += list(sheet.unknown)
    return "\n".join(lines)


def _problem_lines(sheet: AnswerSheet, ids: tuple[str, ...], forms: dict[str, AnswerForm]) -> list[str]:
    lines = []
    for qid in ids:
        if qid in sheet.problems:
            lines.append(sheet.problems[qid])
        elif qid not in sheet.answers:
            form = forms.get(qid)
            hint = f": {FORMS_TEXT[form.type]}" if form and form.type in FORMS_TEXT else ""
            lines.append(f"{FILE}: {qid}: missing; add a line `{qid}: null` and replace null by your answer{hint}")
        elif sheet.answers[qid].value is not None and qid in forms:
            problem = form_problem(sheet.answers[qid].value, forms[qid])
            if problem:
                lines.append(f"{FILE}:{sheet.answers[qid].line}: {qid}: {problem}")
    return lines


FORMS_TEXT = {"integer": "a whole number such as 280", "shape": "a shape as a list of whole numbers such as [7, 7, 40]"}
