"""Hostile submissions that attack what the grader itself reads, outside the sandbox: a course of their own, and
files built to crash the host's parsers. The harness of test_hostile.py (one module changed, graded by
`pipeline.grade`) does not fit them: they go through the commands, as an instructor runs them.

- A course hijack: a submission holding its own course.yaml, assignments/ and solutions/, whose "reference"
  agrees with its wrong answers (and, imported, would leave a marker file). It must never be the course.
- A notebook with a 5000-digit integer (Python's int-string limit raises ValueError) and an answers.yaml with a
  5000-digit hexadecimal answer: `grade` still writes results.json, and `grade-all` grades the rest of the class,
  also on a re-run.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support import ASSIGNMENT, REPO, SMALL_MODULES, make_variant, write_small_course

from autograder.cli import EXIT_OK, EXIT_UNUSABLE, main

SAME_PADDING = ("    return int((f - 1) // 2)", "    return int(f)")
"""The hijacker's wrong same_padding; its own "reference" says the same."""
HUGE_NUMBER = "7" * 5000


@pytest.fixture
def hijack(tmp_path) -> tuple[Path, Path]:
    """(the hijacking submission, the marker its reference writes when the grader imports it)."""
    marker = tmp_path / "reference-imported"
    modules = make_variant(tmp_path / "modules", "shapes", *SAME_PADDING)
    evil = shutil.copytree(modules, tmp_path / "class" / "evil")
    shutil.copyfile(REPO / "course.yaml", evil / "course.yaml")
    shutil.copytree(REPO / "assignments" / ASSIGNMENT, evil / "assignments" / ASSIGNMENT,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(modules, evil / "solutions" / ASSIGNMENT)
    reference = evil / "solutions" / ASSIGNMENT / "shapes.py"
    reference.write_text(reference.read_text() + f"\nimport pathlib\npathlib.Path({str(marker)!r}).touch()\n")
    return evil, marker


@pytest.fixture
def nowhere(tmp_path, monkeypatch) -> Path:
    """A current folder outside any course, and no AUTOGRADER_COURSE."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    return folder


@pytest.mark.parametrize("command", ["grade", "check", "classroom-grade", "grade-all"])
def test_a_course_is_never_taken_from_the_submission(hijack, nowhere, command, capsys):
    """Run outside any course without --course, does every command that grades a submission stop with exit 2
    and one line saying what to pass, instead of grading with the submission's own course (and importing its
    reference in the grader)?"""
    evil, marker = hijack
    target = evil.parent if command == "grade-all" else evil
    extra = ["--out", str(nowhere / "results.json")] if command == "grade" else []
    assert main([command, str(target), *extra]) == EXIT_UNUSABLE
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--course" in err and "AUTOGRADER_COURSE" in err, err
    assert not marker.exists() and not (nowhere / "results.json").exists()


@pytest.mark.parametrize("command", ["grade", "check", "grade-all"])
def test_a_course_found_from_inside_the_submission_is_refused(hijack, monkeypatch, command, capsys):
    """Run from inside the hijacking submission (`cd evil && autograder grade .`), is its course.yaml refused
    as the course, with exit 2?"""
    evil, marker = hijack
    monkeypatch.chdir(evil)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    assert main([command, ".." if command == "grade-all" else "."]) == EXIT_UNUSABLE
    assert "is inside the submission" in capsys.readouterr().err
    assert not marker.exists()


def test_a_hijacking_submission_is_graded_by_the_real_course(hijack, nowhere, monkeypatch):
    """With the instructor's course (AUTOGRADER_COURSE), is the submission graded like any other: its course.yaml
    and solutions/ ignored, its wrong same_padding failing, its "reference" never imported?"""
    evil, marker = hijack
    monkeypatch.setenv("AUTOGRADER_COURSE", str(REPO))
    out = nowhere / "results.json"
    assert main(["grade", "--assignment", ASSIGNMENT, str(evil), "--out", str(out), "-q"]) == EXIT_OK
    results = json.loads(out.read_text())
    same_padding = [t for t in results["tests"] if t["name"].startswith("same_padding: ")]
    assert same_padding and sum(t["score"] for t in same_padding) < 3 and results["score"] < 100
    assert not marker.exists()


# ---- files that crashed the host's parsers ----------------------------------------------------------------

def _course_with_questions(root: Path) -> Path:
    """The reduced course (shapes and filters) with the questions of answers.yaml put back."""
    write_small_course(root, {"case_seconds": 2, "exercise_seconds": 4})
    spec_path = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    spec["questions"] = yaml.safe_load((REPO / "assignments" / ASSIGNMENT / "assignment.yaml").read_text())["questions"]
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return root


def _modules() -> dict[str, bytes]:
    return {f"{m}.py": (REPO / "solutions" / ASSIGNMENT / f"{m}.py").read_bytes() for m in SMALL_MODULES}


def _notebook_with_a_huge_number(source: str) -> bytes:
    cell = {"cell_type": "code", "source": source, "metadata": {}, "outputs": [], "execution_count": None}
    text = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"n": 0}, "cells": [cell]})
    return text.replace('"n": 0', f'"n": {HUGE_NUMBER}').encode()


def _write(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture(scope="module")
def parsing_class(tmp_path_factory) -> tuple[Path, Path]:
    """(the course with questions, a class: alice correct, bob's notebook and carol's answers.yaml hostile)."""
    root = tmp_path_factory.mktemp("parsing")
    (root / "course").mkdir()
    course = _course_with_questions(root / "course")
    klass = root / "class"
    _write(klass / "alice", _modules())
    modules = _modules()
    _write(klass / "bob", {"shapes.ipynb": _notebook_with_a_huge_number(modules.pop("shapes.py").decode()),
                           **modules})
    _write(klass / "carol", {**_modules(), "answers.yaml": f"conv_layer_params: 0x{'f' * 5000}\n"
                                                          f"conv_output_size: \"{HUGE_NUMBER}\"\n".encode()})
    return course, klass


def test_grade_writes_results_for_an_answers_file_of_huge_numbers(parsing_class, tmp_path):
    """Does `grade` of a submission whose answers.yaml holds 5000-digit numbers exit 0 and write results.json,
    those answers refused with a reason and the code exercises graded?"""
    course, klass = parsing_class
    out = tmp_path / "results.json"
    assert main(["--course", str(course), "grade", str(klass / "carol"), "--out", str(out), "-q"]) == EXIT_OK
    tests = {t["name"]: t for t in json.loads(out.read_text())["tests"]}
    assert "more than the 100 an answer may have" in tests["questions: conv_layer_params"]["output"]
    assert "more than the 100 an answer may have" in tests["questions: conv_output_size"]["output"]
    code = [t for name, t in tests.items() if not name.startswith("questions: ")]
    assert code and all(t["score"] == t["max_score"] for t in code)


def test_grade_all_grades_the_class_around_a_crashing_notebook(parsing_class, tmp_path, capsys):
    """Does `grade-all` grade everyone when one notebook holds a 5000-digit number (bob ungradable, naming his
    notebook and the reason), and does a re-run finish too?"""
    course, klass = parsing_class
    out = tmp_path / "grades"
    command = ["--course", str(course), "grade-all", str(klass), "--out", str(out), "--executor", "threads",
               "--jobs", "2", "--no-html"]
    assert main(command) == EXIT_OK
    runs = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/run.json")}
    assert sorted(runs) == ["alice", "bob", "carol"]
    statuses = {c["status"] for e in runs["bob"]["exercises"] for c in e["cases"]}
    assert statuses == {"ungradable"}
    assert "bob/shapes.ipynb: not a Jupyter notebook (ValueError" in runs["bob"]["notes"][0]
    for student in ("alice", "carol"):
        code = [e for e in runs[student]["exercises"] if e["id"] != "questions"]
        assert all(e["score"] == e["points"] for e in code), student
    capsys.readouterr()
    assert main(command) == EXIT_OK
    assert "graded 0, skipped 3 graded before" in capsys.readouterr().out


def test_gradescope_run_says_why_a_crashing_notebook_is_ungradable(parsing_class, tmp_path, capsys):
    """Does run_autograder give the student of a notebook with a 5000-digit number a results.json in which every
    case is ungradable naming the notebook and the reason (not "the grader failed")?"""
    from autograder.packaging.gradescope import run_submission
    from autograder.spec import load_course

    course, klass = parsing_class
    spec = load_course(course)
    shutil.copytree(klass / "bob", tmp_path / "submission")
    assert run_submission(spec, spec.assignment(ASSIGNMENT), tmp_path) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["tests"] and all("shapes.ipynb: not a Jupyter notebook (ValueError" in t["output"]
                                    for t in results["tests"])


def test_gradescope_run_says_why_an_upload_with_unwritable_names_is_ungradable(parsing_class, tmp_path):
    """A zip whose members are `shapes.py` and `shapes.py/x.py` (a file and a folder of one name): does
    run_autograder give every test the reason, naming the file, instead of "the autograder failed" from an OSError
    when it writes the upload, and does `grade` on the same zip write the same tests?"""
    import zipfile

    from autograder.packaging.gradescope import run_submission
    from autograder.spec import load_course

    course, _ = parsing_class
    spec = load_course(course)
    (tmp_path / "submission").mkdir()
    with zipfile.ZipFile(tmp_path / "submission" / "work.zip", "w") as archive:
        for name, content in {**_modules(), "shapes.py/x.py": b"x = 1\n"}.items():
            archive.writestr(name, content)
    assert run_submission(spec, spec.assignment(ASSIGNMENT), tmp_path) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"]
    assert all("'shapes.py' is both a file and a folder" in t["output"] for t in results["tests"])
    out = tmp_path / "grade.json"
    assert main(["--course", str(course), "grade", str(tmp_path / "submission" / "work.zip"), "--out", str(out),
                 "-q"]) == EXIT_OK
    assert json.loads(out.read_text())["tests"] == results["tests"]


def test_a_lone_surrogate_in_an_exception_or_print_still_gives_results(parsing_class, tmp_path):
    """A function that prints and raises text holding lone surrogates ("\\ud800", which JSON carries from the
    worker but UTF-8 cannot write): does `grade` exit 0 and write results.json with the case failing and U+FFFD in
    place of each surrogate, instead of a UnicodeEncodeError and no results at all?"""
    course, klass = parsing_class
    folder = shutil.copytree(klass / "alice", tmp_path / "dave")
    hostile = ('\n\ndef output_size(n, f, padding=0, stride=1):\n    print("\\ud800 printed")\n'
               '    raise ValueError("bad \\ud800 \\udcff")\n')
    (folder / "shapes.py").write_text((folder / "shapes.py").read_text() + hostile)
    out = tmp_path / "results.json"
    assert main(["--course", str(course), "grade", str(folder), "--out", str(out), "-q"]) == EXIT_OK
    tests = [t for t in json.loads(out.read_text())["tests"] if t["name"].startswith("output_size")]
    assert tests and all(t["score"] == 0 for t in tests)
    assert "raised ValueError: bad \ufffd \ufffd" in tests[0]["output"]
