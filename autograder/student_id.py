"""One student id, the same on every route (`variant`, `grade`, `check`, `grade-all`, Gradescope, nbgrader,
`answer-key`): the text a person or a platform gives, trimmed (spaces, tabs, newlines around it), in Unicode NFC
and, where course.yaml declares the id case-insensitive, lower-cased. Its seed is then the same whoever typed it.

A course may declare the id's form (`student_id: {pattern: ..., case: ..., example: ...}` in course.yaml);
`checked` refuses an id of another form with a message naming the form, while `canonical` (used deep in the
pipeline, where the id has been checked at the route's entry) only normalises. Pure: text in, text out.
"""
from __future__ import annotations

import unicodedata

from autograder.spec.model import StudentIdRule


class StudentIdError(ValueError):
    """An id that is not of the course's declared form; the message says which form and how to fix it."""


def canonical(raw: str | None, rule: StudentIdRule = StudentIdRule()) -> str | None:
    """The id that seeds a student's variants: trimmed, NFC, lower-cased where the course says case does not
    matter; None for no id or a blank one (the default variant)."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if not rule.case_sensitive:
        text = text.casefold()
    return text or None


def checked(raw: str | None, rule: StudentIdRule = StudentIdRule(), where: str = "student id") -> str | None:
    """canonical(raw), refused (StudentIdError) when it does not match the course's declared pattern."""
    student = canonical(raw, rule)
    if student is None or rule.pattern is None:
        return student
    if rule.compiled().fullmatch(student) is None:
        example = f", such as {rule.example!r}" if rule.example else ""
        case = "" if rule.case_sensitive else " (upper or lower case alike)"
        raise StudentIdError(f"{where} {raw!r} is not of this course's form: {rule.pattern}{case}{example} "
                             f"(course.yaml, student_id); give the id the grader knows you by")
    return student
