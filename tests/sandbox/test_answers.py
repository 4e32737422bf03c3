"""Reading the worker's answers (autograder/sandbox/answers.py): is every field of a forged or malformed answer
checked, bounded, and refused as a broken protocol rather than believed or crashing the grader?"""
from __future__ import annotations

import pytest

from autograder.sandbox import answers
from autograder.sandbox.process import ProtocolBreak
from autograder.sandbox.protocol import Call, OutcomeKind

CALL = Call(key="f/case", exercise="f", module="m", function="f", args={"x": 1, "y": 2},
            forbidden=("numpy.convolve",))


@pytest.mark.parametrize("answer", [
    {"kind": "returned"},                                       # no value
    {"kind": "raised", "error": "boom"},                         # an exception without its description
    {"kind": "done"},                                            # a kind the protocol does not have
    {"kind": "returned", "value": {"t": "none"}, "changed": "x"},  # a list that is not a list
])
def test_a_malformed_answer_is_a_broken_protocol(answer):
    with pytest.raises(ProtocolBreak):
        answers.outcome(answer, CALL, [], 0.0)


def test_a_value_the_codec_refuses_is_the_students_error():
    """An undecodable value is an error of the student's code ("the returned value could not be read")."""
    outcome = answers.outcome({"kind": "returned", "value": {"t": "int", "v": "9" * 5000}}, CALL, [], 0.0)
    assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "ReturnValueError"


def test_texts_are_cut_and_names_kept_from_a_fixed_vocabulary():
    answer = {"kind": "raised", "stdout": "p" * 10**6,
              "error": {"type": "E" * 10**4, "message": "m" * 10**5, "traceback": "t" * 10**5, "mro": ["A"] * 999},
              "changed": ["x", "secret"], "forbidden": ["numpy.convolve", "image=[[1, 2]]"]}
    outcome = answers.outcome(answer, CALL, ["y"], 0.0)
    assert len(outcome.stdout) == 8000 and len(outcome.error_type) == 200 and len(outcome.message) == 2000
    assert len(outcome.error_mro) == 20
    assert outcome.mutated == ("y", "x") and outcome.forbidden == ("numpy.convolve",)
    unknown = answers.outcome({**answer, "forbidden": ["image=[[1, 2]]"]}, CALL, [], 0.0)
    assert unknown.forbidden == ("a forbidden API",)


def test_an_import_answer_for_another_module_is_refused():
    with pytest.raises(ProtocolBreak):
        answers.module_load("m", {"module": "other", "ok": True, "functions": {}})
    load = answers.module_load("m", {"module": "m", "ok": False, "error": {"location": ["m.py", "nine"],
                                                                          "type": "SyntaxError", "message": "x"}})
    assert not load.ok and "(m.py)" in load.message  # a location that is not (file, line) is not shown
