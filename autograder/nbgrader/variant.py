"""What the questions notebook's read-only cell calls, in the kernel: the student's own questions, drawn from the
student kit's data (kit.json, carried in the cell) for the student's id, as `autograder variant` draws them.

The id is the one nbgrader submits with (`nbgrader.utils.get_username`: the user name, or `JUPYTERHUB_USER` for
the `jovyan` user of Jupyter's images), so the questions shown are those the grader checks. Nothing here grades.
"""
from __future__ import annotations

import getpass
import os
from pathlib import Path

from autograder.kit.manifest import parse_manifest
from autograder.nbgrader.payload import unwrap
from autograder.questions.draw import Variant, draw_all

REBUILD = "rebuild the notebooks with `autograder nbgrader build`"


def show_questions(data: str, student: str | None = None) -> None:
    """Display the Markdown of `student`'s questions (default: the user running the kernel)."""
    text = student_questions(data, student or submitting_user())
    try:
        from IPython.display import Markdown, display
    except ImportError:  # not in a kernel
        print(text)
    else:
        display(Markdown(text))


def student_questions(data: str, student: str) -> str:
    """The Markdown of `student`'s questions, drawn from the cell's data (kit.json, wrapped)."""
    kit = parse_manifest(unwrap(data, "questions' data").decode("utf-8"), Path("."), REBUILD)
    return questions_text(draw_all(kit.course, kit.assignment, student, kit.acceptance), student)


def questions_text(variants: tuple[Variant, ...], student: str) -> str:
    """The questions of one student's variants, as Markdown, naming the id as the grader normalises it."""
    student = variants[0].student or student if variants else student
    lines = [f"**Your questions** (student `{student}`; another student has other numbers):", ""]
    for number, variant in enumerate(variants, start=1):
        q = variant.question
        lines += [f"### {number}. {q.title} ({q.points:g} point{'' if q.points == 1 else 's'})", "",
                  variant.prompt.strip(), ""]
    return "\n".join(lines)


def submitting_user() -> str:
    """The student id nbgrader's `submit` records (nbgrader/utils.py: get_username)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = os.environ.get("JUPYTERHUB_USER", "")
    return os.environ.get("JUPYTERHUB_USER", "jovyan") if name == "jovyan" else name
