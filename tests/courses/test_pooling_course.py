"""Does an assignment of another topic than the real course's (the pooling fixture, tests/fixtures/README.md) pass
`validate` and grade right on every route (grade, grade-all, Gradescope's run_autograder, nbgrader build and
record, the student kit's check), with nothing in autograder/ written for it?"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import POOLING, POOLING_ASSIGNMENT

from autograder.cli import EXIT_FAILED, EXIT_OK, main

SOLUTIONS = POOLING / "solutions" / POOLING_ASSIGNMENT
STUBS = POOLING / "assignments" / POOLING_ASSIGNMENT
TOTAL = 25


@pytest.fixture(scope="module")
def pooling():
    from autograder.spec import load_course

    return load_course(POOLING)


def _grade(submission: Path, out: Path, *extra: str) -> dict:
    """run.json of `autograder grade SUBMISSION` in the pooling course (everything, staff details included)."""
    assert main(["--course", str(POOLING), "grade", str(submission), "--out-dir", str(out), "-q", *extra]) == EXIT_OK
    return json.loads((out / submission.name / "run.json").read_text(encoding="utf-8"))


def _score(run: dict) -> float:
    return round(sum(e["score"] for e in run["exercises"]), 4)


def _exercise(run: dict, exercise_id: str) -> dict:
    return next(e for e in run["exercises"] if e["id"] == exercise_id)


def _changed(tmp_path: Path, module: str, old: str, new: str) -> Path:
    """The reference solutions with `old` replaced by `new` once in `module`.py, as a submission."""
    folder = tmp_path / POOLING_ASSIGNMENT
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__", "mistakes.py"))
    path = folder / f"{module}.py"
    source = path.read_text(encoding="utf-8")
    assert source.count(old) >= 1, f"{old!r} not in {module}.py"
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return folder


def test_validate_passes_and_the_stubs_are_up_to_date(capsys):
    """Is the fixture a valid course by the product's own proof, its stubs made from its solutions?"""
    assert main(["--course", str(POOLING), "validate"]) == EXIT_OK, capsys.readouterr().out
    out = capsys.readouterr().out
    assert f"{POOLING_ASSIGNMENT}: 4 exercises" in out and "2 questions" in out
    assert main(["--course", str(POOLING), "release", "--check"]) == EXIT_OK


def test_the_reference_gets_every_point_and_the_stubs_none(tmp_path):
    """Does `grade` give the reference 25 / 25 (its speed case and questions included) and the stubs 0?"""
    reference = _grade(SOLUTIONS, tmp_path / "reference")
    assert _score(reference) == TOTAL, [(e["id"], e["score"], e["notes"]) for e in reference["exercises"]]
    speed = next(c for c in _exercise(reference, "maxpool_forward_torch")["cases"] if c["case"] == "vectorised_speed")
    assert speed["status"] == "passed" and speed["max_score"] == 2
    stubs = _grade(STUBS, tmp_path / "stubs")
    assert _score(stubs) == 0


def test_a_known_mistake_is_named_by_its_own_message(tmp_path):
    """Is max pooling with the stride ignored diagnosed with the fixture's message, on the exercise it concerns?"""
    submission = _changed(tmp_path, "pool_numpy", "np.max(windows[:rows, :columns]",
                          "np.max(np.lib.stride_tricks.sliding_window_view(x, (f, f), axis=(0, 1))")
    run = _grade(submission, tmp_path / "out")
    exercise = _exercise(run, "max_pool2d")
    assert exercise["mistakes"] == ["stride_ignored"]
    assert any("move the window by `stride` pixels" in note for note in exercise["notes"])
    assert exercise["score"] < exercise["points"] and _exercise(run, "avg_pool2d")["score"] == 4


def test_the_forbidden_api_costs_its_exercise_only(tmp_path):
    """Does a call of the listed `torch.nn.functional.max_pool2d` score 0 for maxpool_forward_torch, naming it, and
    leave the other exercises their points?"""
    submission = _changed(tmp_path, "pool_torch", "    windows = x.unfold(2, kernel_size, stride)",
                          "    return torch.nn.functional.max_pool2d(x, kernel_size, stride)\n"
                          "    windows = x.unfold(2, kernel_size, stride)")
    run = _grade(submission, tmp_path / "out")
    exercise = _exercise(run, "maxpool_forward_torch")
    assert exercise["score"] == 0 and {c["status"] for c in exercise["cases"]} == {"forbidden"}
    assert "uses torch.nn.functional.max_pool2d (line 35)" in exercise["cases"][0]["message"]
    assert _score(run) == TOTAL - 8


def test_hidden_random_cases_and_questions_are_drawn_per_student(pooling):
    """Do two students get other inputs in the hidden random cases and other numbers in the questions, and the same
    visible cases?"""
    from autograder.cases import expand_assignment
    from autograder.questions.draw import draw_all

    assignment = pooling.assignment(POOLING_ASSIGNMENT)
    ana, bia = (expand_assignment(pooling, assignment, student) for student in ("2024001", "2024002"))
    for exercise in ("max_pool2d", "maxpool_forward_torch"):
        random_a, random_b = ([repr(c.args) for c in cases if c.exercise == exercise and "[" in c.name]
                              for cases in (ana, bia))
        assert random_a and random_a != random_b
        visible_a, visible_b = ([repr(c.args) for c in cases if c.exercise == exercise and c.visible]
                                for cases in (ana, bia))
        assert visible_a and visible_a == visible_b
    drawn = [draw_all(pooling, assignment, student) for student in ("2024001", "2024002", "2024003")]
    assert len({repr(d) for d in drawn}) == 3


def test_grade_all_grades_a_class_as_grade_does(tmp_path):
    """Does `grade-all` give each student of a class folder the score `grade` gives the same files?"""
    class_folder = tmp_path / "class"
    shutil.copytree(SOLUTIONS, class_folder / "ana", ignore=shutil.ignore_patterns("__pycache__", "mistakes.py"))
    shutil.copytree(STUBS, class_folder / "bia", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "grades"
    assert main(["--course", str(POOLING), "grade-all", str(class_folder), "--out", str(out), "--jobs", "1"]) == EXIT_OK
    rows = {row.split(",")[0]: row for row in (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]}
    assert set(rows) == {"ana", "bia"}
    ana = json.loads((out / "ana" / "results.json").read_text(encoding="utf-8"))
    bia = json.loads((out / "bia" / "results.json").read_text(encoding="utf-8"))
    assert ana["extra_data"]["max_score"] == bia["extra_data"]["max_score"] == TOTAL
    # grade-all seeds each student's variant with their id: the default variant's answers.yaml misses the questions
    assert TOTAL - 3 <= ana["score"] <= TOTAL and bia["score"] == 0


def test_classroom_grade_gives_the_grade_of_grade(tmp_path, capsys):
    """Does `classroom-grade` (the opt-in Classroom workflow) give a repository holding the modules at its root the
    points `grade` gives: `earned` is the grade, `missed` the rest?"""
    submission = _changed(tmp_path / "repo", "pool_numpy", "np.mean(windows[:rows, :columns]",
                          "np.sum(windows[:rows, :columns]")
    run = _grade(submission, tmp_path / "graded")
    out = tmp_path / "classroom.json"
    assert main(["--course", str(POOLING), "classroom-grade", str(submission), "--output", str(out)]) == EXIT_OK
    assert "the window's sum is returned" in capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["earned"]["max_score"] == pytest.approx(_score(run)) == pytest.approx(TOTAL - 4)
    assert results["missed"]["max_score"] == pytest.approx(4)


def test_the_student_kit_checks_the_visible_cases_from_its_own_data(tmp_path, capsys, monkeypatch):
    """Does `package student` build the fixture's kit (its README with the fixture's own speed and forbidden-API
    words, no convolution), and does `check` in it pass the reference and fail the stubs?"""
    kit = tmp_path / "kit"
    assert main(["--course", str(POOLING), "package", "student", "--out", str(kit)]) == EXIT_OK
    readme = (kit / "README.md").read_text(encoding="utf-8")
    assert "`torch.nn.functional.max_pool2d` in `maxpool_forward_torch`" in readme
    assert "conv" not in readme.lower() and "unfold and one matrix" not in readme
    assert not (kit / POOLING_ASSIGNMENT / "mistakes.py").exists()
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    monkeypatch.chdir(kit)
    try:
        assert main(["check", str(STUBS)]) == EXIT_FAILED
        capsys.readouterr()
        submission = tmp_path / "mine"
        shutil.copytree(SOLUTIONS, submission, ignore=shutil.ignore_patterns("__pycache__", "mistakes.py"))
        assert main(["check", str(submission)]) == EXIT_OK, capsys.readouterr().out
    finally:
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "autograder.kit.warm", "stop"], capture_output=True, timeout=60)


@pytest.mark.slow
def test_gradescope_run_autograder_gives_what_grade_gives(pooling, tmp_path):
    """Does the fixture's Gradescope zip, run as Gradescope runs it, grade the student of the metadata byte for byte
    as `autograder grade --student` does?"""
    import os
    import subprocess
    import sys
    import zipfile

    from support import REPO

    from autograder.packaging.gradescope import build_zip

    archive = build_zip(pooling, pooling.assignment(POOLING_ASSIGNMENT), tmp_path / "autograder.zip", REPO)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            target = root / "source" / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(opened.read(info))
            target.chmod((info.external_attr >> 16) & 0o777)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    submission = _changed(tmp_path / "work", "pool_numpy", "np.mean(windows[:rows, :columns]",
                          "np.sum(windows[:rows, :columns]")
    shutil.copytree(submission, root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"sid": "2024007", "email": "a@b.c"}]}))
    (root / "results").mkdir()
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(Path(sys.executable).absolute())}
    env.pop("AUTOGRADER_COURSE", None)
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600,
                          cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    written = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    written.pop("execution_time", None)
    expected = tmp_path / "expected.json"
    assert main(["--course", str(POOLING), "grade", str(submission), "--student", "2024007", "--out", str(expected),
                 "-q"]) == EXIT_OK
    assert written == json.loads(expected.read_text(encoding="utf-8"))
    assert written["extra_data"]["max_score"] == TOTAL and written["score"] < TOTAL
    assert "the window's sum is returned" in json.dumps(written)  # the fixture's own diagnosis


@pytest.mark.slow
def test_nbgrader_build_and_record_write_the_sandboxs_grade(tmp_path, capsys):
    """Does `nbgrader build` make the fixture's notebooks, and does `nbgrader record` write into nbgrader's gradebook
    the sandbox's grade of the submitted notebooks: every point of the code cells for the reference's code?"""
    api = pytest.importorskip("nbgrader.api", reason="nbgrader is not installed (pip install -e '.[nbgrader]')")
    import os
    import sys

    folder = tmp_path / "nbgrader"
    assert main(["--course", str(POOLING), "nbgrader", "build", "--out", str(folder)]) == EXIT_OK
    source = folder / "source" / POOLING_ASSIGNMENT
    assert sorted(p.name for p in source.iterdir()) == ["pool_numpy.ipynb", "pool_torch.ipynb", "questions.ipynb"]
    built = "".join(p.read_text(encoding="utf-8") for p in source.iterdir())
    assert "vectorised_speed" not in built and "random_volume" not in built  # no hidden case in a notebook
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{saved}"  # nbgrader runs alembic from PATH
    try:  # what `nbgrader generate_assignment` and `autograde` leave in the gradebook
        with api.Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
            gradebook.add_assignment(POOLING_ASSIGNMENT)
            for path in sorted(source.iterdir()):
                gradebook.add_notebook(path.stem, POOLING_ASSIGNMENT)
                for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                    meta = cell.get("metadata", {}).get("nbgrader", {})
                    if meta.get("grade"):
                        gradebook.add_grade_cell(meta["grade_id"], path.stem, POOLING_ASSIGNMENT,
                                                 max_score=meta["points"], cell_type=cell["cell_type"])
                    if meta.get("solution"):
                        gradebook.add_solution_cell(meta["grade_id"], path.stem, POOLING_ASSIGNMENT)
            gradebook.add_student("ana")
            gradebook.add_submission(POOLING_ASSIGNMENT, "ana")
    finally:
        os.environ["PATH"] = saved
    shutil.copytree(source, folder / "submitted" / "ana" / POOLING_ASSIGNMENT)
    capsys.readouterr()
    assert main(["--course", str(POOLING), "nbgrader", "record", str(folder), "--jobs", "1"]) == EXIT_OK, \
        capsys.readouterr()
    with api.Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        notebooks = gradebook.find_submission(POOLING_ASSIGNMENT, "ana").notebooks
        code = {g.name: (g.auto_score, g.max_score) for n in notebooks if n.name != "questions" for g in n.grades}
    assert code == {"pool_output_size_tests": (4, 4), "max_pool2d_tests": (6, 6), "avg_pool2d_tests": (4, 4),
                    "maxpool_forward_torch_tests": (8, 8)}
