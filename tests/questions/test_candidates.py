"""Variants that tell mistakes apart by construction (`distinguish:`): the draw retries deterministically until
every listed mistake gives a wrong answer, on the host (judged by the reference) and in the kit (a bitset)."""
from __future__ import annotations

import dataclasses

import pytest
import yaml

from autograder.questions.draw import draw, draw_all, judges
from autograder.questions.pool import (CANDIDATES, Accepted, Judge, accepted_bits, candidate_params, judge_params,
                                       tries)
from autograder.reference import ReferenceSolutions
from autograder.spec import Const, SpecError, load_course

from support import ASSIGNMENT, write_small_course

STUDENTS = [f"s{n:07d}" for n in range(300)]


def test_no_listed_mistake_passes_for_any_student(course, assignment):
    """For 300 students and the default variant, does every listed mistake give another answer than the
    reference, judged afresh (not by the Judge that drew them)?"""
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    assert all(q.distinguish for q in assignment.questions)
    for student in [None, *STUDENTS]:
        for variant in draw_all(course, assignment, student):
            verdict = judge_params(variant.question, variant.params, fresh)
            assert verdict.answer is not None and verdict.passing == (), (student, variant.params, verdict)


def test_the_common_mistakes_are_listed(assignment):
    """Does each question list the issue's common mistakes of its kind?"""
    listed = {q.id: {d.function for d in q.distinguish} for q in assignment.questions}
    assert {"conv_bias_forgotten", "conv_bias_per_weight", "conv_channels_forgotten"} <= listed["conv_layer_params"]
    assert {f"output_size_{m}" for m in ("ceil", "padding_once", "padding_ignored", "stride_ignored",
                                         "no_plus_one")} <= listed["conv_output_size"]
    assert {f"cnn_shapes_{m}" for m in ("ceil", "padding_once", "padding_ignored", "stride_ignored", "no_plus_one",
                                        "height_width_swapped", "channels_first")} <= listed["cnn_volume_shape"]


def test_a_mistake_that_passes_is_retried_away(course, assignment):
    """Would the plain draw have let `ceil` pass for some students, and does the retry give them other numbers?"""
    question = next(q for q in assignment.questions if q.id == "conv_output_size")
    plain = dataclasses.replace(question, distinguish=())
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    caught = 0
    for student in STUDENTS[:100]:
        params = draw(course.seed, assignment.id, plain, student).params
        if judge_params(question, params, fresh).passing:
            caught += 1
            assert draw_all(course, assignment, student)[1].params != params
    assert caught > 30  # the issue measured 60% for ceil alone


def test_the_kit_bitset_draws_what_the_host_draws(course, assignment):
    """Does the kit's stand-in (which candidates are accepted, as hex) give every student the host's numbers?"""
    judged = judges(course.seed, assignment)
    kit = {qid: Accepted.from_hex(accepted_bits(judge)) for qid, judge in judged.items()}
    for student in [None, *STUDENTS[:100]]:
        assert [v.params for v in draw_all(course, assignment, student, kit)] == \
            [v.params for v in draw_all(course, assignment, student)]
    assert len(accepted_bits(judged["conv_output_size"])) == CANDIDATES // 4
    with pytest.raises(ValueError, match="hex digits"):
        Accepted.from_hex("ff")


def test_the_draw_is_deterministic_and_pinned(course, assignment):
    """Same student and seed, same numbers: pinned, as answers.yaml of the reference relies on it; another
    seed (a new term) draws others."""
    assert [v.params for v in draw_all(course, assignment)][:2] == [{"n": 33, "f": 1, "c": 32},
                                                                  {"n": 26, "f": 7, "p": 3, "s": 2}]
    assert list(tries(721, ASSIGNMENT, "q", "alice"))[:3] == list(tries(721, ASSIGNMENT, "q", "alice"))[:3]
    assert candidate_params(course.seed, assignment.id, assignment.questions[0], 5) != \
        candidate_params(course.seed + 1, assignment.id, assignment.questions[0], 5)


def test_a_question_whose_ranges_cannot_is_refused_at_its_line(course, assignment):
    """With the stride fixed at 1, `stride_ignored` always passes: does the proof refuse the question at its
    `distinguish:` line, naming the mistake and its share, and does drawing say so instead of looping?"""
    from autograder.distinguish import prove

    question = next(q for q in assignment.questions if q.id == "conv_output_size")
    fixed = dataclasses.replace(question, params=tuple((n, Const(1) if n == "s" else e) for n, e in question.params))
    broken = dataclasses.replace(assignment, questions=(fixed,))
    proof = prove(course, broken, count=10)
    ((where, message),) = proof.problems
    assert where == str(question.distinguish[0].location) and where.startswith("assignments/l10_convolutions/"
                                                                               "assignment.yaml:")
    assert "only 0 of 4096 candidate variants" in message and "output_size_stride_ignored passes on 100%" in message
    judge = Judge(course.seed, assignment.id, fixed, ReferenceSolutions(assignment.solutions, assignment.id))
    from autograder.reference import ReferenceError_
    with pytest.raises(ReferenceError_, match="none of 4096 tries"):
        draw(course.seed, assignment.id, fixed, "alice", judge)


@pytest.mark.parametrize("listed, message", [
    (["output_size_cei"], "defines no top-level function 'output_size_cei' (did you mean 'output_size_ceil'?)"),
    (["conv_bias_forgotten"], "does not take 'n', 'padding', 'stride'"),
    (["output_size_ceil", "output_size_ceil"], "names a mistake listed already"),
])
def test_a_wrong_distinguish_entry_is_refused_at_load(tmp_path, listed, message):
    """Is a name that is no mistake, a mistake of another function or a repeat refused with file, line, key?"""
    root = write_small_course(tmp_path)
    path = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["questions"] = [{"id": "size", "title": "Size", "points": 1, "params": {"n": {"int": [8, 9]}},
                          "prompt": "n = {n}", "distinguish": listed,
                          "answer": {"function": "shapes.output_size", "args": {"n": "$n", "f": 3},
                                     "type": "integer"}}]
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    with pytest.raises(SpecError) as error:
        load_course(root)
    assert f"assignments/{ASSIGNMENT}/assignment.yaml:" in str(error.value) and "distinguish" in str(error.value)
    assert message in str(error.value)
