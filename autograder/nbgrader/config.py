"""The course folder's `nbgrader_config.py`: course id, gradebook, kernel and the per-cell timeout.

Paths are computed from the file's own location when nbgrader reads it, so the folder can move and the
same course gives the same bytes wherever it is built.
"""
from __future__ import annotations

import re

from autograder.nbgrader.questions import ANSWER_STUB
from autograder.stubs import STUB_LINES

DATABASE = "gradebook.db"


def config_text(course_code: str, timeout: int) -> str:
    """The config, one for every assignment of the course; `timeout` is nbgrader's limit (seconds) on one cell's
    execution (`c.Execute.timeout`)."""
    stub = "\n".join(STUB_LINES)
    return f'''"""nbgrader configuration of {course_code}, written by `autograder nbgrader build`.

Run nbgrader's commands in this folder (docs/nbgrader.md). Building another assignment keeps this file's timeout.
"""
import os

c = get_config()  # noqa: F821  (nbgrader defines get_config when it reads this file)
here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = here
c.CourseDirectory.course_id = {course_code!r}
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, {DATABASE!r})

# The notebooks' kernel; it must import the `autograder` package (its test cells call autograder.nbgrader).
c.Execute.kernel_name = "python3"
# Seconds one cell may run: a test cell runs all cases of one exercise. Past it the kernel is interrupted,
# the cell errors and scores 0, and the next cells still run.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True

# The students' copy: what replaces the solution regions (the same lines as `autograder release` writes).
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
# ... and an answer cell's (questions.ipynb): the batch grader reads it as "not answered".
c.ClearSolutions.text_stub = {ANSWER_STUB!r}
'''


_TIMEOUT = re.compile(r"^c\.Execute\.timeout = (\d+)$", re.MULTILINE)


def timeout_of(text: str) -> int | None:
    """The `c.Execute.timeout` of an existing config (None where it has none): the course's setting, which
    building another assignment keeps."""
    found = _TIMEOUT.search(text)
    return int(found.group(1)) if found else None
