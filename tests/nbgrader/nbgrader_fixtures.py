"""Fixtures and helpers of the nbgrader tests: a reduced course (shapes and filters, no torch) and its notebooks.

Not a conftest.py: pytest keeps one module named `conftest` at a time, and tests/batch imports helpers from its
own, so a second one here would break `pytest tests/batch tests/nbgrader`. Test modules import what they use.
"""
from __future__ import annotations

import json

import pytest
from support import ASSIGNMENT, write_small_course

SMALL_TOTAL = 35


@pytest.fixture(scope="session")
def small_course(tmp_path_factory):
    """The course with only the shapes and filters exercises of l10_convolutions (35 points, no questions)."""
    from autograder.spec import load_course

    return load_course(write_small_course(tmp_path_factory.mktemp("nbgrader_small_course")))


@pytest.fixture(scope="session")
def small_files(small_course) -> dict[str, str]:
    """Relative path -> text of the reduced course's nbgrader folder."""
    from autograder.nbgrader.build import build_course

    return build_course(small_course, small_course.assignment(ASSIGNMENT))


def notebook_of(files: dict[str, str], module: str) -> dict:
    return json.loads(files[f"source/{ASSIGNMENT}/{module}.ipynb"])


def nbgrader_meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_of(cell: dict) -> str:
    return "".join(cell["source"])

