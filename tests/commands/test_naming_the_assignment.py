"""One way to name an assignment on every command: `--assignment ID`, by default the course's only one; in a course
of two, a command that names none says which ids there are and how to name one, and the commands that build for
students build one assignment or all (`--all`) without touching another's files or settings."""
from __future__ import annotations

import pytest
from support import ASSIGNMENT, POOLING_ASSIGNMENT, write_two_assignment_course

from autograder.cli import EXIT_OK, EXIT_UNUSABLE, main

HOW = f"the course has 2 assignments ({ASSIGNMENT}, {POOLING_ASSIGNMENT}): name one with --assignment ID"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """A course listing the small L10 and the pooling fixture."""
    return write_two_assignment_course(tmp_path_factory.mktemp("two_assignments"))


@pytest.mark.parametrize("command", [
    ["grade", "{root}/solutions/l11_pooling"],
    ["check", "{root}/solutions/l11_pooling"],
    ["grade-all", "{root}/solutions", "--out", "{tmp}/grades"],
    ["variant"],
    ["answer-key", "--reference"],
    ["answer-key", "--student", "2024001"],
    ["release"],
    ["package", "student", "--out", "{tmp}/kit"],
    ["package", "gradescope", "--out", "{tmp}/gradescope.zip"],
    ["package", "classroom", "--out", "{tmp}/classroom"],
    ["nbgrader", "build", "--out", "{tmp}/nbgrader"],
    ["classroom-grade", "{root}/solutions/l11_pooling"],
], ids=lambda command: " ".join(c for c in command if "{" not in c))
def test_a_command_that_names_no_assignment_lists_the_ids_and_the_flag(command, two, tmp_path, capsys):
    """Does each command stop with exit 2 and one message naming both ids and `--assignment ID`, writing nothing?"""
    argv = [part.format(root=two, tmp=tmp_path) for part in command]
    assert main(["--course", str(two), *argv]) == EXIT_UNUSABLE
    err = capsys.readouterr().err
    assert HOW in err and "Traceback" not in err
    assert not any(tmp_path.iterdir())


def test_named_with_the_flag_each_command_works_on_that_assignment(two, tmp_path, capsys):
    """Do `variant`, `answer-key` and `check` take --assignment and work on the one named?"""
    assert main(["--course", str(two), "variant", "--assignment", POOLING_ASSIGNMENT]) == EXIT_OK
    assert "L11: Pooling" in capsys.readouterr().out
    assert main(["--course", str(two), "answer-key", "--assignment", POOLING_ASSIGNMENT, "--student", "x"]) == EXIT_OK
    assert "pool_size" in capsys.readouterr().out
    assert main(["--course", str(two), "release", "--check"]) == EXIT_OK  # --check reads every assignment


def test_the_positional_form_still_works_and_says_it_is_deprecated(two, tmp_path, capsys):
    """Does `package student ID` (the old form) still build ID's kit, with a note on stderr; and is an assignment
    named twice differently refused?"""
    assert main(["--course", str(two), "package", "student", POOLING_ASSIGNMENT, "--out", str(tmp_path / "a")]) \
        == EXIT_OK
    assert f"write --assignment {POOLING_ASSIGNMENT}" in capsys.readouterr().err
    assert (tmp_path / "a" / POOLING_ASSIGNMENT / "pool_numpy.py").is_file()
    assert main(["--course", str(two), "package", "student", ASSIGNMENT, "--assignment", POOLING_ASSIGNMENT,
                 "--out", str(tmp_path / "b")]) == EXIT_UNUSABLE
    assert "the assignment is named twice" in capsys.readouterr().err


def test_package_all_builds_one_folder_per_assignment(two, tmp_path, capsys):
    """Does `package student --all --out DIR` write DIR/<id>/ for each assignment, each its own kit?"""
    assert main(["--course", str(two), "package", "student", "--all", "--out", str(tmp_path / "kits")]) == EXIT_OK
    assert (tmp_path / "kits" / ASSIGNMENT / ASSIGNMENT / "shapes.py").is_file()
    assert (tmp_path / "kits" / POOLING_ASSIGNMENT / POOLING_ASSIGNMENT / "pool_torch.py").is_file()
    assert main(["--course", str(two), "package", "student", "--all", "--zip", str(tmp_path / "k.zip")]) \
        == EXIT_UNUSABLE
    assert "--zip names one file" in capsys.readouterr().err


def test_nbgrader_build_of_a_second_assignment_keeps_the_first_and_the_course_timeout(two, tmp_path, capsys):
    """Does building the second assignment into the nbgrader folder of the first need no --force, keep the first's
    notebooks and the config's timeout (as an instructor set it), and only say when it is shorter than needed?"""
    out = tmp_path / "nbgrader"
    assert main(["--course", str(two), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(out),
                 "--modules", "shapes", "--timeout", "9"]) == EXIT_OK
    first = (out / "source" / ASSIGNMENT / "shapes.ipynb").read_bytes()
    (out / "gradebook.db").write_text("")  # nbgrader's own files are never touched
    capsys.readouterr()
    assert main(["--course", str(two), "nbgrader", "build", "--assignment", POOLING_ASSIGNMENT, "--out", str(out)]) \
        == EXIT_OK
    err = capsys.readouterr().err
    assert "c.Execute.timeout = 9\n" in (out / "nbgrader_config.py").read_text()
    assert "keeps its c.Execute.timeout = 9, less than the 25 s" in err
    assert (out / "source" / ASSIGNMENT / "shapes.ipynb").read_bytes() == first
    assert (out / "source" / POOLING_ASSIGNMENT / "pool_torch.ipynb").is_file()
    assert (out / "gradebook.db").read_text() == ""
    # a rebuild that would change a notebook (here: the config's timeout) asks for --force
    assert main(["--course", str(two), "nbgrader", "build", "--assignment", POOLING_ASSIGNMENT, "--out", str(out),
                 "--timeout", "30"]) == EXIT_UNUSABLE
    assert "nbgrader_config.py would change; pass --force" in capsys.readouterr().err
    assert main(["--course", str(two), "nbgrader", "build", "--all", "--out", str(tmp_path / "all")]) == EXIT_OK
    assert "c.Execute.timeout = 25\n" in (tmp_path / "all" / "nbgrader_config.py").read_text()
    for assignment, module in ((ASSIGNMENT, "filters"), (POOLING_ASSIGNMENT, "pool_numpy")):
        assert (tmp_path / "all" / "source" / assignment / f"{module}.ipynb").is_file()


def test_release_and_gradescope_all_cover_every_assignment(two, tmp_path, capsys):
    """Does `release --all` regenerate (here: leave unchanged) every assignment's stubs, and `package gradescope
    --all --out DIR` write DIR/<id>.zip for each, each grading its own assignment?"""
    import zipfile

    assert main(["--course", str(two), "release", "--all"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"unchanged assignments/{ASSIGNMENT}/shapes.py" in out
    assert f"unchanged assignments/{POOLING_ASSIGNMENT}/pool_torch.py" in out
    assert main(["--course", str(two), "package", "gradescope", "--all", "--out", str(tmp_path / "zips")]) == EXIT_OK
    for assignment in (ASSIGNMENT, POOLING_ASSIGNMENT):
        with zipfile.ZipFile(tmp_path / "zips" / f"{assignment}.zip") as archive:
            assert f"--assignment {assignment}" in archive.read("run_autograder").decode()
    assert main(["--course", str(two), "package", "gradescope", "--all", "--out", str(tmp_path / "x.zip")]) \
        == EXIT_UNUSABLE
    assert "names a folder" in capsys.readouterr().err
