"""Fixtures shared by the whole suite: the real course, loaded once."""
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
