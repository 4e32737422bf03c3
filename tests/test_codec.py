"""The codec: every supported value survives dumps → loads, everything else becomes data, never code."""
from __future__ import annotations

import base64
import io
import json
import math

import numpy as np
import pytest
import torch

from autograder import codec
from autograder.codec import MAX_DEPTH, MAX_ITEMS, CodecError, TensorData, Unsupported


def round_trip(value, tensors: str = "data"):
    text = codec.dumps(value)
    json.loads(text)  # standard JSON: no NaN/Infinity literals
    return codec.loads(text, tensors=tensors)


def npy_text(array: np.ndarray, allow_pickle: bool = False) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def same_float(a: float, b: float) -> bool:
    """Equal including NaN and the sign of zero."""
    if math.isnan(a):
        return math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


# ---- plain Python values ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, True, False, 0, -1, 7, 2**64, -(2**64) - 1, 10**1000, "", "héllo\n\x00",
                                   [], (), {}, [1, "a", None], (1, (2, (3,)))])
def test_plain_values_round_trip_with_their_exact_type(value):
    """Do None, bool, int (huge ones too), str, list and tuple come back equal and of the very same type?"""
    again = round_trip(value)
    assert again == value
    assert type(again) is type(value)


def test_bool_stays_bool_and_int_stays_int():
    """Does True not come back as 1, nor 1 as True?"""
    assert round_trip(True) is True
    one = round_trip(1)
    assert one == 1 and type(one) is int


@pytest.mark.parametrize("value", [0.0, -0.0, 1.5, -1e-300, 5e-324, 1.7976931348623157e308, 0.1,
                                   math.nan, math.inf, -math.inf])
def test_floats_round_trip_bit_for_bit(value):
    """Do floats come back exactly, NaN and ±inf kept and -0.0 keeping its sign?"""
    again = round_trip(value)
    assert type(again) is float
    assert same_float(again, value)


def test_nested_containers_round_trip():
    """Does a dict of lists of tuples of dicts come back equal, with tuple and int keys kept?"""
    value = {"a": [1, (2.5, {"b": None})], 3: ("x", [True]), (1, 2): {"deep": [[[]]]}, None: 0, 1.5: "f"}
    again = round_trip(value)
    assert again == value
    assert type(again["a"][1]) is tuple
    assert list(again) == list(value)  # key order kept


def test_unsupported_dict_key_is_data():
    """Does a dict key of an unsupported type arrive as an Unsupported marker instead of failing?"""
    again = round_trip({frozenset({1}): 2})
    (key,) = again
    assert isinstance(key, Unsupported)
    assert again[key] == 2


# ---- NumPy -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    np.arange(12, dtype=np.float64).reshape(3, 4),
    np.linspace(-1, 1, 24, dtype=np.float32).reshape(2, 3, 4),
    np.array([1, -2, 3], dtype=np.int64),
    np.array([1, 2], dtype=np.int8),
    np.array([[1, 2]], dtype=np.uint8),
    np.array([True, False]),
    np.array([1 + 2j, 3 - 4j], dtype=np.complex128),
    np.array([0.5], dtype=np.float16),
    np.array(3.25),  # 0-d
    np.zeros((0,)),
    np.zeros((2, 0, 3), dtype=np.int32),
    np.array([np.nan, np.inf, -np.inf, -0.0]),
    np.asfortranarray(np.arange(6.0).reshape(2, 3)),
    np.arange(10.0)[::3],  # non-contiguous view
], ids=lambda a: f"{a.dtype}{a.shape}")
def test_arrays_round_trip_with_dtype_and_shape(array):
    """Does every plain-dtype array, 0-d and empty ones included, come back byte-equal with its dtype and shape?"""
    again = round_trip(array)
    assert type(again) is np.ndarray
    assert again.dtype == array.dtype and again.shape == array.shape
    assert np.array_equal(again, array, equal_nan=array.dtype.kind in "fc")
    assert np.ascontiguousarray(again).tobytes() == np.ascontiguousarray(array).tobytes()


@pytest.mark.parametrize("scalar", [np.float64(1.5), np.float32(-0.25), np.int64(-3), np.int8(7), np.uint16(9),
                                    np.bool_(True), np.complex64(1 - 1j), np.float64(np.nan), np.str_("ab")],
                         ids=lambda s: type(s).__name__)
def test_numpy_scalars_round_trip_as_numpy_scalars(scalar):
    """Does a NumPy scalar come back as a NumPy scalar of the same type, not as a 0-d array or a Python number?"""
    again = round_trip(scalar)
    assert type(again) is type(scalar)
    assert again == scalar or (np.isnan(scalar) and np.isnan(again))


def test_object_and_structured_arrays_are_unsupported():
    """Are object arrays and structured arrays turned into Unsupported rather than carried?"""
    objects = round_trip(np.array([1, "a"], dtype=object))
    structured = round_trip(np.zeros(2, dtype=[("a", "i4"), ("b", "f8")]))
    assert isinstance(objects, Unsupported) and "object" in objects.type_name
    assert isinstance(structured, Unsupported)


def test_decoding_arrays_builds_no_python_ast(monkeypatch):
    """Is an array's .npy header read without ast (np.load's literal_eval)? Under CPython 3.11 an AST built in one
    thread while another thread builds one can raise "AST constructor recursion depth mismatch": decoding answers
    beside a grading thread that parsed made cases grader errors (tests/hostile, threads)."""
    import ast

    def no_parse(*args, **kwargs):
        raise AssertionError("ast.parse called while decoding")

    payload = codec.encode({"a": np.arange(6.0).reshape(2, 3), "b": np.asfortranarray(np.ones((2, 2), np.int16))})
    monkeypatch.setattr(ast, "parse", no_parse)
    again = codec.decode(payload)
    assert np.array_equal(again["a"], np.arange(6.0).reshape(2, 3)) and again["b"].flags.f_contiguous
    assert again["a"].flags.writeable


@pytest.mark.parametrize("header", [
    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': __import__('os')}",
    "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (2,), }",
    "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
    "{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }",
    "{'shape': (2,), 'descr': '<f8', 'fortran_order': False, }",
    # a red team (issue 21): no bytes per element passed any shape; a zero-length axis hid huge ones
    "{'descr': 'S0', 'fortran_order': False, 'shape': (99999, 99999), }",
    "{'descr': 'V0', 'fortran_order': False, 'shape': (999999999999, 999999999999), }",
    "{'descr': 'U0', 'fortran_order': False, 'shape': (99999, 99999), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 999999999999, 999999999999, 999999999999), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "0, " * 70 + "), }",
], ids=["extra key", "structured", "objects", "order not a bool", "keys reordered", "S0 huge", "V0 huge", "U0 huge",
        "zero axis beside huge ones", "70 dimensions"])
def test_unexpected_npy_headers_are_refused(header):
    """Is a .npy header other than the one np.save writes for a plain dtype refused, naming the payload?"""
    body = header.encode("latin1")
    body += b" " * (-(len(body) + 11) % 64) + b"\n"
    raw = b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body + bytes(16)
    with pytest.raises(CodecError, match="array payload"):
        codec.decode({"t": "ndarray", "npy": base64.b64encode(raw).decode("ascii")})


def test_a_huge_npy_header_is_refused_before_it_is_read():
    """A header of megabytes (the worker's answers may be 64 MiB; reading a 30 MB one cost the host 6 s): is it
    refused by its length, as np.load's max_header_size did, without the regular expression reading it?"""
    body = ("{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, " * 400_000 + "), }\n").encode("latin1")
    raw = b"\x93NUMPY\x02\x00" + len(body).to_bytes(4, "little") + body
    with pytest.raises(CodecError, match=f"a .npy header of {len(body)} bytes"):
        codec.decode({"t": "ndarray", "npy": base64.b64encode(raw).decode("ascii")})
    legit = npy_text(np.zeros((1,) * 64, dtype=np.float32))  # np.save's longest plain header: still read
    assert codec.decode({"t": "ndarray", "npy": legit}).shape == (1,) * 64


# ---- torch -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tensor", [
    torch.arange(6, dtype=torch.float32).reshape(2, 3),
    torch.tensor([1.0, -2.5], dtype=torch.float64),
    torch.tensor([[1, 2], [3, 4]], dtype=torch.int64),
    torch.tensor([True, False]),
    torch.tensor(2.5),
    torch.zeros(0, 3),
    torch.arange(12.0).reshape(3, 4).t(),  # non-contiguous
], ids=lambda t: f"{t.dtype}{tuple(t.shape)}")
def test_tensors_arrive_as_tensor_data_on_the_host(tensor):
    """Does a tensor arrive as TensorData with torch's dtype name, its device, shape and values?"""
    again = round_trip(tensor)
    assert type(again) is TensorData
    assert again.dtype == str(tensor.dtype).removeprefix("torch.")
    assert again.device == "cpu" and again.requires_grad is False
    assert again.shape == tuple(tensor.shape)
    assert np.array_equal(again.array, tensor.numpy())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.bool, torch.bfloat16,
                                   torch.float16, torch.int32, torch.uint8])
def test_tensors_rebuild_as_real_tensors(dtype):
    """With tensors='torch', does a tensor come back with the same dtype, shape and values, bfloat16 included?"""
    tensor = (torch.arange(6).reshape(2, 3) % 2 == 0) if dtype is torch.bool else \
        (torch.arange(6).reshape(2, 3) * 1.25 - 2).to(dtype)
    again = round_trip(tensor, tensors="torch")
    assert type(again) is torch.Tensor
    assert again.dtype == dtype and again.shape == tensor.shape and again.device.type == "cpu"
    assert torch.equal(again, tensor)


def test_bfloat16_is_named_as_such_in_tensor_data():
    """Is a bfloat16 tensor's dtype kept as 'bfloat16' even though its values travel as float32?"""
    again = round_trip(torch.tensor([1.5, -0.5], dtype=torch.bfloat16))
    assert again.dtype == "bfloat16"
    assert again.array.dtype == np.float32
    assert again.array.tolist() == [1.5, -0.5]


def test_requires_grad_and_parameters_are_kept():
    """Do requires_grad and nn.Parameter survive as the requires_grad flag, in both decodings?"""
    grad = torch.ones(2, requires_grad=True)
    parameter = torch.nn.Parameter(torch.tensor([[1.0, 2.0]]))
    assert round_trip(grad).requires_grad is True
    data = round_trip(parameter)
    assert type(data) is TensorData and data.requires_grad is True and data.shape == (1, 2)
    rebuilt = round_trip(parameter, tensors="torch")
    assert rebuilt.requires_grad is True and torch.equal(rebuilt.detach(), parameter.detach())


def test_tensor_data_round_trips_as_itself():
    """Does a TensorData (as the host holds it) encode back to the same dtype, device, flag and values?"""
    data = TensorData(np.array([1.0, 2.0], dtype=np.float32), "float32", "cuda:0", True)
    again = round_trip(data)
    assert (again.dtype, again.device, again.requires_grad) == ("float32", "cuda:0", True)
    assert np.array_equal(again.array, data.array)


def test_unknown_torch_dtype_is_refused_when_rebuilding():
    """Is a message naming a torch attribute that is not a dtype refused with CodecError?"""
    message = json.dumps({"t": "tensor", "dtype": "nn", "device": "cpu", "npy": npy_text(np.zeros(2))})
    with pytest.raises(CodecError):
        codec.loads(message, tensors="torch")


# ---- exact types ----------------------------------------------------------------------------------------------

class Booby:
    """Every dunder a careless codec might call raises."""

    def _boom(self, *args, **kwargs):
        raise AssertionError("the codec called a method of the student's object")

    __repr__ = __str__ = __float__ = __int__ = __index__ = __eq__ = __hash__ = __bool__ = _boom
    __len__ = __iter__ = __getitem__ = __array__ = __reduce__ = __reduce_ex__ = _boom


class LyingFloat(Booby, float):
    pass


class LyingInt(Booby, int):
    pass


class LyingStr(Booby, str):
    pass


class LyingList(Booby, list):
    pass


class LyingDict(Booby, dict):
    pass


class LyingArray(np.ndarray):
    def __array_finalize__(self, obj):
        pass

    def __eq__(self, other):
        raise AssertionError("called")


class LyingTensor(torch.Tensor):
    pass


@pytest.mark.parametrize("value", [
    LyingFloat(1.0), LyingInt(3), LyingStr("x"), LyingList([1]), LyingDict(a=1),
    np.arange(3.0).view(LyingArray), np.ma.masked_array([1.0, 2.0]), np.zeros(2).view(np.recarray),
    torch.ones(2).as_subclass(LyingTensor), Booby(), object(), {1, 2}, b"bytes", 1 + 2j, len,
], ids=lambda v: type(v).__name__)
def test_subclasses_and_other_types_become_unsupported(value):
    """Does a subclass of a supported type (or any other type) become Unsupported, without any of its methods run?"""
    again = round_trip(value)
    assert isinstance(again, Unsupported)
    assert type(value).__name__ in again.type_name


def test_unsupported_names_the_type_with_its_module():
    """Does Unsupported say which type it was, module included, so the student can tell what to change?"""
    again = round_trip([LyingFloat(2.0)])
    assert isinstance(again[0], Unsupported)
    assert again[0].type_name.endswith(".LyingFloat") and again[0].type_name != "LyingFloat"
    assert repr(again[0]).startswith("<unsupported ")


# ---- hostile and malformed messages --------------------------------------------------------------------------

class WritesMarker:
    """Unpickling this would create a file: proof that code ran."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.mark.parametrize("tag", ["ndarray", "npscalar", "tensor"])
def test_pickle_disguised_as_npy_executes_nothing(tmp_path, tag):
    """Is an .npy payload holding a pickled object array refused with CodecError, without unpickling it?"""
    marker = tmp_path / "pwned"
    payload = npy_text(np.array([WritesMarker(str(marker))], dtype=object), allow_pickle=True)
    assert not marker.exists()
    message = {"t": tag, "npy": payload, "dtype": "float32", "device": "cpu"}
    for tensors in ("data", "torch"):
        with pytest.raises(CodecError):
            codec.loads(json.dumps(message), tensors=tensors)
    assert not marker.exists()


def test_raw_pickle_is_refused(tmp_path):
    """Is a bare pickle stream in an array payload refused with CodecError, without running it?"""
    import pickle

    marker = tmp_path / "pwned"
    payload = base64.b64encode(pickle.dumps(WritesMarker(str(marker)))).decode()
    with pytest.raises(CodecError):
        codec.loads(json.dumps({"t": "ndarray", "npy": payload}))
    assert not marker.exists()


@pytest.mark.parametrize("message", [
    {"t": "bool", "v": 1},
    {"t": "bool"},
    {"t": "int", "v": 3},
    {"t": "int", "v": "1" * 5001},
    {"t": "float", "v": 1.5},
    {"t": "float", "v": "1" * 65},
    {"t": "str", "v": 5},
    {"t": "list", "items": {"a": 1}},
    {"t": "tuple"},
    {"t": "dict", "items": [[{"t": "none"}]]},
    {"t": "dict", "items": [{"k": 1}]},
    {"t": "ndarray", "npy": "!!!not base64!!!"},
    {"t": "ndarray", "npy": 17},
    {"t": "ndarray", "npy": base64.b64encode(b"\x93NUMPY garbage").decode()},
    {"t": "npscalar", "npy": npy_text(np.zeros(2))},
    {"t": "tensor", "dtype": 1, "device": "cpu", "npy": npy_text(np.zeros(2))},
    {"t": "tensor", "dtype": "float32", "npy": npy_text(np.zeros(2))},
    # forged answers (a red team, issue 21): names of megabytes repeated in visible messages, a string past encode's cap
    {"t": "tensor", "dtype": "D" * 5_000_000, "device": "cpu", "npy": npy_text(np.zeros(2))},
    {"t": "tensor", "dtype": "float32", "device": "E" * 65, "npy": npy_text(np.zeros(2))},
    {"t": "str", "v": "S" * (codec.MAX_STRING + 1)},
    {"t": "pickle", "v": "x"},
    {"t": 3},
    {"v": 1},
    [1, 2],
    "none",
    {"t": "list", "items": [{"t": "nonsense"}]},
], ids=lambda m: json.dumps(m)[:40])
def test_malformed_messages_raise_codec_error(message):
    """Does every malformed or unknown message raise CodecError rather than return something?"""
    with pytest.raises(CodecError):
        codec.decode(message)


@pytest.mark.parametrize("message", [{"t": "int", "v": "abc"}, {"t": "float", "v": "abc"}])
def test_non_numeric_number_text_raises_codec_error(message):
    """Is a number whose text is not a number refused with CodecError like every other malformed value?"""
    with pytest.raises(CodecError):
        codec.decode(message)


def test_unhashable_tuple_key_raises_codec_error():
    """Is a dict key that cannot be hashed (a tuple holding a list) refused with CodecError?"""
    key = {"t": "tuple", "items": [{"t": "list", "items": []}]}
    with pytest.raises(CodecError):
        codec.decode({"t": "dict", "items": [[key, {"t": "none"}]]})


def test_forged_huge_array_header_raises_codec_error():
    """Is an .npy header claiming an array far beyond MAX_ARRAY_BYTES refused with CodecError, not MemoryError?"""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)})
    message = {"t": "ndarray", "npy": base64.b64encode(buffer.getvalue()).decode()}
    try:
        codec.decode(message)
    except CodecError:
        return
    except MemoryError:
        pytest.fail("MemoryError escaped the codec")


# ---- limits ---------------------------------------------------------------------------------------------------

def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_up_to_max_depth_is_carried():
    """Does a value nested exactly MAX_DEPTH levels deep still round-trip?"""
    assert round_trip(nested(MAX_DEPTH)) == nested(MAX_DEPTH)


def test_nesting_beyond_max_depth_is_refused_both_ways():
    """Is one more level refused with CodecError by encode, and a deeper message refused by decode?"""
    with pytest.raises(CodecError, match="nested"):
        codec.dumps(nested(MAX_DEPTH + 1))
    message: dict = {"t": "none"}
    for _ in range(MAX_DEPTH + 5):
        message = {"t": "list", "items": [message]}
    with pytest.raises(CodecError):
        codec.decode(message)


def test_self_referencing_list_is_refused():
    """Does a list that contains itself end in CodecError instead of a RecursionError?"""
    loop: list = []
    loop.append(loop)
    with pytest.raises(CodecError):
        codec.dumps(loop)


def test_item_budget_counts_every_value():
    """Are at most MAX_ITEMS values encoded, the container counting as one of them?"""
    assert len(round_trip(list(range(MAX_ITEMS - 1)))) == MAX_ITEMS - 1
    with pytest.raises(CodecError, match="items"):
        codec.dumps(list(range(MAX_ITEMS)))
    with pytest.raises(CodecError):
        codec.dumps({i: [i] for i in range(MAX_ITEMS // 3 + 1)})


def test_too_long_string_is_refused():
    """Is a string longer than MAX_STRING refused with CodecError?"""
    assert round_trip("x" * codec.MAX_STRING) == "x" * codec.MAX_STRING
    with pytest.raises(CodecError):
        codec.dumps("x" * (codec.MAX_STRING + 1))


def test_too_large_array_is_refused(monkeypatch):
    """Is an array above MAX_ARRAY_BYTES refused with CodecError (limit lowered for the test)?"""
    monkeypatch.setattr(codec, "MAX_ARRAY_BYTES", 64)
    assert round_trip(np.zeros(8)).shape == (8,)
    with pytest.raises(CodecError):
        codec.dumps(np.zeros(9))
    with pytest.raises(CodecError):
        codec.dumps(torch.zeros(9, dtype=torch.float64))


def test_int_too_long_to_carry_raises_codec_error():
    """Is an int too long to write out refused with CodecError like other too-large values?"""
    with pytest.raises(CodecError):
        codec.dumps(10**4400)


def test_dumps_is_one_standard_json_line():
    """Is the message a single line of strict JSON even when it holds NaN and infinities?"""
    text = codec.dumps({"x": [math.nan, math.inf], "a": np.array([np.nan])})
    assert "\n" not in text
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard constant {name}"))


def _same_plain(a, b) -> None:
    """a and b are the same plain data: types, dtypes, memory orders, values; arrays owning their memory."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same_plain(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same_plain(a[key], b[key])
    elif isinstance(a, TensorData):
        assert (a.dtype, a.device, a.requires_grad) == (b.dtype, b.device, b.requires_grad)
        _same_plain(a.array, b.array)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
        assert (a.flags.c_contiguous, a.flags.f_contiguous) == (b.flags.c_contiguous, b.flags.f_contiguous)
        assert a.flags.owndata and a.flags.writeable and np.array_equal(a, b, equal_nan=True)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def test_plain_is_the_round_trip_without_the_text():
    """Does codec.plain (the host's own values: a reference's results) give exactly what decode(encode(v)) gives:
    the same types, dtypes (byte order included), memory orders and values, as copies that share nothing with v?"""
    base = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    values = [
        None, True, 3, 2.5, math.nan, "text", [1, (2, 3)], {"a": 1, 2: [3.0]},
        base, base[:, ::2], np.asfortranarray(base), base.T, np.zeros((0, 3), np.float32),
        np.arange(4, dtype=">i4"), np.float32(1.5), np.int64(7), np.array(3.0),
        np.array([1 + 2j]), np.array([True, False]), np.array([object()], dtype=object),
        torch.arange(6.0).reshape(2, 3), torch.ones(2, 3).t(), torch.ones(3, dtype=torch.bfloat16),
        torch.ones(2, requires_grad=True), torch.zeros(2, dtype=torch.int16),
        (base, {"t": torch.ones(1)}), object(), TensorData(np.ones(2), "float64", "cpu"),
    ]
    for value in values:
        got = codec.plain(value)
        _same_plain(got, codec.decode(codec.encode(value)))
        if isinstance(value, np.ndarray) and value.size and not value.dtype.hasobject:
            assert not np.shares_memory(got, value)
    tensor = torch.arange(4.0)
    copy = codec.plain(tensor)
    tensor[0] = 99.0
    assert copy.array[0] == 0.0


def test_plain_keeps_the_round_trips_limits(monkeypatch):
    """Is a value too large or too deep for the round trip refused by plain as well (CodecError)?"""
    monkeypatch.setattr(codec, "MAX_ARRAY_BYTES", 64)
    with pytest.raises(CodecError):
        codec.plain(np.zeros(9))
    nested: list = []
    for _ in range(codec.MAX_DEPTH + 2):
        nested = [nested]
    with pytest.raises(CodecError):
        codec.plain(nested)
