"""No points for not computing: submissions that raise, return zeros or return their input score at most 2 / 100.

`raise_only` and `identity` are made from the stubs (every function of every module, so they follow the
assignment as it grows): `raise ValueError(...)` everywhere, or `return <first argument>`. `zeros` (in
degenerate/zeros/) returns zeros of the right shape, dtype and device, which is the most a function can get right
without computing anything. Graded as real submissions, in the sandbox; no answers.yaml (the questions score 0).
"""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from autograder.pipeline import NO_POINTS_YET, grade
from autograder.results import Status

from support import ASSIGNMENT, REPO

STUBS = REPO / "assignments" / ASSIGNMENT
ZEROS = Path(__file__).parent / "degenerate" / "zeros"
MAX_SCORE = 2.0
"""The most a submission that computes nothing may score (issue 14)."""


def from_stubs(target: Path, body) -> Path:
    """The stubs with each `raise NotImplementedError()` replaced by `body(function)` (same indentation)."""
    target.mkdir()
    for stub in sorted(STUBS.glob("*.py")):
        lines = stub.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Raise) and "NotImplementedError" in ast.unparse(inner):
                        line = lines[inner.lineno - 1]
                        lines[inner.lineno - 1] = line[:len(line) - len(line.lstrip())] + body(node)
        (target / stub.name).write_text("\n".join(lines) + "\n")
    return target


def raise_only(function: ast.FunctionDef) -> str:
    return 'raise ValueError("invalid input")'


def identity(function: ast.FunctionDef) -> str:
    names = [a.arg for a in function.args.args]
    return f"return {names[0]}" if names else "return None"


STUDENTS = (None, "s10")
"""The default variant and the id whose random cases were kindest to zeros among 13 measured (1.72 points)."""


@pytest.fixture(scope="module")
def degenerate(course, assignment, tmp_path_factory):
    """The three submissions, each graded once per id of STUDENTS."""
    root = tmp_path_factory.mktemp("degenerate")
    zeros = root / "zeros"
    shutil.copytree(ZEROS, zeros)
    folders = {"raise_only": from_stubs(root / "raise_only", raise_only),
               "identity": from_stubs(root / "identity", identity), "zeros": zeros}
    return {(name, student): grade(course, assignment, folder, student=student)
            for name, folder in folders.items() for student in STUDENTS}


@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("name", ["raise_only", "zeros", "identity"])
def test_a_submission_that_computes_nothing_scores_at_most_two(degenerate, name, student):
    """Does a submission that raises, returns zeros or returns its input score at most 2 of 100 points?"""
    run = degenerate[name, student]
    assert run.max_score == 100
    assert run.score <= MAX_SCORE, {e.id: e.score for e in run.exercises if e.score}


def test_raising_everywhere_passes_the_exception_cases_for_no_points(degenerate):
    """Does raise-only pass the cases that expect ValueError, yet score exactly 0, each saying why?"""
    run = degenerate["raise_only", None]
    assert run.score == 0
    raising = [c for e in run.exercises if e.id != "questions" for c in e.cases if c.status is Status.PASSED]
    assert raising and all(c.score == 0 and c.message.endswith(NO_POINTS_YET) for c in raising)
