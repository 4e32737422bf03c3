"""Does kit.json carry what `check` and `variant` need (settings, exercises, question templates) and come back as
the course's own spec dataclasses, with no case, no solution and no answer in it?"""
from __future__ import annotations

import dataclasses
import json

import pytest

from autograder.statements import Placeholders
from support import ASSIGNMENT, REPO

from autograder.kit.manifest import DATA_DIR, FORMAT, MANIFEST, KitError, find_kit, load_kit, manifest
from autograder.pipeline import ReferenceTruth
from autograder.questions.draw import draw_all
from autograder.questions.grading import answer_forms
from autograder.spec import load_course


@pytest.fixture(scope="module")
def course():
    return load_course(REPO)


@pytest.fixture(scope="module")
def kit_root(course, tmp_path_factory):
    assignment = course.assignment(ASSIGNMENT)
    truth = ReferenceTruth(assignment)
    root = tmp_path_factory.mktemp("kit")
    (root / DATA_DIR).mkdir()
    (root / DATA_DIR / MANIFEST).write_text(manifest(course, assignment, {e.id: truth.signature(e) for e in
                                                                          assignment.exercises},
                                                     answer_forms(course, assignment)))
    return root


def test_the_kit_reads_back_as_the_courses_settings_and_exercises(course, kit_root):
    kit = load_kit(kit_root)
    original = course.assignment(ASSIGNMENT)
    for ours, theirs in zip(kit.assignment.exercises, original.exercises, strict=True):
        for field in dataclasses.fields(theirs):  # a field added to the spec must reach the kit (or be left out here)
            if field.name not in ("cases", "location", "mistakes", "solutions", "statement"):  # the kit has no solutions
                assert getattr(ours, field.name) == getattr(theirs, field.name), (theirs.id, field.name)
        assert ours.statement == Placeholders(course, original).render_statement(theirs)  # as students read it
        assert [(m.id, m.message) for m in ours.mistakes] == [(m.id, m.message) for m in theirs.mistakes]
        assert ours.cases == ()
    for field in dataclasses.fields(course):
        if field.name not in ("assignments", "root"):
            assert getattr(kit.course, field.name) == getattr(course, field.name), field.name
    for ours, theirs in zip(kit.assignment.questions, original.questions, strict=True):  # params: drawn alike below
        for field in dataclasses.fields(theirs):
            if field.name not in ("params", "answer", "location", "distinguish"):  # the kit has `accepted` instead
                assert getattr(ours, field.name) == getattr(theirs, field.name), (theirs.id, field.name)
        assert (ours.answer.type, ours.answer.module, ours.answer.function) == \
            (theirs.answer.type, theirs.answer.module, theirs.answer.function)


def test_every_students_questions_are_drawn_as_in_the_course(course, kit_root):
    kit = load_kit(kit_root)
    for student in (None, "2024001", "alice"):
        ours = draw_all(kit.course, kit.assignment, student, kit.acceptance)
        theirs = draw_all(course, course.assignment(ASSIGNMENT), student)
        assert [(v.question.id, v.params, v.prompt) for v in ours] == [(v.question.id, v.params, v.prompt)
                                                                      for v in theirs]


def test_no_answer_and_no_mistake_function_is_in_the_manifest(course, kit_root):
    text = (kit_root / DATA_DIR / MANIFEST).read_text()
    assignment = course.assignment(ASSIGNMENT)
    assert not [m.function for e in assignment.exercises for m in e.mistakes if f'"{m.function}"' in text]
    for question in json.loads(text)["assignment"]["questions"]:  # templates only: how to compute, never a value
        assert set(question) == {"id", "title", "points", "prompt", "params", "answer", "form", "accepted"}
        assert question["accepted"] is None or set(question["accepted"]) <= set("0123456789abcdef")  # bits only
        assert set(question["answer"]) == {"module", "function", "args", "type", "item"}
        assert set(question["form"]) == {"type", "length"}
    assert '"cases"' not in text and '"expect"' not in text


def test_the_kit_is_found_from_below_and_a_damaged_one_is_refused(kit_root, tmp_path):
    (kit_root / "sub" / "deeper").mkdir(parents=True, exist_ok=True)
    assert find_kit(kit_root / "sub" / "deeper") == kit_root and find_kit(tmp_path) is None
    broken = tmp_path / "broken"
    (broken / DATA_DIR).mkdir(parents=True)
    (broken / DATA_DIR / MANIFEST).write_text(f'{{"format": {FORMAT}}}')
    with pytest.raises(KitError, match="cannot be read .*was it edited"):
        load_kit(broken)
