"""The Gradescope package: the zip, and run_autograder run for real on a folder standing in for /autograder."""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from gradescope_spec import check_spec
from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course

from autograder.packaging.gradescope import PARTIAL, build_zip, student_of
from autograder.pipeline import NOT_REACHED
from autograder.spec import load_course

BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
STUDENT = "2024001"
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


def harness_env(root: Path) -> dict[str, str]:
    """run_autograder's environment in the stand-in tree: the production paths (/autograder, its venv) replaced
    by AUTOGRADER_ROOT and AUTOGRADER_PYTHON, nothing else."""
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(PYTHON)}
    env.pop("AUTOGRADER_COURSE", None)
    return env


def run_autograder(root: Path) -> subprocess.CompletedProcess:
    """ROOT/run_autograder, for real, after a forged results.json was placed where the results go."""
    (root / "results").mkdir(exist_ok=True)
    (root / "results" / "results.json").write_text(json.dumps(FORGED))
    return subprocess.run([str(root / "run_autograder")], env=harness_env(root), capture_output=True, text=True,
                          timeout=300, cwd=root)


def gradescope_json(text: str, timed: bool = True) -> dict:
    """results.json parsed and checked against Gradescope's specification (gradescope_spec.check_spec): only its
    keys, with their types; a score, tests whose scores add up to it, and (`timed`: run_autograder's, not
    `grade`'s, which stays byte-identical to grade-all's) the time it took in whole seconds."""
    results = check_spec(json.loads(text))
    assert isinstance(results["score"], (int, float)) and isinstance(results["tests"], list)
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert 0 <= test["score"] <= test["max_score"]
    assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"], abs=1e-6)
    assert isinstance(results["execution_time"], int) if timed else "execution_time" not in results
    return results


def untimed(text: str) -> dict:
    """results.json without `execution_time`, the one key that differs between two gradings of one upload."""
    results = json.loads(text)
    results.pop("execution_time", None)
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
    assert untimed(written) == untimed(buggy.results)
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
    assert results["score"] == 0 and [t["name"] for t in results["tests"]] == ["Your upload"]
    assert results["tests"][0]["max_score"] == 35 and "your upload is empty" in results["output"]
    assert "your upload is empty" in done.stdout


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

    assert main(["--course", str(REPO), "package", "gradescope", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "a.zip")]) == 0
    assert zipfile.is_zipfile(tmp_path / "a.zip")
    assert "keep it private" in capsys.readouterr().out
    assert main(["--course", str(REPO), "package", "gradescope", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "a.tar")]) == 2
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
    assert main(["--course", str(REPO), "package", "gradescope", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "a.zip")]) == 2
    assert "source checkout" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


# An emulated Gradescope harness: the autograder zip unpacked into a stand-in /autograder (source/, submission/,
# results/), the real run_autograder run there; each upload form Gradescope accepts is graded both ways, by
# run_autograder and by `autograder grade` on the same upload, and the two results must agree.

def module_text(module: str) -> str:
    return (BUGGY / f"{module}.py").read_text()


def notebook(source: str) -> bytes:
    """A notebook as Jupyter saves it: a statement cell, the module's code in a code cell (as lines) with an
    output, and a cell that tries the code with a magic line."""
    lines = source.splitlines(keepends=True)
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# L10\n", "My work."]},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": lines,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}]},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": ["%time 1 + 1\n"], "outputs": []},
    ]}, indent=1).encode()


def zipped(files: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PLAIN = {f"{m}.py": module_text(m).encode() for m in SMALL_MODULES}
FORMS = {
    "files": PLAIN,
    "zip": {"work.zip": zipped({f"work/{name}": content for name, content in PLAIN.items()}
                               | {"__MACOSX/work/._shapes.py": b"junk"})},
    "nested folder": {f"my-work/{ASSIGNMENT}/{name}": content for name, content in PLAIN.items()}
                     | {"my-work/README.md": b"# my work\n", ".DS_Store": b"junk"},
    "notebooks": {f"{m}.ipynb": notebook(module_text(m)) for m in SMALL_MODULES},
}


def both_ways(small_zip: Path, small_course: Path, files: dict[str, bytes], tmp_path: Path,
              upload: str | None = None) -> tuple[dict, dict, subprocess.CompletedProcess]:
    """(run_autograder's results.json, `autograder grade`'s, the run's log) of one upload: `files` placed in
    /autograder/submission, and `grade` given that folder, or the file `upload` in it (a zip as downloaded)."""
    from autograder.cli import main

    root = unpack(small_zip, tmp_path / "autograder")
    for name, content in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_bytes(content)
    (root / "submission").mkdir(exist_ok=True)
    (root / "submission_metadata.json").write_text(json.dumps(metadata(user(STUDENT))))
    done = run_autograder(root)
    assert done.returncode == 0, done.stdout + done.stderr
    on_gradescope = gradescope_json((root / "results" / "results.json").read_text())
    out = tmp_path / "grade.json"
    given = root / "submission" / upload if upload else root / "submission"
    assert main(["--course", str(small_course), "grade", str(given), "--student", STUDENT, "--out", str(out),
                 "-q"]) == 0
    by_grade = gradescope_json(out.read_text(), timed=False)
    on_gradescope.pop("execution_time")
    return on_gradescope, by_grade, done


def outcomes(results: dict) -> list[tuple[str, float, str]]:
    return [(t["name"], t["score"], t["status"]) for t in results["tests"]]


@pytest.fixture(scope="module")
def plain_results(small_zip, small_course, tmp_path_factory) -> dict:
    """The buggy example's shapes.py and filters.py uploaded as files, graded by run_autograder."""
    return both_ways(small_zip, small_course, PLAIN, tmp_path_factory.mktemp("plain"))[0]


@pytest.mark.parametrize("form", ["zip", "nested folder", "notebooks"])
def test_every_upload_form_gets_one_grade_on_both_routes(form, small_zip, small_course, plain_results, tmp_path):
    """Does each form Gradescope accepts (a zip, a folder nested two levels deep, notebooks named after the
    modules) get from run_autograder and from `autograder grade` on the same upload the same results.json
    (but for the time it took), with the score and per-test outcomes of the modules uploaded as files?"""
    upload = "work.zip" if form == "zip" else None
    on_gradescope, by_grade, _ = both_ways(small_zip, small_course, FORMS[form], tmp_path, upload)
    assert on_gradescope == by_grade
    assert 0 < on_gradescope["score"] == plain_results["score"] < 35
    assert outcomes(on_gradescope) == outcomes(plain_results)
    assert "ModuleNotFoundError" not in json.dumps(on_gradescope)


BROKEN = {
    "empty": ({}, None, "your upload is empty"),
    "corrupt zip": ({"work.zip": b"PK\x03\x04 this is not a zip"}, "work.zip", "work.zip: not a readable zip file"),
    "misnamed copy": ({"shapes (1).py": PLAIN["shapes.py"], "filters.py": PLAIN["filters.py"]},
                      None, "found shapes (1).py: rename it shapes.py"),
    "capitalised": ({"Shapes.py": PLAIN["shapes.py"], "filters.py": PLAIN["filters.py"]},
                    None, "found Shapes.py: rename it shapes.py"),
    "one notebook for all": ({"L10.ipynb": notebook(module_text("shapes") + module_text("filters"))}, None,
                             "your upload has none of the assignment's modules (shapes.py and filters.py)"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_an_upload_that_cannot_be_graded_says_why_once(case, small_zip, small_course, tmp_path):
    """Is the reason an upload (or one of its modules) cannot be graded said once in the output that students see,
    with one failing entry for what it stops (the upload, or the misnamed module), never as a ModuleNotFoundError
    per case, and does `autograder grade` on the same upload say the same?"""
    files, upload, reason = BROKEN[case]
    on_gradescope, by_grade, done = both_ways(small_zip, small_course, files, tmp_path, upload)
    assert on_gradescope == by_grade
    assert on_gradescope["output"].count(reason) == 1, on_gradescope["output"]
    assert "ModuleNotFoundError" not in json.dumps(on_gradescope) and "No module named" not in json.dumps(on_gradescope)
    failing = [t for t in on_gradescope["tests"] if reason in t["output"]]
    assert len(failing) == 1 and failing[0]["score"] == 0 and failing[0]["status"] == "failed"
    if case in ("misnamed copy", "capitalised"):  # filters.py is graded as ever; shapes.py is one entry
        assert failing[0]["name"] == "shapes.py" and failing[0]["max_score"] == 18
        assert any(t["name"].startswith("conv2d_single: ") and t["status"] == "passed" for t in on_gradescope["tests"])
        assert on_gradescope["score"] > 0
    else:
        assert outcomes(on_gradescope) == [("Your upload", 0.0, "failed")] and failing[0]["max_score"] == 35
        assert reason.split(":")[-1].strip() in done.stdout


@pytest.fixture(scope="module")
def looping_zip(tmp_path_factory) -> Path:
    """The autograder zip of the small course with 1 s cases and 2 s exercises: a submission whose every
    function loops takes about 2 s per exercise, 16 s in all."""
    root = write_small_course(tmp_path_factory.mktemp("looping_course"), {"case_seconds": 1, "exercise_seconds": 2})
    course = load_course(root)
    return build_zip(course, course.assignment(ASSIGNMENT), tmp_path_factory.mktemp("zip") / "looping.zip", REPO)


def test_a_run_killed_midway_leaves_the_exercises_graded_so_far(looping_zip, tmp_path):
    """When Gradescope kills run_autograder (SIGKILL to its process group) in the middle of a grading, is the
    results.json left valid, with the exercises graded until then, the others not graded, and a message saying
    that the grading stopped?"""
    root = unpack(looping_zip, tmp_path / "autograder")
    (root / "submission").mkdir()
    for module in SMALL_MODULES:
        stub = (REPO / "assignments" / ASSIGNMENT / f"{module}.py").read_text()
        (root / "submission" / f"{module}.py").write_text(stub.replace("raise NotImplementedError()",
                                                                        "while True:\n        pass"))
    (root / "submission_metadata.json").write_text(json.dumps(metadata(user(STUDENT))))
    process = subprocess.Popen([str(root / "run_autograder")], env=harness_env(root), cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results_file, graded, started = root / "results" / "results.json", [], time.monotonic()
    try:
        while time.monotonic() - started < 120 and process.poll() is None:
            time.sleep(0.2)
            try:
                seen = json.loads(results_file.read_text())  # written atomically: never half a file
            except FileNotFoundError:
                continue
            graded = [t for t in seen["tests"] if NOT_REACHED not in t["output"]]
            if len(graded) >= 2:
                break
        assert process.poll() is None, "the grading ended before it could be killed"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    left = gradescope_json(results_file.read_text())
    assert left["output"].startswith(PARTIAL)
    stopped = [t for t in left["tests"] if "stopped:" in t["output"]]
    not_reached = [t for t in left["tests"] if NOT_REACHED in t["output"]]
    assert stopped and not_reached and left["score"] == 0
    assert sum(t["max_score"] for t in left["tests"]) == 35  # every exercise is there, graded or not
