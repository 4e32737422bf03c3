"""Are the sandbox's scores written into a real nbgrader gradebook (nbgrader's own API, SQLite) cell by cell, and
is what cannot be written said: no such assignment, a student nbgrader never autograded, a notebook or a cell the
gradebook lacks, a manual score an instructor gave?"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder.nbgrader.gradebook import GradebookError, record
from autograder.nbgrader.record import CellGrade

api = pytest.importorskip("nbgrader.api", reason="nbgrader is not installed (pip install -e '.[nbgrader]')")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A gradebook with assignment l10 (notebook shapes: two test cells of 3 and 4 points; notebook questions: one
    answer cell of 2 points) and alice's submission, as `nbgrader autograde` leaves them."""
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{saved}"  # nbgrader runs alembic from PATH
    try:
        with api.Gradebook(f"sqlite:///{path}") as gradebook:
            gradebook.add_assignment("l10")
            gradebook.add_notebook("shapes", "l10")
            gradebook.add_notebook("questions", "l10")
            for name, points in (("output_size_tests", 4.0), ("same_padding_tests", 3.0)):
                gradebook.add_grade_cell(name, "shapes", "l10", max_score=points, cell_type="code")
            gradebook.add_grade_cell("conv_output_size_answer", "questions", "l10", max_score=2.0,
                                     cell_type="markdown")
            gradebook.add_solution_cell("conv_output_size_answer", "questions", "l10")
            gradebook.add_student("alice")
            gradebook.add_submission("l10", "alice")
            grade = gradebook.find_grade("output_size_tests", "shapes", "l10", "alice")
            grade.auto_score = 4.0  # the kernel's (forgeable) score
            gradebook.db.commit()
    finally:
        os.environ["PATH"] = saved
    return path


@pytest.fixture
def db_url(template, tmp_path) -> str:
    shutil.copy(template, tmp_path / "gradebook.db")
    return f"sqlite:///{tmp_path / 'gradebook.db'}"


GRADES = (CellGrade("shapes", "output_size_tests", 1.5, 4.0, ""),
          CellGrade("shapes", "same_padding_tests", 3.0, 3.0, ""),
          CellGrade("questions", "conv_output_size_answer", 2.0, 2.0, "", "2 of 2 points: correct"))


def _scores(url: str) -> dict[str, tuple]:
    with api.Gradebook(url) as gradebook:
        notebooks = gradebook.find_submission("l10", "alice").notebooks
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for n in notebooks for g in n.grades}


def test_each_cells_auto_score_becomes_the_sandboxs(db_url):
    done = record(db_url, "l10", "alice", GRADES)
    assert (done.cells, done.score, done.max_score, done.problems) == (3, 6.5, 9.0, ())
    assert _scores(db_url) == {"output_size_tests": (1.5, None, False), "same_padding_tests": (3.0, None, False),
                               "conv_output_size_answer": (2.0, None, False)}
    with api.Gradebook(db_url) as gradebook:
        comment = gradebook.find_comment("conv_output_size_answer", "questions", "l10", "alice")
        assert (comment.auto_comment, comment.comment) == ("2 of 2 points: correct", "2 of 2 points: correct")


def test_a_manual_score_is_kept_and_said(db_url):
    with api.Gradebook(db_url) as gradebook:
        gradebook.find_grade("same_padding_tests", "shapes", "l10", "alice").manual_score = 1.0
        gradebook.db.commit()
    done = record(db_url, "l10", "alice", GRADES)
    assert done.score == 4.5
    assert done.problems == ("alice: shapes.ipynb same_padding_tests: the manual score 1 given in formgrader is kept "
                             "(it overrides 3)",)


def test_a_student_nbgrader_did_not_autograde_is_not_recorded(db_url):
    done = record(db_url, "l10", "bob", GRADES)
    assert done.cells == 0
    assert done.problems == ("bob: no submission of l10 in the gradebook; run `nbgrader autograde l10 --student bob` "
                             "first",)


def test_a_notebook_or_cell_the_gradebook_lacks_is_named(db_url):
    extra = (CellGrade("filters", "apply_filter_at_tests", 0.0, 6.0, ""), CellGrade("shapes", "gone_tests", 1, 1, ""))
    done = record(db_url, "l10", "alice", GRADES + extra)
    assert done.cells == 3
    assert done.problems[0].startswith("alice: the gradebook's l10 has no notebook filters.ipynb: its 6 points are "
                                       "not recorded")
    assert done.problems[1].startswith("alice: shapes.ipynb has no grade cell gone_tests in the gradebook")


def test_an_unknown_assignment_says_to_generate_it(db_url):
    with pytest.raises(GradebookError, match=r"has no assignment 'l11': run `nbgrader generate_assignment l11`"):
        record(db_url, "l11", "alice", GRADES)
