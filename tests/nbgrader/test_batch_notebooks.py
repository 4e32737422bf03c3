"""Does `grade-all`'s notebook conversion grade a built notebook like the module it came from? The reference's
notebooks, submitted as nbgrader lays them out, get full marks: the test cells are left out, the rest runs."""
from __future__ import annotations

import json

from nbgrader_fixtures import SMALL_TOTAL, nbgrader_meta
from support import SMALL_MODULES
from nbgrader_fixtures import small_course, small_files  # noqa: F401 (fixtures used by name)
from support import ASSIGNMENT

from autograder.batch.notebooks import notebook_to_module
from autograder.batch.submissions import discover, read_files
from autograder.pipeline import grade


def test_test_cells_are_exactly_the_ones_the_batch_grader_drops(small_files):
    for module in SMALL_MODULES:
        text = small_files[f"source/{ASSIGNMENT}/{module}.ipynb"]
        converted = notebook_to_module(text.encode(), f"{module}.ipynb")
        assert "autograder.nbgrader.checks" not in converted and "BEGIN HIDDEN TESTS" not in converted
        tests = [c for c in json.loads(text)["cells"] if nbgrader_meta(c).get("grade")]
        assert tests and all(nbgrader_meta(c)["solution"] is False for c in tests)


def test_the_reference_notebooks_submitted_to_nbgrader_get_full_marks(small_course, small_files, tmp_path):
    folder = tmp_path / "submitted" / "alice" / ASSIGNMENT
    folder.mkdir(parents=True)
    for module in SMALL_MODULES:
        (folder / f"{module}.ipynb").write_text(small_files[f"source/{ASSIGNMENT}/{module}.ipynb"])
    [submission] = discover(tmp_path, ASSIGNMENT).submissions
    assert submission.student == "alice"
    work = tmp_path / "work"
    work.mkdir()
    for name, content in read_files(submission, SMALL_MODULES).items():
        (work / name).write_bytes(content)
    assert sorted(p.name for p in work.iterdir()) == ["filters.py", "shapes.py"]
    run = grade(small_course, small_course.assignment(ASSIGNMENT), work, student="alice")
    assert [(c.exercise, c.case, c.message) for e in run.exercises for c in e.cases if not c.passed] == []
    assert (run.score, run.max_score) == (SMALL_TOTAL, SMALL_TOTAL)
