"""The `autograder` command: exit codes, files written, messages for bad input."""
from __future__ import annotations

import json
import shutil


from autograder.cli import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, main

from support import ASSIGNMENT, REPO


def test_grade_writes_results_and_exits_zero_whatever_the_score(tmp_path, capsys):
    """Does `grade` on the untouched stubs exit 0, write results.json and print the feedback?"""
    out = tmp_path / "results.json"
    code = main(["--course", str(REPO), "grade", "--assignment", ASSIGNMENT, str(REPO / "assignments" / ASSIGNMENT),
                 "--out", str(out)])
    assert code == EXIT_OK
    results = json.loads(out.read_text())
    assert results["score"] == 0 and results["extra_data"] == {"max_score": 100}
    assert "not implemented" in capsys.readouterr().out


def test_grade_several_prints_a_table(tmp_path, capsys):
    """Do several submissions give one results.json each under --out-dir and a score table?"""
    code = main(["--course", str(REPO), "grade", "--assignment", ASSIGNMENT, str(REPO / "solutions" / ASSIGNMENT),
                 str(REPO / "assignments" / ASSIGNMENT), "--out-dir", str(tmp_path)])
    assert code == EXIT_OK
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("results.json"))
    assert written == ["assignments_l10_convolutions/results.json", "solutions_l10_convolutions/results.json"]
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["exercise", "solutions_l10_convolutions", "assignments_l10_convolutions", "max"]
    assert table[-1].split() == ["total", "100", "0", "100"]


def test_missing_submission_is_a_usage_error(tmp_path, capsys):
    """Is a missing submission folder refused with exit 2 and its path named?"""
    assert main(["--course", str(REPO), "grade", "--assignment", ASSIGNMENT, str(tmp_path / "nope")]) == EXIT_UNUSABLE
    assert "nope: no such submission folder" in capsys.readouterr().err


def test_bad_spec_is_reported_with_file_and_line(tmp_path, capsys):
    """Does a broken course.yaml stop `grade` with exit 2 and a file:line message, not a traceback?"""
    root = tmp_path / "course"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "build", "tests"))
    (root / "course.yaml").write_text("code: INF721\ntitle: [unclosed\n")
    code = main(["--course", str(root), "grade", str(root / "solutions" / ASSIGNMENT)])
    err = capsys.readouterr().err
    assert code == EXIT_UNUSABLE
    assert "course.yaml:" in err and "Traceback" not in err


def test_check_exit_code_follows_the_visible_cases(capsys):
    """Does `check` exit 0 for the reference and 1 for the stubs, with a summary line?"""
    assert main(["--course", str(REPO), "check", "--assignment", ASSIGNMENT,
                 str(REPO / "solutions" / ASSIGNMENT)]) == EXIT_OK
    assert "visible cases pass" in capsys.readouterr().out
    assert main(["--course", str(REPO), "check", "--assignment", ASSIGNMENT,
                 str(REPO / "assignments" / ASSIGNMENT)]) == EXIT_FAILED


def test_validate_and_release_check_pass_on_the_course(validated):
    """Is the bundled course valid, with the reference passing all its cases and the stubs up to date?"""
    status, out = validated
    assert status == EXIT_OK and out.rstrip().endswith("spec valid"), out
    assert main(["--course", str(REPO), "release", "--assignment", ASSIGNMENT, "--check"]) == EXIT_OK


def test_course_is_found_from_the_working_directory(monkeypatch, capsys):
    """Does the command find course.yaml above the current folder when --course is not given?"""
    monkeypatch.chdir(REPO / "assignments" / ASSIGNMENT)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    assert main(["release", "--check"]) == EXIT_OK


def test_validate_finds_a_question_whose_ranges_give_invalid_variants(tmp_path, capsys):
    """Does `validate` report a question whose parameters can draw an impossible geometry (a filter larger than
    the image) for some student, naming the question?"""
    import shutil

    course = tmp_path / "course"
    course.mkdir()
    for part in ("course.yaml", "assignments", "solutions"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copyfile
        copy(REPO / part, course / part)
    spec = course / "assignments" / ASSIGNMENT / "assignment.yaml"
    text = spec.read_text()
    assert "      n: {int: [8, 64]}\n      f: {choice: [3, 5, 7]}" in text
    spec.write_text(text.replace("      n: {int: [8, 64]}\n      f: {choice: [3, 5, 7]}",
                                 "      n: {int: [1, 4]}\n      f: {choice: [3, 5, 7]}"))
    assert main(["--course", str(course), "validate", "--assignment", ASSIGNMENT, "--students", "20"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert f"problem: {ASSIGNMENT}/questions: question conv_output_size: " in out and "have no right answer" in out
