"""Do a test cell's cases survive the trip as text (the student kit's case pack, compressed), without pickle, and is
damaged text refused clearly?"""
from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import pytest

from autograder.codec import TensorData
from autograder.nbgrader.payload import LINE, PackedCase, PayloadError, pack, unpack


def _case(**changes) -> PackedCase:
    fields = dict(exercise="conv2d", name="small[0]", visible=True, max_score=0.3846,
                  args={"image": np.arange(6.0).reshape(2, 3), "kernel": [[1, 0], [0, 1]], "padding": 0},
                  expected=np.array([[4.0, 6.0]]), note="a note")
    return PackedCase(**{**fields, **changes})


def test_cases_come_back_with_their_values():
    [back] = unpack(pack([_case()])).cases
    assert (back.exercise, back.name, back.visible, back.max_score, back.note) == ("conv2d", "small[0]", True,
                                                                                   0.3846, "a note")
    assert np.array_equal(back.args["image"], np.arange(6.0).reshape(2, 3)) and back.args["image"].dtype == np.float64
    assert back.args["kernel"] == [[1, 0], [0, 1]] and back.args["padding"] == 0
    assert list(back.args) == ["image", "kernel", "padding"]
    assert np.array_equal(back.expected, [[4.0, 6.0]]) and back.raises is None


def test_an_expected_exception_is_carried_by_name():
    [back] = unpack(pack([_case(expected=None, raises="ValueError")])).cases
    assert back.raises == "ValueError" and back.expected is None


def test_tensors_are_torch_tensors_as_arguments_and_tensor_data_as_expected_values():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    x = torch.ones(1, 1, 2, 2, dtype=torch.float64)
    [back] = unpack(pack([_case(args={"x": x}, expected=x * 2)])).cases
    assert isinstance(back.args["x"], torch.Tensor) and back.args["x"].dtype == torch.float64
    assert isinstance(back.expected, TensorData) and back.expected.dtype == "float64"


def test_the_text_is_deterministic_base64_lines_of_json():
    text = pack([_case(), _case(name="small[1]", visible=False)])
    assert text == pack([_case(), _case(name="small[1]", visible=False)])
    assert all(len(line) <= LINE for line in text.splitlines())
    data = json.loads(zlib.decompress(base64.b64decode("".join(text.split()))))
    assert data["format"] == 2 and [c["name"] for c in data["cases"]] == ["small[0]", "small[1]"]


def test_an_object_array_is_never_unpickled():
    evil = {"format": 2, "mistakes": [], "cases": [{
        "exercise": "e", "name": "n", "visible": True, "max_score": 1.0, "weight": 1.0, "note": None, "raises": None,
        "device": None, "twin": None, "mistakes": [], "expected": {"t": "none"},
        "args": [["x", {"t": "ndarray", "npy": base64.b64encode(_object_npy()).decode()}]]}]}
    text = base64.b64encode(zlib.compress(json.dumps(evil).encode())).decode()
    with pytest.raises(PayloadError, match="the test cell's case data cannot be read"):
        unpack(text)


def _object_npy() -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    return buffer.getvalue()


@pytest.mark.parametrize("text", ["not base64 !", base64.b64encode(b"not zlib").decode(),
                                  base64.b64encode(zlib.compress(b"[1, 2]")).decode()])
def test_damaged_text_says_to_rebuild(text):
    with pytest.raises(PayloadError, match=r"was the cell edited\? Rebuild it with `autograder nbgrader build`"):
        unpack(text)


def test_another_format_says_to_rebuild():
    text = base64.b64encode(zlib.compress(json.dumps({"format": 99, "cases": []}).encode())).decode()
    with pytest.raises(PayloadError, match=r"case data of format 99, this autograder reads format 2: rebuild"):
        unpack(text)
