"""End to end with the real nbgrader: build, `nbgrader generate_assignment`, three submissions, `nbgrader
autograde --force`, and the scores read back from the gradebook (SQLite).

Only the `shapes` notebook is built (5 exercises, 18 points, no torch) with a 6-second cell timeout, so the
whole run costs two nbgrader start-ups, three kernels and one timeout.

    alice  the reference                                              18 points
    bob    dense_param_count forgets the biases (only the cases that must raise pass, which then score 0);
           same_padding is right but prints to stderr and warns      15
    carol  same_padding never returns: its cell times out            15

Then `autograder nbgrader record` on a copy (alice and bob): the sandbox's scores, hidden cases included,
replace the kernel's.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader_fixtures import nbgrader_meta
from support import ASSIGNMENT, REPO

from autograder.cli import EXIT_OK, main

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e '.[nbgrader]')")

TIMEOUT = 6
FULL = {"dense_param_count_tests": 3.0, "output_size_tests": 4.0, "same_padding_tests": 3.0,
        "conv_param_count_tests": 3.0, "cnn_output_shapes_tests": 5.0}
EXPECTED = {
    "alice": FULL,
    # Forgetting the bias, only the cases that must raise ValueError pass, and those score only once a case that
    # returns a value passes (docs/assignment-format.md, "No points for not computing"): 0.
    "bob": {**FULL, "dense_param_count_tests": 0.0},
    "carol": {**FULL, "same_padding_tests": 0.0},
}
CHANGES = {
    "alice": {},
    "bob": {"dense_param_count_solution": ("return int((height * width * channels + 1) * units)",
                                           "return int(height * width * channels * units)"),
            "same_padding_solution": ("    return int((f - 1) // 2)",
                                      "    import sys, warnings\n"
                                      "    print('debugging on stderr', file=sys.stderr)\n"
                                      "    warnings.warn('a warning nbgrader would score 0', UserWarning)\n"
                                      "    return int((f - 1) // 2)")},
    "carol": {"same_padding_solution": ("    return int((f - 1) // 2)", "    while True:\n        pass")},
}


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs alembic
           "PYTHONPATH": str(REPO),  # the kernel imports autograder.nbgrader.checks
           "JUPYTER_DATA_DIR": str(course / ".jupyter" / "data"),  # no user kernel named python3 may win
           "JUPYTER_CONFIG_DIR": str(course / ".jupyter" / "config"),
           "JUPYTER_RUNTIME_DIR": str(course / ".jupyter" / "runtime"),
           "IPYTHONDIR": str(course / ".jupyter" / "ipython")}
    env.pop("JUPYTER_PATH", None)
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _submission(release: dict, source: dict, changes: dict[str, tuple[str, str]]) -> dict:
    """The released notebook with the reference in its solution cells, `changes` applied (grade_id: old, new)."""
    reference = {nbgrader_meta(c).get("grade_id"): c["source"] for c in source["cells"]}
    notebook = json.loads(json.dumps(release))
    for cell in notebook["cells"]:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution"):
            text = "".join(reference[grade_id])
            if grade_id in changes:
                old, new = changes[grade_id]
                assert old in text, f"{old!r} not in {grade_id}"
                text = text.replace(old, new, 1)
            cell["source"] = text
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course folder after generate_assignment, the submissions and autograde."""
    course = tmp_path_factory.mktemp("nbgrader_e2e")
    assert main(["--course", str(REPO), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(course),
                 "--modules", "shapes", "--timeout", str(TIMEOUT)]) == EXIT_OK
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    source = json.loads((course / "source" / ASSIGNMENT / "shapes.ipynb").read_text())
    release = json.loads((course / "release" / ASSIGNMENT / "shapes.ipynb").read_text())
    for student, changes in CHANGES.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / "shapes.ipynb").write_text(json.dumps(_submission(release, source, changes)))
    _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return course


def _scores(course: Path) -> dict[str, dict[str, float]]:
    query = """
        SELECT submitted_assignment.student_id, base_cell.name, grade.auto_score
        FROM grade
        JOIN base_cell ON grade.cell_id = base_cell.id
        JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
        JOIN notebook ON submitted_notebook.notebook_id = notebook.id
        JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
        WHERE notebook.name = 'shapes'"""
    scores: dict[str, dict[str, float]] = {}
    with sqlite3.connect(course / "gradebook.db") as database:
        for student, cell, score in database.execute(query):
            scores.setdefault(student, {})[cell] = score
    return scores


def _value(output: dict) -> str:
    """A displayed value's text (nbformat stores it as a string or a list of lines)."""
    text = output["data"]["text/plain"]
    return "".join(text) if isinstance(text, list) else text


def test_the_release_has_no_solutions_and_no_hidden_tests(graded):
    text = (graded / "release" / ASSIGNMENT / "shapes.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text


def test_the_gradebook_holds_the_exact_points_of_every_test_cell(graded):
    assert _scores(graded) == EXPECTED


def test_stderr_from_the_students_code_lands_in_the_cells_stdout_report(graded):
    notebook = json.loads((graded / "autograded" / "bob" / ASSIGNMENT / "shapes.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if nbgrader_meta(c).get("grade_id") == "same_padding_tests")
    kinds = [(o["output_type"], o.get("name")) for o in cell["outputs"]]
    assert kinds == [("stream", "stdout"), ("execute_result", None)]
    assert _value(cell["outputs"][1]) == "3.0"


def test_the_timed_out_cell_errors_and_the_next_cells_still_run(graded):
    notebook = json.loads((graded / "autograded" / "carol" / ASSIGNMENT / "shapes.ipynb").read_text())
    outputs = {nbgrader_meta(c).get("grade_id"): c.get("outputs", []) for c in notebook["cells"]}
    assert any(o["output_type"] == "error" for o in outputs["same_padding_tests"])
    assert _value(outputs["conv_param_count_tests"][-1]) == "3.0"


def test_nbgrader_export_writes_the_totals(graded):
    _nbgrader(graded, "export")
    with open(graded / "grades.csv", newline="") as stream:
        rows = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert {student: float(row["raw_score"]) for student, row in rows.items()} == {
        "alice": 18.0, "bob": 15.0, "carol": 15.0}
    assert {row["max_score"] for row in rows.values()} == {"18.0"}


@pytest.fixture(scope="module")
def recorded(graded, tmp_path_factory):
    """A copy of the autograded course, without carol, after `autograder nbgrader record` (which grades in the
    sandbox itself)."""
    course = tmp_path_factory.mktemp("nbgrader_e2e_recorded") / "course"
    shutil.copytree(graded, course)
    shutil.rmtree(course / "submitted" / "carol")  # her endless loop costs the sandbox a minute: it times out
    done = subprocess.run([sys.executable, "-c", "import sys\nfrom autograder.cli import main\nsys.exit(main())",
                           "--course", str(REPO), "nbgrader", "record", "--assignment", ASSIGNMENT, str(course)],
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return course, done.stdout + done.stderr


def test_record_writes_the_sandboxs_scores_over_the_kernels(recorded):
    """Does `record` grade submitted/ in the sandbox (every case, hidden ones included) and put each exercise's
    score into its test cell's grade, naming the notebooks the gradebook does not have?"""
    course, log = recorded
    assert sorted(p.name for p in (course / "sandbox_grades").iterdir() if p.is_dir()) == ["alice", "bob"]
    for student in ("alice", "bob"):
        run = json.loads((course / "sandbox_grades" / student / "run.json").read_text())
        sandbox = {f"{e['id']}_tests": e["score"] for e in run["exercises"] if e["module"] == "shapes"}
        assert _scores(course)[student] == sandbox
    assert _scores(course)["alice"] == FULL
    assert "the gradebook's l10_convolutions has no notebook filters.ipynb: its 17 points are not recorded" in log
    notebook = json.loads((course / "autograded" / "bob" / ASSIGNMENT / "shapes.ipynb").read_text())
    cell = next(c for c in notebook["cells"] if nbgrader_meta(c).get("grade_id") == "dense_param_count_tests")
    assert "graded in the grader's sandbox, hidden cases included; this is the grade" in cell["outputs"][0]["text"]
