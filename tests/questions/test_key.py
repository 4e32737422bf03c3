"""The answer key of a roster and the reference's answers.yaml (autograder/questions/key.py)."""
from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest

from autograder.questions.answers import parse_answers
from autograder.questions.draw import draw_all
from autograder.questions.grading import EXERCISE_ID, grade_questions
from autograder.questions.key import (REFERENCE_COMMAND, key_text, reference_answers_text, roster_key,
                                      stale_reference_answers)
from autograder.results import Status

STUDENTS = ["2024001", "alice", "bob"]


def test_the_key_holds_the_params_variant_draws_and_answers_the_grader_accepts(course, assignment, tmp_path):
    """Are a student's key params those `variant --student` draws, and do the key's answers, written into
    answers.yaml, get full marks when graded as that student (and not as another)?"""
    entries = roster_key(course, assignment, STUDENTS)
    assert [(e.student, e.question) for e in entries] == [(s, q.id) for s in STUDENTS for q in assignment.questions]
    for student in STUDENTS:
        mine = [e for e in entries if e.student == student]
        assert [e.params for e in mine] == [{k: int(v) for k, v in variant.params.items()}
                                            for variant in draw_all(course, assignment, student)]
        lines = [f"{e.question}: {list(e.answer) if isinstance(e.answer, tuple) else e.answer}" for e in mine]
        (tmp_path / "answers.yaml").write_text("\n".join(lines) + "\n")
        (result,), _ = grade_questions(course, assignment, tmp_path, student)
        assert result.id == EXERCISE_ID and all(c.status is Status.PASSED for c in result.cases), student
        (other,), _ = grade_questions(course, assignment, tmp_path, "someone-else")
        assert other.score < other.points


def test_every_format_says_the_same_and_is_deterministic(course, assignment):
    """Do the CSV, JSON and Markdown keys hold the same answers, byte-identical when drawn again?"""
    entries = roster_key(course, assignment, STUDENTS)
    rows = list(csv.DictReader(io.StringIO(key_text(entries, "csv"))))
    data = json.loads(key_text(entries, "json"))["students"]
    markdown = key_text(entries, "md", title="L10")
    assert len(rows) == len(entries) == 9
    for row, entry in zip(rows, entries):
        want = list(entry.answer) if isinstance(entry.answer, tuple) else entry.answer
        assert (row["student"], row["question"]) == (entry.student, entry.question)
        assert json.loads(row["answer"]) == want and json.loads(row["params"]) == entry.params
        assert data[entry.student][entry.question] == {"points": entry.points, "answer": want, "params": entry.params}
        assert f"| {entry.question} | {entry.points:g} | {row['answer']} |" in markdown
    assert "## `alice`" in markdown and "## `bob`" in markdown
    again = roster_key(course, assignment, STUDENTS)
    assert all(key_text(again, f) == key_text(entries, f) for f in ("csv", "json", "md"))
    with pytest.raises(ValueError, match="unknown answer-key format 'xml'"):
        key_text(entries, "xml")


def test_the_reference_answers_are_right_for_the_course_seed(course, assignment):
    """Does the repository's solutions/<id>/answers.yaml pass, and does the file the command would write hold the
    same answers?"""
    assert stale_reference_answers(course, assignment) == []
    ids = tuple(q.id for q in assignment.questions)
    written = parse_answers(reference_answers_text(course, assignment), ids)
    on_disk = parse_answers((assignment.solutions / "answers.yaml").read_text(), ids)
    assert {q: a.value for q, a in written.answers.items()} == {q: a.value for q, a in on_disk.answers.items()}


def test_a_seed_change_makes_the_reference_answers_stale(course, assignment):
    """After a new term's seed, does the check name each stale answer, the points lost and the command?"""
    new_term = dataclasses.replace(course, seed=course.seed + 1)
    (problem,) = stale_reference_answers(new_term, assignment)
    assert problem.startswith(f"stale for the course seed {course.seed + 1}: line 6: conv_layer_params: 1089 is "
                              f"given, where the default variant's answer is ")
    assert "conv_output_size" in problem and "cnn_volume_shape: [8, 14, 32] is given" in problem
    assert "loses 5 of the questions' 5 points" in problem and problem.endswith(f"run `{REFERENCE_COMMAND}` to "
                                                                                f"rewrite it")


@pytest.mark.parametrize("text, message", [
    (None, "missing, so the reference graded as a submission scores 0 on the questions"),
    ("conv_layer_params: [1\n", "answers.yaml:2: YAML syntax error"),
    ("conv_layer_params: 1089\nconv_output_size: 13\n",
     "stale for the course seed 721: cnn_volume_shape is not answered (the default variant's answer is [8, 14, 32])"),
    ("conv_layer_params: 1089\nconv_output_size: twenty\ncnn_volume_shape: [8, 14, 32]\n",
     "line 2: conv_output_size: expected a whole number such as 280, got 'twenty', where"),
    ("conv_layer_params: 1089\nconv_output_size: 13\ncnn_volume_shape: [8, 14, 32]\nold_question: 3\n",
     "line 4: 'old_question' is no question of this assignment (ignored)"),
])
def test_a_broken_reference_answers_file_is_named(course, assignment, tmp_path, text, message):
    """Is a missing, unreadable, incomplete or outdated reference answers.yaml reported with what to do?"""
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    for module in (*assignment.modules, "mistakes"):
        (solutions / f"{module}.py").write_bytes((assignment.solutions / f"{module}.py").read_bytes())
    if text is not None:
        (solutions / "answers.yaml").write_text(text)
    problems = stale_reference_answers(course, dataclasses.replace(assignment, solutions=solutions))
    assert len(problems) == 1 and message in problems[0], problems
    assert problems[0].endswith(f"run `{REFERENCE_COMMAND}` to rewrite it")
