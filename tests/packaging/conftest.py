"""Fixtures of the packaging tests: the buggy example graded once by `autograder grade` (the expected result of
the Gradescope and Classroom runs), and a reduced course whose gradings take about a second.

A grading of the full assignment costs 5-10 s (the references run every case), so the full assignment is graded
three times in all: by `grade` here, by run_autograder and by classroom-grade. The other scenarios (zip, empty
submission, broken metadata) use the reduced course: only the `shapes` and `filters` exercises, no questions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO, write_small_course

BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
STUDENT = "2024001"


@dataclass(frozen=True)
class Expected:
    folder: Path
    """examples/l10_convolutions/buggy_student"""
    student: str
    """The student id everything is graded as (the sid of the Gradescope metadata)."""
    results: str
    """results.json of `autograder grade FOLDER --student STUDENT`."""


@pytest.fixture(scope="session")
def buggy(tmp_path_factory) -> Expected:
    """The buggy example graded once by `autograder grade`: what the platforms' runs must give."""
    from autograder.cli import main

    out = tmp_path_factory.mktemp("expected") / "results.json"
    assert main(["--course", str(REPO), "grade", "--assignment", ASSIGNMENT, str(BUGGY), "--student", STUDENT,
                 "--out", str(out), "-q"]) == 0
    return Expected(BUGGY, STUDENT, out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_course(tmp_path_factory) -> Path:
    """A course folder whose assignment has only the shapes and filters exercises (35 points)."""
    return write_small_course(tmp_path_factory.mktemp("small_course"))
