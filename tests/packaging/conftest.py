"""Fixtures of the packaging tests: the buggy example graded once by `autograder grade` (the expected result of
the Gradescope and Classroom runs), and a reduced course whose gradings take about a second.

A grading of the full assignment costs 5-10 s (the references run every case), so the full assignment is graded
three times in all: by `grade` here, by run_autograder and by classroom-grade. The other scenarios (zip, empty
submission, broken metadata) use the reduced course: only the `shapes` and `filters` exercises, no questions.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from support import ASSIGNMENT, REPO

BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
STUDENT = "2024001"
SMALL_MODULES = ("shapes", "filters")


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
    assert main(["--course", str(REPO), "grade", str(BUGGY), "--student", STUDENT, "--out", str(out), "-q"]) == 0
    return Expected(BUGGY, STUDENT, out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_course(tmp_path_factory) -> Path:
    """A course folder whose assignment has only the shapes and filters exercises (35 points)."""
    root = tmp_path_factory.mktemp("small_course")
    shutil.copy(REPO / "course.yaml", root / "course.yaml")
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT,
                    ignore=shutil.ignore_patterns("__pycache__"))
    spec = yaml.safe_load((REPO / "assignments" / ASSIGNMENT / "assignment.yaml").read_text())
    spec["exercises"] = [e for e in spec["exercises"] if e["module"] in SMALL_MODULES]
    spec.pop("questions", None)
    folder = root / "assignments" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    for module in SMALL_MODULES:
        shutil.copy(REPO / "assignments" / ASSIGNMENT / f"{module}.py", folder)
    return root
