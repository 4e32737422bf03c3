"""`autograder nbgrader build`: files written, and clear refusals (unknown assignment or module, a folder in use)."""
from __future__ import annotations

from support import ASSIGNMENT, REPO, course_assignments

from autograder.cli import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, main


def _build(out, *extra):
    return main(["--course", str(REPO), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(out),
                 "--modules", "shapes", *extra])


def test_build_writes_the_config_and_the_notebooks(tmp_path, capsys):
    assert _build(tmp_path / "course", "--timeout", "9") == EXIT_OK
    assert sorted(p.relative_to(tmp_path / "course").as_posix() for p in (tmp_path / "course").rglob("*")
                  if p.is_file()) == ["nbgrader_config.py", f"source/{ASSIGNMENT}/shapes.ipynb"]
    assert "c.Execute.timeout = 9\n" in (tmp_path / "course" / "nbgrader_config.py").read_text()
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'course' / 'source' / ASSIGNMENT / 'shapes.ipynb'}" in out
    assert f"nbgrader generate_assignment {ASSIGNMENT}" in out


def test_a_folder_that_is_not_empty_needs_force(tmp_path, capsys):
    (tmp_path / "gradebook.db").write_text("")
    assert _build(tmp_path) == EXIT_UNUSABLE
    assert f"autograder: {tmp_path}: the folder is not empty and holds no nbgrader_config.py; pass --force" \
        in capsys.readouterr().err
    assert _build(tmp_path, "--force") == EXIT_OK
    assert (tmp_path / "gradebook.db").exists() and (tmp_path / "nbgrader_config.py").exists()


def test_an_unknown_assignment_or_module_is_refused(tmp_path, capsys):
    assert main(["--course", str(REPO), "nbgrader", "build", "--assignment", "l99", "--out", str(tmp_path)]) \
        == EXIT_UNUSABLE
    assert f"no assignment 'l99' in this course; known assignments: {', '.join(course_assignments())}" \
        in capsys.readouterr().err
    assert main(["--course", str(REPO), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(tmp_path),
                 "--modules", "convs"]) == EXIT_UNUSABLE
    assert "no module 'convs' in assignment l10_convolutions; its modules are shapes, filters, conv_numpy, " \
           "conv_torch" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_a_timeout_below_one_second_is_refused(tmp_path, capsys):
    assert _build(tmp_path, "--timeout", "0") == EXIT_UNUSABLE
    assert "--timeout 0: give at least 1 second" in capsys.readouterr().err


def test_record_needs_nbgraders_submitted_folder_and_gradebook(tmp_path, capsys):
    """Does `record` refuse, naming what to run first, a folder without submitted/ or without a gradebook?"""
    assert main(["--course", str(REPO), "nbgrader", "record", str(tmp_path)]) == EXIT_UNUSABLE
    assert f"{tmp_path}: no submitted/ folder; run `nbgrader collect`" in capsys.readouterr().err
    (tmp_path / "submitted" / "alice" / ASSIGNMENT).mkdir(parents=True)
    assert main(["--course", str(REPO), "nbgrader", "record", str(tmp_path)]) == EXIT_UNUSABLE
    assert f"{tmp_path}: no gradebook.db; run `nbgrader autograde` there first" in capsys.readouterr().err
    assert not (tmp_path / "sandbox_grades").exists()


def test_build_writes_the_questions_notebook_with_every_module(tmp_path):
    assert main(["--course", str(REPO), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(tmp_path / "c"),
                 "--modules", "shapes", "questions"]) == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "c" / "source" / ASSIGNMENT).iterdir()) == ["questions.ipynb",
                                                                                          "shapes.ipynb"]


def test_records_cell_map_reads_only_the_students_regular_notebooks(tmp_path):
    """`record` maps line numbers to cells from each student's submitted notebooks: does it read them as the
    grading does, skipping a FIFO (reading it blocked record for the whole class) and a link (to /dev/zero, which
    it read without end, or to a file that is no submission's), never reading more than a notebook may hold?"""
    import json
    import os
    import threading

    import pytest

    from autograder.commands.nbgrader import _cell_lines

    elsewhere = tmp_path / "instructor.ipynb"
    elsewhere.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}}]}))
    folder = tmp_path / "submitted" / "mallory" / ASSIGNMENT
    folder.mkdir(parents=True)
    os.mkfifo(folder / "shapes.ipynb")
    (folder / "filters.ipynb").symlink_to(elsewhere)
    found: dict = {}
    reader = threading.Thread(target=lambda: found.update(_cell_lines(folder, ("shapes", "filters"))),
                              daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():
        os.close(os.open(folder / "shapes.ipynb", os.O_WRONLY | os.O_NONBLOCK))  # let the blocked read end
        reader.join(10)
        pytest.fail("record blocked reading a FIFO in a student's submitted folder")
    assert found == {}


def test_record_goes_on_past_a_student_it_cannot_record_and_says_whose_kernel_score_stands(tmp_path, capsys,
                                                                                            monkeypatch):
    """Does one student whose recording raises leave the others recorded, and does `record` then exit non-zero
    naming the students whose gradebook score is still the kernel's (which the student's own code computed)?"""
    from autograder.batch import runner
    from autograder.commands import nbgrader as command
    from autograder.nbgrader.gradebook import Recorded
    from autograder.results import GradingRun

    for student in ("alice", "bob", "carol", "dave"):
        (tmp_path / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    (tmp_path / "gradebook.db").write_bytes(b"")
    runs = tuple((s, GradingRun(ASSIGNMENT, s, s, ())) for s in ("alice", "bob", "carol", "dave"))
    monkeypatch.setattr(runner, "grade_all", lambda *a, **k: runner.BatchResult(runs, ("alice", "bob", "carol"),
                                                                                (), ("dave",)))
    written = []

    def record(course, assignment, folder, db_url, student, run):
        if student == "bob":
            raise UnicodeError("a name the gradebook cannot hold")
        written.append(student)
        return Recorded(student, 3, 10.0, 100.0)

    monkeypatch.setattr(command, "_record_student", record)
    assert main(["--course", str(REPO), "nbgrader", "record", str(tmp_path), "--assignment", ASSIGNMENT,
                 "--out", str(tmp_path / "g")]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert written == ["alice", "carol"]
    assert "recording bob failed" in err and "UnicodeError: a name the gradebook cannot hold" in err
    assert "the gradebook still holds nbgrader's kernel score for dave, bob" in err
