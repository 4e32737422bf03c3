"""Each student's answers against their own variant: one CaseResult per question, never a crash."""
from __future__ import annotations

from dataclasses import replace

import pytest

from autograder.questions.draw import answer_key
from autograder.questions.grading import EXERCISE_ID, grade_questions
from autograder.results import Status
from autograder.spec import Const

A, B = "alice", "bob"


def write(folder, answers: dict) -> None:
    lines = [f"{q}: {list(v) if isinstance(v, tuple) else v}" for q, v in answers.items()]
    (folder / "answers.yaml").write_text("\n".join(lines) + "\n")


def cases(course, assignment, folder, student=None):
    (result,), notes = grade_questions(course, assignment, folder, student)
    assert result.id == EXERCISE_ID and notes == ()
    return {c.case: c for c in result.cases}


def test_each_student_is_graded_against_their_own_numbers(course, assignment, tmp_path):
    """Do A's right answers give A full marks, and fail for B on every question where their answers differ?"""
    mine, theirs = answer_key(course, assignment, A), answer_key(course, assignment, B)
    assert all(mine[q] != theirs[q] for q in mine)  # alice and bob differ on every question
    write(tmp_path, mine)
    graded = cases(course, assignment, tmp_path, A)
    assert {q: (c.status, c.score) for q, c in graded.items()} == {
        q.id: (Status.PASSED, q.points) for q in assignment.questions}
    graded = cases(course, assignment, tmp_path, B)
    assert {q: (c.status, c.score) for q, c in graded.items()} == {
        q.id: (Status.FAILED, 0.0) for q in assignment.questions}
    assert graded["conv_layer_params"].message == (f"answers.yaml:1: conv_layer_params: {mine['conv_layer_params']} "
                                                   f"is not the answer for your numbers (student 'bob')")
    assert str(theirs["conv_layer_params"]) not in graded["conv_layer_params"].message  # never the right answer
    assert f"expected {theirs['conv_layer_params']}" in graded["conv_layer_params"].staff


def test_the_default_variants_answer_gets_a_hint(course, assignment, tmp_path):
    """Does a student who answered the default variant learn that they should run `variant --student`?"""
    write(tmp_path, answer_key(course, assignment))
    message = cases(course, assignment, tmp_path, A)["conv_output_size"].message
    assert message.endswith("that is the answer of the default variant, not of yours: run `autograder variant "
                            "--student alice`")


def test_answer_forms(course, assignment, tmp_path):
    """Are a shape written as a tuple or '8 x 12 x 32', and 25.0 or '25', accepted; a wrong form refused?"""
    key = answer_key(course, assignment)
    h, w, c = key["cnn_volume_shape"]
    for shape, size in ((f'"({h}, {w}, {c})"', float(key["conv_output_size"])),
                        (f"{h} x {w} x {c}", f'"{key["conv_output_size"]}"')):
        (tmp_path / "answers.yaml").write_text(f"cnn_volume_shape: {shape}\nconv_output_size: {size}\n"
                                               f"conv_layer_params: [1, 2]\n")
        graded = cases(course, assignment, tmp_path)
        assert graded["cnn_volume_shape"].status is Status.PASSED, graded["cnn_volume_shape"].message
        assert graded["conv_output_size"].status is Status.PASSED
        assert graded["conv_layer_params"].message == ("answers.yaml:3: conv_layer_params: expected a whole number "
                                                       "such as 280, got [1, 2]")
    (tmp_path / "answers.yaml").write_text("cnn_volume_shape: 7\nconv_output_size: true\n")
    graded = cases(course, assignment, tmp_path)
    assert graded["cnn_volume_shape"].message == ("answers.yaml:1: cnn_volume_shape: expected a shape as a list of "
                                                  "whole numbers such as [7, 7, 40], got 7")
    assert graded["conv_output_size"].message.endswith("expected a whole number such as 280, got True")
    assert graded["conv_layer_params"].status is Status.NOT_IMPLEMENTED


def test_missing_file_and_nulls_score_zero_saying_what_to_do(course, assignment, tmp_path):
    """Does a submission without answers.yaml, or with nulls, get 0 and a message saying how to answer?"""
    graded = cases(course, assignment, tmp_path)
    assert {c.status for c in graded.values()} == {Status.NOT_IMPLEMENTED}
    assert graded["conv_output_size"].message.startswith("not answered: there is no answers.yaml in your "
                                                         "submission; run `autograder variant --student ID")
    (tmp_path / "answers.yaml").write_text((assignment.directory / "answers.yaml").read_text())
    graded = cases(course, assignment, tmp_path)
    assert [(c.status, c.score, c.message) for c in graded.values()][0] == (
        Status.NOT_IMPLEMENTED, 0.0, "not answered: write your answer after `conv_layer_params:` in answers.yaml")


@pytest.mark.parametrize("text, message", [
    ("conv_layer_params: &x 1\nconv_output_size: *x\n", "answers.yaml:1: YAML anchors and aliases"),
    ("conv_layer_params: 1\nconv_output_size: [1\n", "answers.yaml:3: YAML syntax error"),
    ("!!python/object/apply:os.system\n  args: [echo hi]\n", "answers.yaml:1: unsupported YAML tag"),
])
def test_a_broken_file_scores_zero_on_every_question(course, assignment, tmp_path, text, message):
    """Does an unreadable answers.yaml give every question 0, UNGRADABLE, with the file's line?"""
    (tmp_path / "answers.yaml").write_text(text)
    graded = cases(course, assignment, tmp_path)
    assert {(c.status, c.score) for c in graded.values()} == {(Status.UNGRADABLE, 0.0)}
    assert all(c.message.startswith(message) and c.message.endswith("(no answer in answers.yaml could be read)")
               for c in graded.values())


def test_a_non_scalar_answer_costs_only_its_question(course, assignment, tmp_path):
    key = answer_key(course, assignment)
    (tmp_path / "answers.yaml").write_text(f"conv_layer_params: {{a: 1}}\nconv_output_size: {key['conv_output_size']}\n")
    graded = cases(course, assignment, tmp_path)
    assert graded["conv_layer_params"].status is Status.FAILED
    assert graded["conv_layer_params"].message.startswith("answers.yaml:1: conv_layer_params: expected a number")
    assert graded["conv_output_size"].status is Status.PASSED


def test_check_does_not_reveal_right_or_wrong(course, assignment, tmp_path):
    """Does `check` (visible_only) grade no question, and only say how many are answered?"""
    (tmp_path / "answers.yaml").write_text("conv_layer_params: 1\nnope: 2\n")
    results, notes = grade_questions(course, assignment, tmp_path, A, visible_only=True)
    assert results == ()
    assert notes == ("answers.yaml: 1 of 3 questions answered; answers are checked when your work is graded.\n"
                     "answers.yaml: conv_output_size: missing; add a line `conv_output_size: null` and replace null "
                     "by your answer: a whole number such as 280\n"
                     "answers.yaml: cnn_volume_shape: missing; add a line `cnn_volume_shape: null` and replace null "
                     "by your answer: a shape as a list of whole numbers such as [7, 7, 40]\n"
                     "answers.yaml:2: 'nope' is no question of this assignment (ignored); the questions are "
                     "conv_layer_params, conv_output_size, cnn_volume_shape",)


@pytest.mark.parametrize("text, line", [
    ("conv_layer_params: one hundred forty\n", "answers.yaml:1: conv_layer_params: expected a whole number such as "
                                               "280, got 'one hundred forty'"),
    ("conv_layer_params: 280\ncnn_volume_shape: 12 x 21\n", "answers.yaml:2: cnn_volume_shape: expected a shape of "
                                                           "3 whole numbers such as [7, 7, 40], got '12 x 21' (2 "
                                                           "numbers)"),
    ("cnn_volume_shape: [7, seven, 40]\n", "answers.yaml:1: cnn_volume_shape: expected a shape as a list of whole "
                                           "numbers such as [7, 7, 40], got [7, 'seven', 40]"),
])
def test_check_points_out_an_answer_of_the_wrong_form_with_its_line(course, assignment, tmp_path, text, line):
    """Does `check` say where an answer is not of the form asked (a word for a number, two numbers for a shape of
    three) and what is expected, without saying whether any answer is right?"""
    (tmp_path / "answers.yaml").write_text(text)
    _, (note,) = grade_questions(course, assignment, tmp_path, A, visible_only=True)
    assert line in note.splitlines()
    assert "correct" not in note and "is not the answer" not in note


def test_a_right_form_is_no_problem_and_null_is_not_answered_yet(course, assignment, tmp_path):
    (tmp_path / "answers.yaml").write_text("conv_layer_params: 12\nconv_output_size: null\ncnn_volume_shape: 7 x 7 x 4\n")
    _, (note,) = grade_questions(course, assignment, tmp_path, A, visible_only=True)
    assert note == "answers.yaml: 2 of 3 questions answered; answers are checked when your work is graded."


def test_a_broken_question_is_a_grader_error(course, assignment, tmp_path):
    """Does a param range giving invalid geometry (the course's bug) give GRADER_ERROR with the details for staff?"""
    question = assignment.questions[1]
    broken = replace(question, params=tuple((n, Const(99) if n == "f" else e) for n, e in question.params))
    graded = cases(course, replace(assignment, questions=(broken,)), tmp_path)
    result = graded[question.id]
    assert (result.status, result.score) == (Status.GRADER_ERROR, 0.0)
    assert "output_size raised ValueError: filter size f=99 is larger" in result.staff
