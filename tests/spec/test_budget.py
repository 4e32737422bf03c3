"""spec/budget.py and the sandbox's deadline: the grading's time budget (`sandbox.grading_seconds`)."""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course

from autograder.results import Status
from autograder.spec import SpecError, load_course
from autograder.spec.budget import DEFAULT_GRADING_SECONDS, worst_seconds


def looping(folder: Path, modules=SMALL_MODULES) -> Path:
    """The stubs with every function looping for ever instead of raising NotImplementedError."""
    folder.mkdir()
    for module in modules:
        stub = (REPO / "assignments" / ASSIGNMENT / f"{module}.py").read_text()
        (folder / f"{module}.py").write_text(stub.replace("raise NotImplementedError()", "while True:\n        pass"))
    return folder


def test_the_course_fits_into_the_default_budget(course, assignment):
    """Do the real course's exercises, every function run until stopped, fit into the default budget, which
    is well under Gradescope's ten minutes?"""
    worst = sum(worst_seconds(e) for e in assignment.exercises)
    assert course.grading_seconds == DEFAULT_GRADING_SECONDS <= 450
    assert worst <= course.grading_seconds


def test_a_course_whose_limits_do_not_fit_is_refused_at_its_key(tmp_path):
    """Is a course whose exercises can take longer than sandbox.grading_seconds refused at that key's line,
    with the sum, the budget and the largest exercises named?"""
    root = write_small_course(tmp_path, {"exercise_seconds": 60})
    data = yaml.safe_load((root / "course.yaml").read_text())
    data["sandbox"]["grading_seconds"] = 100
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SpecError) as error:
        load_course(root)
    text = str(error.value)
    assert "course.yaml:" in text and "grading_seconds" in text
    assert "more than the grading's time budget of 100 s" in text and "the largest are" in text
    data["sandbox"]["grading_seconds"] = 5
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(SpecError, match="between 10 and 3600"):
        load_course(root)


def test_the_budget_stops_the_grading_and_says_so(tmp_path):
    """With a budget smaller than the exercises' limits (here forced past the load check), does a submission
    whose every function loops stop at the budget, measured on the host, with the cases left saying that the
    grading's time budget ran out, and is every exercise still in the run?"""
    from autograder.pipeline import grade

    (tmp_path / "course").mkdir()
    course = load_course(write_small_course(tmp_path / "course", {"case_seconds": 1, "exercise_seconds": 2}))
    course = replace(course, grading_seconds=12.0)  # under the small course's worst case (2 s x 8 exercises); room
    # for the pool's first start (importing torch) on a loaded machine, which the budget also counts
    assignment = course.assignment(ASSIGNMENT)
    started = time.monotonic()
    run = grade(course, assignment, looping(tmp_path / "loops"))
    elapsed = time.monotonic() - started
    cases = [c for e in run.exercises for c in e.cases]
    budget = [c for c in cases if "the grading's time budget of 12 s ran out" in c.message]
    assert {e.id for e in run.exercises} == {e.id for e in assignment.exercises}
    assert run.score == 0 and all(c.status is Status.TIMEOUT for c in cases)
    assert budget and len(budget) < len(cases)  # the first cases ran to their own limits
    assert elapsed < 12.0 + 10.0, elapsed  # the budget, plus the references and a worker start
