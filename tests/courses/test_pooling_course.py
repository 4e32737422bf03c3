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
