"""Per-student variants end to end: hidden random cases and questions, each student graded against their own."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from autograder.cases import expand_exercise
from autograder.pipeline import grade
from autograder.questions.draw import answer_key
from autograder.results import Status

from support import ASSIGNMENT, REPO

A, B = "alice", "bob"


def test_students_get_different_hidden_inputs_and_the_same_visible_ones(course, assignment):
    """Are the hidden random cases seeded per student, and the visible ones the same for everyone?"""
    exercise = assignment.exercise("output_size")
    a, b = (expand_exercise(course.seed, assignment.id, exercise, s) for s in (A, B))
    assert [c.name for c in a] == [c.name for c in b]
    differ = [c for c, d in zip(a, b) if c.args != d.args]
    assert len(differ) >= 8 and all(c.name.startswith("random") and not c.visible for c in differ)
    assert all(c.args == d.args for c, d in zip(a, b) if c.visible)


@pytest.fixture(scope="module")
def memorised(course, assignment, tmp_path_factory):
    """A submission right only on alice's inputs: output_size answers from a table of alice's cases (wrong by one
    elsewhere), and answers.yaml holds alice's answers."""
    folder = tmp_path_factory.mktemp("memorised") / "sub"
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    known = sorted({(c.args["n"], c.args["f"], c.args.get("padding", 0), c.args.get("stride", 1))
                    for c in expand_exercise(course.seed, assignment.id, assignment.exercise("output_size"), A)})
    shapes = folder / "shapes.py"
    source = shapes.read_text().replace("def output_size(", "def _real_output_size(")
    source = source.replace("= output_size(", "= _real_output_size(")
    shapes.write_text(source + f"""

_ALICE = {known!r}


def output_size(n, f, padding=0, stride=1):
    right = _real_output_size(n, f, padding, stride)
    return right if (n, f, padding, stride) in set(map(tuple, _ALICE)) else right + 1
""")
    (folder / "answers.yaml").write_text("".join(f"{q}: {list(v) if isinstance(v, tuple) else v}\n"
                                                 for q, v in answer_key(course, assignment, A).items()))
    only_shapes = replace(assignment, exercises=tuple(e for e in assignment.exercises if e.module == "shapes"))
    return {s: grade(course, only_shapes, folder, student=s) for s in (A, B)}


def test_each_student_is_graded_against_their_own_cases_and_questions(memorised):
    """Does the submission that knows alice's inputs and answers get full marks as alice, and lose the hidden
    random cases and the questions as bob?"""
    alice, bob = memorised[A], memorised[B]
    assert alice.score == alice.max_score == 23  # shapes 18 + questions 5
    by_id = {e.id: e for e in bob.exercises}
    failed = {c.case for c in by_id["output_size"].cases if c.status is Status.FAILED}
    assert failed and all(name.startswith("random") for name in failed)
    assert {c.status for c in by_id["questions"].cases} == {Status.FAILED} and by_id["questions"].score == 0
    others = [e for e in bob.exercises if e.id not in ("output_size", "questions")]
    assert all(e.score == e.points for e in others)
