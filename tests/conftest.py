"""Fixtures shared by the whole suite: the real course, loaded once; and how the suite's tests are shared out
between pytest-xdist's workers (scripts/test runs `-n 2`)."""
from __future__ import annotations

import pytest

from support import ASSIGNMENT, REPO

CHECK_SERVER = ("tests/kit/", "tests/packaging/test_student_kit.py", "tests/courses/test_pooling_course.py")
"""Tests that start, use or stop the kit's check server of this interpreter (autograder/kit/warm.py: one per user
and interpreter): one worker runs them all, so that one test's `warm stop` never ends a server another is using."""
VALIDATED = ("tests/test_cli.py", "tests/validate/test_validate_proofs.py")
"""The files that read the `validated` fixture: one worker runs both, so that `validate` of the course runs once."""


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, called only where it runs (`-n 2`, scripts/test)
def pytest_xdist_make_scheduler(config, log):
    """Share the tests out by file: one worker runs all of a file, so that a module's fixture (a grading many tests
    read, tests/hostile's 50 submissions, tests/nbgrader's whole nbgrader round) runs once, not once per worker;
    the files of the check server are one unit, and so are those of `validated`."""
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if path.startswith(CHECK_SERVER):
                return "check server"
            return "validated" if path in VALIDATED else path

    return ByFile(config, log)


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
