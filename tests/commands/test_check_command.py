"""`autograder check`: its exit code follows everything grading would take points for that it can see (the visible
cases, answers.yaml's file and forms), and it checks a zip as `grade` reads it."""
from __future__ import annotations

import shutil
import zipfile

import pytest
import yaml

from autograder.cli import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, main

from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small course (shapes and filters, no torch) with the assignment's questions, and a copy of the reference
    (with its right answers.yaml) as a submission."""
    root = write_small_course(tmp_path_factory.mktemp("course"))
    spec_file = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(spec_file.read_text())
    spec["questions"] = yaml.safe_load((REPO / "assignments" / ASSIGNMENT / "assignment.yaml").read_text())["questions"]
    spec_file.write_text(yaml.safe_dump(spec, sort_keys=False))
    return root


def submission(small, tmp_path, answers: str | None = None):
    folder = tmp_path / ASSIGNMENT
    folder.mkdir()
    for module in SMALL_MODULES:
        shutil.copy(small / "solutions" / ASSIGNMENT / f"{module}.py", folder)
    shutil.copy(small / "solutions" / ASSIGNMENT / "answers.yaml", folder)
    if answers is not None:
        (folder / "answers.yaml").write_text(answers)
    return folder


def check(small, target, capsys) -> tuple[int, str]:
    code = main(["--course", str(small), "check", str(target)])
    return code, capsys.readouterr().out


def test_check_fails_on_an_answers_file_that_does_not_parse_or_an_answer_of_the_wrong_form(small, tmp_path, capsys):
    """Does `check` exit 0 on the reference with its answers, and 1 (saying why) when answers.yaml does not parse or
    an answer is not of its question's form, both of which grading scores 0?"""
    folder = submission(small, tmp_path)
    code, out = check(small, folder, capsys)
    assert code == EXIT_OK, out
    assert "answers.yaml: 3 of 3 questions answered" in out

    (folder / "answers.yaml").write_text("conv_layer_params: [1, 2\n")
    code, out = check(small, folder, capsys)
    assert code == EXIT_FAILED
    assert "None of your answers can be read until this is fixed." in out
    assert "answers.yaml: 1 problem (above) that grading would score 0" in out

    (folder / "answers.yaml").write_text("conv_layer_params: 297 parameters\nconv_output_size: 25\n"
                                         "cnn_volume_shape: [8, 12, 32]\n")
    code, out = check(small, folder, capsys)
    assert code == EXIT_FAILED
    assert "answers.yaml:1: conv_layer_params: expected a whole number" in out


def test_an_unanswered_question_is_work_to_do_not_a_failure(small, tmp_path, capsys):
    """Is a `null` answer (the template, not answered yet) no reason for `check` to fail, while the visible cases
    pass?"""
    folder = submission(small, tmp_path, "conv_layer_params: null\nconv_output_size: null\ncnn_volume_shape: null\n")
    code, out = check(small, folder, capsys)
    assert code == EXIT_OK, out
    assert "0 of 3 questions answered" in out


def test_check_takes_the_zip_grade_takes(small, tmp_path, capsys):
    """Does `check submission.zip` check the zip's modules as `grade` reads them (inside a top folder, notebooks
    and all), failing as the folder would, and refuse an upload that cannot be graded with exit 2 and why?"""
    folder = submission(small, tmp_path)
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, f"my-work/{ASSIGNMENT}/{path.name}")
    code, out = check(small, good, capsys)
    assert code == EXIT_OK, out
    assert "visible cases pass" in out

    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for path in folder.iterdir():
            text = path.read_text()
            if path.name == "shapes.py":
                text = text.replace("if f % 2 == 0:\n", "if f % 2 == 0 and False:\n", 1)
            archive.writestr(path.name, text)
    code, out = check(small, bad, capsys)
    assert code == EXIT_FAILED
    assert "same_padding" in out and "even_filter" in out

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    assert main(["--course", str(small), "check", str(broken)]) == EXIT_UNUSABLE
    assert "broken.zip: cannot be checked" in capsys.readouterr().err
