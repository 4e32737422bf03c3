"""Does `grade-all`'s notebook conversion grade a built notebook like the module it came from? The reference's
notebooks, submitted as nbgrader lays them out, get full marks: the test cells are left out, the rest runs."""
from __future__ import annotations

import json

from nbgrader_fixtures import SMALL_TOTAL, nbgrader_meta
from support import SMALL_MODULES
from nbgrader_fixtures import small_course, small_files  # noqa: F401 (fixtures used by name)
from support import ASSIGNMENT

from autograder.batch.notebooks import cell_lines, notebook_to_module
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


def test_cell_lines_say_where_each_code_cell_starts_in_the_module(small_files):
    """Does each (line, name) point at the first line of that cell's code in the converted module?"""
    text = small_files[f"source/{ASSIGNMENT}/shapes.ipynb"].encode()
    module = notebook_to_module(text, "shapes.ipynb").splitlines()
    starts = cell_lines(text, "shapes.ipynb")
    names = [name for _, name in starts]
    assert names[0] == "cell 2" and names[1:] == ["dense_param_count_solution", "output_size_solution",
                                                  "same_padding_solution", "conv_param_count_solution",
                                                  "cnn_output_shapes_solution"]
    for line, name in starts[1:]:
        assert module[line - 1].startswith(f"def {name.removesuffix('_solution')}(")
