"""Fixtures shared by the whole suite: the real course, loaded once, and `validate` of it, run once."""
from __future__ import annotations

import pytest

from support import ASSIGNMENT, REPO

@pytest.fixture(scope="session")
def course():
    from autograder.spec import load_course

    return load_course(REPO)


@pytest.fixture(scope="session")
def assignment(course):
    return course.assignment(ASSIGNMENT)


@pytest.fixture(scope="session")
def validated() -> tuple[int, str]:
    """`autograder validate --students 20` on the real course, every assignment course.yaml lists, run once for
    the tests that read it (tests/test_cli.py, tests/validate/test_validate_proofs.py): (exit status, output)."""
    import contextlib
    import io

    from autograder.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        status = main(["--course", str(REPO), "validate", "--students", "20"])
    return status, printed.getvalue()
