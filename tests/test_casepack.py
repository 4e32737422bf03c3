"""Does the case pack, the one format of the student kit and the notebooks, carry cases, expected values and the
known mistakes' outputs as plain data (never pickle), the same bytes for the same cases, and refuse what it
cannot read with a rebuild hint?"""
from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest

from autograder.casepack import (FORMAT, CasePack, CasePackError, MistakeOutput, PackedCase, PackedMistake, dumps,
                                 loads, mistake_runner)
from autograder.codec import TensorData


def _pack() -> CasePack:
    case = PackedCase(exercise="conv2d", name="small[0]", visible=True, max_score=0.25, weight=2.0,
                      args={"image": np.arange(6.0).reshape(2, 3), "kernel": [[1, 0], [0, 1]], "padding": 0},
                      expected=np.array([[4.0, 6.0]]), note="a note", device="cpu",
                      mistakes={"flipped": MistakeOutput(value=np.array([[5.0, 7.0]])),
                                "no_check": MistakeOutput(raises="ValueError")})
    return CasePack(cases=(case,), mistakes=(PackedMistake("conv2d", "flipped", "the kernel is flipped"),))


def test_a_pack_comes_back_as_it_went():
    [case] = loads(dumps(_pack())).cases
    assert (case.exercise, case.name, case.visible, case.max_score, case.weight, case.note, case.device) == \
        ("conv2d", "small[0]", True, 0.25, 2.0, "a note", "cpu")
    assert list(case.args) == ["image", "kernel", "padding"] and case.args["image"].dtype == np.float64
    assert np.array_equal(case.expected, [[4.0, 6.0]])
    assert np.array_equal(case.mistakes["flipped"].value, [[5.0, 7.0]])
    assert case.mistakes["no_check"] == MistakeOutput(raises="ValueError")
    assert loads(dumps(_pack())).mistakes == _pack().mistakes


def test_the_same_pack_gives_the_same_text_of_plain_json():
    assert dumps(_pack()) == dumps(_pack())
    data = json.loads(dumps(_pack()))
    assert data["format"] == FORMAT and data["mistakes"] == [{"exercise": "conv2d", "id": "flipped",
                                                               "message": "the kernel is flipped"}]


def test_tensors_stay_plain_data_unless_torch_is_asked_for():
    torch = pytest.importorskip("torch")
    x = torch.ones(1, 1, 2, 2, dtype=torch.float64)
    text = dumps(CasePack(cases=(PackedCase("f", "c", True, 1.0, args={"x": x}, expected=x),)))
    assert isinstance(loads(text).cases[0].args["x"], TensorData)
    assert isinstance(loads(text, tensors="torch").cases[0].args["x"], torch.Tensor)


def test_an_object_array_is_refused_never_unpickled():
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    data = json.loads(dumps(_pack()))
    data["cases"][0]["args"][0][1] = {"t": "ndarray", "npy": base64.b64encode(buffer.getvalue()).decode()}
    with pytest.raises(CasePackError, match="cannot be read .*was it edited"):
        loads(json.dumps(data))


@pytest.mark.parametrize("text, message", [("[1, 2]", "cannot be read"), ("{", "cannot be read"),
                                            ('{"format": 1}', "format 1, this autograder reads format 2: ask")])
def test_damaged_or_other_formats_say_what_to_do(text, message):
    with pytest.raises(CasePackError, match=message):
        loads(text, rebuild="ask for a new one")


def test_the_mistake_runner_answers_from_the_packed_outputs_by_the_cases_own_arguments():
    """Does diagnose's RunMistake find the output of a mistake on a case by that case's argument mapping, and
    'raise' for an unknown mistake or arguments of no packed case?"""
    [case] = _pack().cases
    run = mistake_runner([case])
    value, error = run("flipped", case.args)
    assert error is None and np.array_equal(value, [[5.0, 7.0]])
    assert run("no_check", case.args)[1] is not None
    assert run("unknown", case.args)[1] is not None and run("flipped", dict(case.args))[1] is not None
