"""The `questions:` key of assignment.yaml: what loads, and every way it can be wrong (file:line: key: message)."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.spec import Ref, SpecError, load_course

COURSE = 'code: X\ntitle: T\nterm: "1"\nseed: 7\nassignments: [hw]\n'
SPEC = "assignments/hw/assignment.yaml"
ASSIGNMENT = """\
id: hw
title: Homework
exercises:
  - id: add
    module: ops
    title: Add
    points: 1
    statement: Add.
    cases:
      - name: small
        args: {a: 1, b: 2}
questions:
  - id: sum_by_hand
    title: A sum
    points: 2
    params:
      a: {int: [1, 9]}
      b: {int: [1, 9]}
    prompt: "What is {a} + {b}? ({{not a placeholder}})"
    answer:
      function: ops.add
      args: {a: $a, b: [$b]}
      type: integer
      item: $a
"""
OPS = "def add(a, b=1):\n    return a + b\n\n\ndef pair(a):\n    return [a, a]\n"


def load(tmp_path: Path, assignment: str = ASSIGNMENT):
    (tmp_path / "course.yaml").write_text(COURSE)
    (tmp_path / "assignments" / "hw").mkdir(parents=True)
    (tmp_path / SPEC).write_text(assignment)
    (tmp_path / "solutions" / "hw").mkdir(parents=True)
    (tmp_path / "solutions" / "hw" / "ops.py").write_text(OPS)
    return load_course(tmp_path).assignment()


def error(tmp_path: Path, old: str, new: str) -> str:
    assert ASSIGNMENT.count(old) == 1, old
    with pytest.raises(SpecError) as caught:
        load(tmp_path, ASSIGNMENT.replace(old, new))
    return str(caught.value)


def test_a_question_loads_with_its_params_prompt_and_answer(tmp_path):
    """Does a question keep its fields, params in order, and its answer's call as value expressions?"""
    (q,) = load(tmp_path).questions
    assert (q.id, q.title, q.points, q.prompt) == ("sum_by_hand", "A sum", 2.0,
                                                   "What is {a} + {b}? ({{not a placeholder}})")
    assert [name for name, _ in q.params] == ["a", "b"]
    assert (q.answer.module, q.answer.function, q.answer.type) == ("ops", "add", "integer")
    (a, ref), (b, listed) = q.answer.args
    assert (a, ref.name, b, [r.name for r in listed.items]) == ("a", "a", "b", ["b"])
    assert isinstance(q.answer.item, Ref) and q.location.line == 13


def test_questions_are_optional(tmp_path):
    """Does an assignment without `questions:` load with none?"""
    assert load(tmp_path, ASSIGNMENT.split("questions:")[0]).questions == ()


@pytest.mark.parametrize("old, new, where, message", [
    ("{a} + {b}", "{a} + {c}", "19: questions[0] (sum_by_hand).prompt", "placeholder {c} names no param"),
    ("function: ops.add", "function: ops.sub", "21: questions[0] (sum_by_hand).answer.function",
     "defines no top-level function 'sub'"),
    ("function: ops.add", "function: add", "21: questions[0] (sum_by_hand).answer.function", "expected module.function"),
    ("function: ops.add", "function: nope.add", "21: questions[0] (sum_by_hand).answer.function", "no file"),
    ("type: integer", "type: matrix", "23: questions[0] (sum_by_hand).answer.type", "expected one of integer, shape"),
    ("item: $a", "item: 0", "24: questions[0] (sum_by_hand).answer.item", "expected an integer >= 1, got 0"),
    ("{a: $a, b: [$b]}", "{a: $z}", "22: questions[0] (sum_by_hand).answer.args.a", "unknown param '$z'"),
    ("{a: $a, b: [$b]}", "{c: $a}", "22: questions[0] (sum_by_hand).answer.args", "argument 'c'"),
    ("points: 2", "points: 0", "15: questions[0] (sum_by_hand).points", "expected a number > 0"),
    ("id: sum_by_hand", "id: Sum", "13: questions[0] (Sum).id", "a question id of lower-case letters"),
    ("    answer:", "    answr:", "20: questions[0] (sum_by_hand)", "unknown key 'answr'; did you mean 'answer'?"),
    ("      b: {int: [1, 9]}", "      b: {int: [$b, 9]}", "18: questions[0] (sum_by_hand).params.b",
     "param '$b' is used before it is drawn"),
])
def test_bad_questions_name_file_line_and_key(tmp_path, old, new, where, message):
    """Is each mistake in a question reported as `file:line: key: message`?"""
    text = error(tmp_path, old, new)
    assert text.startswith(f"{SPEC}:{where}"), text
    assert message in text, text


def test_duplicate_question_ids_are_refused(tmp_path):
    """Are two questions with one id refused at the second one's line?"""
    question = ASSIGNMENT[ASSIGNMENT.index("  - id: sum_by_hand"):]
    with pytest.raises(SpecError, match=r"assignment.yaml:25: questions\[1\] \(sum_by_hand\).id.*duplicate question id 'sum_by_hand' "
                                        r"\(first at line 13\)"):
        load(tmp_path, ASSIGNMENT + question)


def test_the_course_questions_cover_the_three_lecture_computations(assignment):
    """Does the real assignment ask the three hand computations of the lecture, with its points adding to 100?"""
    functions = {q.id: (q.answer.function, q.answer.type) for q in assignment.questions}
    assert functions == {"conv_layer_params": ("conv_param_count", "integer"),
                         "conv_output_size": ("output_size", "integer"),
                         "cnn_volume_shape": ("cnn_output_shapes", "shape")}
    assert sum(e.points for e in assignment.exercises) + sum(q.points for q in assignment.questions) == 100
