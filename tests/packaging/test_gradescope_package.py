"""The Gradescope package: the zip, and run_autograder run for real on a folder standing in for /autograder."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO

from autograder.packaging.gradescope import build_zip, student_of
from autograder.spec import load_course

PYTHON = Path(sys.executable).absolute()
"""The interpreter running the tests (the repository's .venv): run_autograder's AUTOGRADER_PYTHON."""
FORGED = {"score": 100, "max_score": 100, "output": "forged", "tests": []}


def metadata(*users: dict) -> dict:
    """submission_metadata.json as Gradescope writes it (the keys the grader does not read abridged)."""
    return {"id": 123456, "created_at": "2024-10-01T12:00:00.000000-07:00", "submission_method": "upload",
            "users": list(users), "assignment": {"id": 4242, "title": "L10 convolutions",
                                                 "due_date": "2024-10-08T23:59:00.000000-07:00",
                                                 "total_points": "100.0"}, "previous_submissions": []}


def user(sid, email="ana@example.edu", user_id=31337, name="Ana Souza") -> dict:
    return {"email": email, "id": user_id, "name": name, "sid": sid, "assignment": {"release_date": None}}


def unpack(archive: Path, root: Path) -> Path:
    """What Gradescope does with the zip: unpack it into ROOT/source (keeping the modes) and copy run_autograder
    to ROOT/."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            target = root / "source" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(opened.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    return root


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    """ROOT/run_autograder, for real, after a forged results.json was placed where the results go."""
    (root / "results").mkdir(exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(FORGED))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(PYTHON)}
    env.pop("AUTOGRADER_COURSE", None)
    return subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300,
                          cwd=root)


def gradescope_json(text: str) -> dict:
    """results.json parsed and checked against Gradescope's format: a score, and tests with a name, score,
    max_score, status and visibility, whose scores add up to the score."""
    results = json.loads(text)
    assert isinstance(results["score"], (int, float))
    assert isinstance(results["tests"], list)
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"], abs=1e-6)
    return results


@pytest.fixture(scope="module")
def course_zip(tmp_path_factory, course, assignment) -> Path:
    return build_zip(course, assignment, tmp_path_factory.mktemp("zip") / "autograder.zip", REPO)


@pytest.fixture(scope="module")
def small_zip(tmp_path_factory, small_course) -> Path:
    small = load_course(small_course)
    return build_zip(small, small.assignment(ASSIGNMENT), tmp_path_factory.mktemp("zip") / "small.zip", REPO)


def test_zip_is_deterministic_and_holds_what_setup_needs(course_zip, course, assignment, tmp_path):
    """Do two builds give the same bytes, with the scripts executable, the course with its solutions and the
    package that setup.sh installs?"""
    again = build_zip(course, assignment, tmp_path / "again.zip", REPO)
    assert again.read_bytes() == course_zip.read_bytes()
    with zipfile.ZipFile(course_zip) as archive:
        modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
        setup = archive.read("setup.sh").decode()
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & 0o111 == 0o111, f"{script} is not executable in the zip"
    for name in ("course/course.yaml", f"course/assignments/{ASSIGNMENT}/assignment.yaml",
                 f"course/solutions/{ASSIGNMENT}/conv_torch.py", f"course/solutions/{ASSIGNMENT}/mistakes.py",
                 f"course/assignments/{ASSIGNMENT}/shapes.py", "package/pyproject.toml",
                 "package/constraints.txt", "package/autograder/cli.py", "package/autograder/packaging/gradescope.py"):
        assert name in modes, f"{name} missing from the zip"
    assert not any("__pycache__" in name or name.endswith(".pyc") for name in modes)
    assert "torch==2.13.0" in setup and "download.pytorch.org/whl/cpu" in setup


def test_run_autograder_grades_the_buggy_example_like_grade(course_zip, buggy, tmp_path):
    """Does run_autograder grade /autograder/submission as the student of submission_metadata.json, giving
    byte for byte what `autograder grade --student` gives, and does the forged results.json not stand?"""
    root = unpack(course_zip, tmp_path / "autograder")
    shutil.copytree(buggy.folder, root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps(metadata(user(buggy.student))))
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    written = (root / "results" / "results.json").read_text()
    results = gradescope_json(written)
    expected = json.loads(buggy.results)
    assert results["score"] == expected["score"] < 100  # the forged 100 is gone
    assert written == buggy.results
    assert f"student {buggy.student}" in done.stdout


def test_a_zip_submission_with_broken_metadata_is_graded_as_the_default_variant(small_zip, small_course, tmp_path):
    """Is a lone .zip in /autograder/submission unpacked and graded, and is a metadata file that cannot be read
    noted in the log and graded as the default variant (no student id)?"""
    from autograder.cli import main

    root = unpack(small_zip, tmp_path / "autograder")
    (root / "submission").mkdir()
    with zipfile.ZipFile(root / "submission" / "work.zip", "w") as archive:
        for module in ("shapes", "filters"):
            archive.write(REPO / "examples" / ASSIGNMENT / "buggy_student" / f"{module}.py", f"work/{module}.py")
    (root / "submission_metadata.json").write_text('{"users": [')
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grading the default variant" in done.stdout
    results = gradescope_json((root / "results" / "results.json").read_text())
    expected = tmp_path / "expected.json"
    assert main(["--course", str(small_course), "grade", str(REPO / "examples" / ASSIGNMENT / "buggy_student"),
                 "--out", str(expected), "-q"]) == 0
    assert results["score"] == json.loads(expected.read_text())["score"]
    assert 0 < results["score"] < 35


def test_an_empty_submission_scores_zero_with_a_valid_results_file(small_zip, tmp_path):
    """Does an empty /autograder/submission give a valid results.json with 0 points, replacing the forged one?"""
    root = unpack(small_zip, tmp_path / "autograder")
    (root / "submission").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps(metadata(user("2024002"))))
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = gradescope_json((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and results["tests"]
    assert "empty submission" in done.stdout


def test_a_grader_that_cannot_start_still_leaves_a_results_file(small_zip, tmp_path):
    """When the package is broken (here: no course.yaml), does the student still get a results.json saying the
    grader failed, with score 0, and does run_autograder exit 0?"""
    root = unpack(small_zip, tmp_path / "autograder")
    (root / "source" / "course" / "course.yaml").unlink()
    (root / "submission").mkdir()
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "autograder failed" in results["output"]
    assert "course.yaml" in done.stdout


@pytest.mark.parametrize("users, expected", [
    ([user("2024001")], "2024001"),
    ([user(None)], "ana@example.edu"),
    ([user("", email="")], "31337"),
    ([user(" 2024009 ")], "2024009"),
    ([user("2024007", email="bia@x.edu", user_id=2), user("2024001")], "2024001+2024007"),
    ([user(None, email=None, user_id=None)], None),
    ([], None),
    (["2024001"], None),
])
def test_student_of_reads_the_sid_then_the_email_then_the_id(users, expected, tmp_path):
    """Is the student id the sid, else the email, else Gradescope's user id, group members sorted and joined
    by '+', and None (the default variant) where nobody has one?"""
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps(metadata(*users)))
    student, note = student_of(path)
    assert student == expected
    assert (expected or "default variant") in note


@pytest.mark.parametrize("text", [None, "", "{", "[]", '{"users": null}', '{"users": 3}', '{"assignment": {}}'])
def test_student_of_unreadable_metadata_means_the_default_variant(text, tmp_path):
    """Is a missing, empty or malformed metadata file the default variant, with a note naming the file?"""
    path = tmp_path / "submission_metadata.json"
    if text is not None:
        path.write_text(text)
    student, note = student_of(path)
    assert student is None
    assert str(path) in note and "default variant" in note


def test_package_gradescope_command_writes_the_zip(tmp_path, capsys):
    """Does `autograder package gradescope --out FILE.zip` write the zip, and refuse another extension?"""
    from autograder.cli import main

    assert main(["--course", str(REPO), "package", "gradescope", "--out", str(tmp_path / "a.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "a.zip")
    assert "keep it private" in capsys.readouterr().out
    assert main(["--course", str(REPO), "package", "gradescope", ASSIGNMENT, "--out", str(tmp_path / "a.tar")]) == 2
    assert ".zip" in capsys.readouterr().err


def test_package_needs_a_source_checkout(monkeypatch, tmp_path, capsys):
    """Installed from a wheel (no pyproject.toml above the package), does `package gradescope` say to run it from
    a source checkout?"""
    import autograder
    from autograder.cli import main

    fake = tmp_path / "site-packages" / "autograder" / "__init__.py"
    fake.parent.mkdir(parents=True)
    fake.touch()
    monkeypatch.setattr(autograder, "__file__", str(fake))
    assert main(["--course", str(REPO), "package", "gradescope", "--out", str(tmp_path / "a.zip")]) == 2
    assert "source checkout" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()
