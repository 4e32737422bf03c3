"""Values across the process boundary: JSON plus `.npy` bytes, never pickle.

This module is standalone (standard library and NumPy; torch only when a tensor is met) because the
sandbox copies it next to the worker, which must not import the `autograder` package. Decoding is strict:
only the plain types below come back, arrays are read with `allow_pickle=False`, and anything else a
student returns becomes `Unsupported` naming its type. Exact types are required (`type(x) is int`), so a
subclass with lying `__eq__` or `__float__` never reaches the grader's comparison.

    None, bool, int, float (nan/inf kept), str, list, tuple, dict, numpy.ndarray (non-object dtypes),
    NumPy scalars, torch.Tensor and torch.nn.Parameter (as `TensorData` on the host side)
"""
from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 100_000
MAX_STRING = 100_000
MAX_NAME = 64
"""A tensor's dtype and device names as the worker sends them ('float32', 'cuda:0')."""
MAX_ARRAY_BYTES = 256 * 1024 * 1024
MAX_INT_BITS = 4096
SPILL_BYTES = 64 * 1024
"""An array of at least this many bytes may travel in a slot of the sandbox's arena instead of as .npy text (the
`spill` of `encode`, the `spilled` of `decode`): a speed case's 2 MB output cost 15 ms through the text."""


class CodecError(ValueError):
    """The data is not something the codec carries (too deep, too large, malformed)."""


@dataclass(frozen=True, eq=False)
class TensorData:
    """A torch tensor as plain data: its values as a NumPy array plus torch's metadata."""

    array: np.ndarray
    dtype: str
    """torch dtype without the prefix: 'float32', 'bfloat16', ..."""
    device: str
    """'cpu', 'cuda:0', ..."""
    requires_grad: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    def __repr__(self) -> str:
        return f"tensor(shape={self.shape}, dtype={self.dtype}, device={self.device})"


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the grader does not accept back from a submission."""

    type_name: str

    def __repr__(self) -> str:
        return f"<unsupported {self.type_name}>"


def type_name(value: Any) -> str:
    """A readable, bounded name of `value`'s type that calls no method of the value."""
    cls = type(value)
    module = getattr(cls, "__module__", "?")
    name = getattr(cls, "__qualname__", getattr(cls, "__name__", "?"))
    text = name if module in ("builtins", None) else f"{module}.{name}"
    return str(text)[:200]


# ---- encoding ------------------------------------------------------------------------------------------------

class _Copied:
    """An array carried by `plain` instead of its .npy text: a copy, in the order np.save writes (Fortran only for
    an array contiguous that way alone), so that decoding gives what the text would have."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        fortran = array.flags.f_contiguous and not array.flags.c_contiguous
        self.array = np.array(array, order="F" if fortran else "C", copy=True)


def _npy_bytes(array: np.ndarray, copied: bool = False, spill=None) -> str | _Copied | dict:
    if copied:
        return _Copied(array)
    if spill is not None and array.nbytes >= SPILL_BYTES and array.dtype.kind in "biufc":
        place = spill(array)  # {"shape": ..., "dtype": ...} where the array went, or None
        if place is not None:
            return place
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _torch_types() -> tuple[type, ...]:
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return ()
    return (torch.Tensor, torch.nn.Parameter)


def plain(value: Any) -> Any:
    """`decode(encode(value))` without the .npy text between: every array copied instead (the host's own values, a
    reference's results: a speed case's 2 MB output cost 10 ms through the text, each grading). Same types, values,
    dtypes, memory orders and limits as the round trip."""
    return decode(encode(value, _copied=True), _copied=True)


def encode(value: Any, _depth: int = 0, _budget: list[int] | None = None, _copied: bool = False,
           spill=None) -> dict:
    """Turn a value into JSON-able data; unsupported values become {'t': 'unsupported'}. `spill(array)`, where
    given, may take a large array elsewhere (the worker's arena slot) and return its shape and dtype, which then
    stand for its .npy text."""
    budget = [MAX_ITEMS] if _budget is None else _budget
    budget[0] -= 1
    if budget[0] < 0:
        raise CodecError(f"value has more than {MAX_ITEMS} items")
    if _depth > MAX_DEPTH:
        raise CodecError(f"value is nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        if value.bit_length() > MAX_INT_BITS:
            raise CodecError(f"int with more than {MAX_INT_BITS} bits")
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is str:
        if len(value) > MAX_STRING:
            raise CodecError(f"string longer than {MAX_STRING} characters")
        return {"t": "str", "v": value}
    if kind in (list, tuple):
        return {"t": kind.__name__, "items": [encode(v, _depth + 1, budget, _copied, spill) for v in value]}
    if kind is dict:
        return {"t": "dict", "items": [[encode(k, _depth + 1, budget, _copied, spill),
                                        encode(v, _depth + 1, budget, _copied, spill)] for k, v in value.items()]}
    if kind is np.ndarray:
        if value.dtype.hasobject or value.dtype.names is not None:
            return {"t": "unsupported", "type": f"numpy.ndarray of dtype {value.dtype}"}
        if value.nbytes > MAX_ARRAY_BYTES:
            raise CodecError(f"array of {value.nbytes} bytes is larger than {MAX_ARRAY_BYTES}")
        return {"t": "ndarray", "npy": _npy_bytes(value, _copied, spill)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy" and not value.dtype.hasobject:
        return {"t": "npscalar", "npy": _npy_bytes(np.asarray(value), _copied)}
    if kind in _torch_types():
        return _encode_tensor(value, _copied, spill)
    if kind is TensorData:
        return {"t": "tensor", "dtype": value.dtype, "device": value.device,
                "requires_grad": value.requires_grad, "npy": _npy_bytes(value.array, _copied, spill)}
    return {"t": "unsupported", "type": type_name(value)}


def _encode_tensor(tensor: Any, copied: bool = False, spill=None) -> dict:
    import torch

    dtype = str(tensor.dtype).removeprefix("torch.")
    data = tensor.detach()
    if data.layout != torch.strided or data.is_quantized:
        return {"t": "unsupported", "type": f"torch.Tensor with layout {data.layout}"}
    if data.dtype == torch.bfloat16:
        data = data.float()
    array = data.cpu().numpy()
    if array.nbytes > MAX_ARRAY_BYTES:
        raise CodecError(f"tensor of {array.nbytes} bytes is larger than {MAX_ARRAY_BYTES}")
    return {"t": "tensor", "dtype": dtype, "device": str(tensor.device),
            "requires_grad": bool(tensor.requires_grad), "npy": _npy_bytes(array, copied, spill)}


# ---- decoding ------------------------------------------------------------------------------------------------

_NPY_MAGIC = b"\x93NUMPY"
_NPY_HEADER = re.compile(r"\{'descr': '([^'\\]{1,64})', 'fortran_order': (True|False), "
                         r"'shape': \(((?:\d{1,12}, ?)*(?:\d{1,12})?)\), \}[ ]*\n?\Z")
"""The header `np.save` writes, the only one read: a plain dtype string, the order, the shape."""
MAX_NPY_HEADER = 10_000
"""np.load's own cap (`max_header_size`): the regular expression is linear in the header, but a 30 MB header (the
worker's answers may be 64 MiB) cost the host 6 s per answer (tests/hostile/submissions/forged_answer_bombs.py)."""
MAX_NPY_DIMS = 64
"""NumPy's most dimensions: a header with more raised ValueError, a grader error, not a CodecError."""


def _load_npy(text: Any, copied: bool = False, spilled=None) -> np.ndarray:
    """Read .npy bytes, checking the header against the payload before anything is allocated.

    The header is read here, by a regular expression, not by NumPy: `np.load` parses it with `ast.literal_eval`,
    and under CPython 3.11 an AST built in one thread while another builds one can fail with "AST constructor
    recursion depth mismatch" (autograder/pyast.py): decoding answers while another grading thread parsed made
    cases grader errors. Only what `np.save` writes for a plain dtype is accepted. `copied`: `plain`'s array, a
    copy already. `spilled`: reads an array the other side put in its arena slot (a dict of its shape and dtype in
    place of the text), CodecError where it does not fit."""
    if copied and type(text) is _Copied:
        return text.array
    if spilled is not None and isinstance(text, dict):
        return spilled(text)
    if not isinstance(text, str):
        raise CodecError("array payload is not a string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError as error:
        raise CodecError(f"malformed array payload: {error}") from None
    if raw[:6] != _NPY_MAGIC or len(raw) < 10:
        raise CodecError("malformed array payload: not .npy bytes")
    major = raw[6]
    if major == 1:
        length, start = int.from_bytes(raw[8:10], "little"), 10
    elif major in (2, 3):
        length, start = int.from_bytes(raw[8:12], "little"), 12
    else:
        raise CodecError(f"malformed array payload: .npy version {major}")
    if length > MAX_NPY_HEADER:
        raise CodecError(f"malformed array payload: a .npy header of {length} bytes")
    try:
        header = raw[start:start + length].decode("utf-8" if major == 3 else "latin1")
    except UnicodeDecodeError:
        raise CodecError("malformed array payload: unreadable header") from None
    found = _NPY_HEADER.match(header) if len(header) == length else None
    if found is None:
        raise CodecError("malformed array payload: an unexpected .npy header")
    descr, fortran, dims = found.groups()
    try:
        dtype = np.dtype(descr)
    except (TypeError, ValueError) as error:
        raise CodecError(f"malformed array payload: {error}") from None
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise CodecError("array payload holds objects")
    if dtype.itemsize == 0:  # 'S0', 'V0', 'U0': a size of 0 bytes passed any shape (10**24 elements; 'S0' became
        raise CodecError(f"malformed array payload: dtype {descr} has no bytes per element")  # a 10 GB S1 array)
    shape = tuple(int(d) for d in dims.replace(" ", "").split(",") if d)
    count = int(np.prod(shape, dtype=object))
    size = dtype.itemsize * count
    # A zero-length axis makes the size 0 whatever the others are: bound them too (NumPy refuses a shape whose
    # other axes overflow its sizes with ValueError, which is not an answer's fault the host expects).
    span = dtype.itemsize * int(np.prod([max(d, 1) for d in shape], dtype=object))
    offset = start + length
    if len(shape) > MAX_NPY_DIMS or span > MAX_ARRAY_BYTES:
        raise CodecError(f"malformed array payload: a shape of {len(shape)} dimensions whose sizes pass the limit "
                         "or NumPy's")
    if size > MAX_ARRAY_BYTES or size > len(raw) - offset:
        raise CodecError(f"array header claims {size} bytes, more than the payload or the limit")
    if not size:
        return np.zeros(shape, dtype, order="F" if fortran == "True" else "C")
    flat = np.frombuffer(raw, dtype, count=count, offset=offset)
    if fortran == "True":
        return flat.reshape(shape[::-1]).T.copy(order="F")
    return flat.reshape(shape).copy()


def decode(data: Any, tensors: str = "data", _depth: int = 0, _copied: bool = False, spilled=None) -> Any:
    """Inverse of `encode`. tensors='data' gives `TensorData`; tensors='torch' builds real tensors. `spilled`:
    see `_load_npy`."""
    if _depth > MAX_DEPTH + 1:
        raise CodecError("value nested too deeply")
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        raise CodecError("malformed value")
    tag = data["t"]
    if tag == "none":
        return None
    if tag == "bool":
        if type(data.get("v")) is not bool:
            raise CodecError("malformed bool")
        return data["v"]
    if tag in ("int", "float"):
        text = data.get("v")
        if not isinstance(text, str) or len(text) > (1300 if tag == "int" else 64):
            raise CodecError(f"malformed {tag}")
        try:
            return int(text) if tag == "int" else float(text)
        except ValueError:
            raise CodecError(f"malformed {tag}: {text[:40]!r}") from None
    if tag == "str":
        if not isinstance(data.get("v"), str) or len(data["v"]) > MAX_STRING:  # encode's cap, on a forged answer too
            raise CodecError("malformed str")
        return data["v"]
    if tag in ("list", "tuple"):
        items = data.get("items")
        if not isinstance(items, list):
            raise CodecError(f"malformed {tag}")
        values = [decode(v, tensors, _depth + 1, _copied, spilled) for v in items]
        return values if tag == "list" else tuple(values)
    if tag == "dict":
        items = data.get("items")
        if not isinstance(items, list) or not all(isinstance(p, list) and len(p) == 2 for p in items):
            raise CodecError("malformed dict")
        result = {}
        for key, value in items:
            key = decode(key, tensors, _depth + 1, _copied, spilled)
            if type(key) not in (str, int, float, bool, tuple) and key is not None:
                key = Unsupported(f"dict key of type {type_name(key)}")
            try:
                result[key] = decode(value, tensors, _depth + 1, _copied, spilled)
            except TypeError:
                raise CodecError("unhashable dict key") from None
        return result
    if tag == "ndarray":
        return _load_npy(data.get("npy"), _copied, spilled)
    if tag == "npscalar":
        array = _load_npy(data.get("npy"), _copied)
        if array.ndim != 0:
            raise CodecError("malformed numpy scalar")
        return array[()]
    if tag == "tensor":
        dtype, device = data.get("dtype"), data.get("device")
        # Names, not text: a forged answer's 5 MB dtype was repeated whole in a visible message ("got a tensor of
        # ... dtype DDD..."), and results.json grew to 10 MB (tests/hostile/submissions/forged_answer_bombs.py).
        if not isinstance(dtype, str) or not isinstance(device, str) or len(dtype) > MAX_NAME or len(device) > MAX_NAME:
            raise CodecError("malformed tensor")
        array = _load_npy(data.get("npy"), _copied, spilled)
        if tensors == "torch":
            return _build_tensor(array, dtype, device, bool(data.get("requires_grad")))
        return TensorData(array, dtype, device, bool(data.get("requires_grad")))
    if tag == "unsupported":
        return Unsupported(str(data.get("type", "?"))[:200])
    raise CodecError(f"unknown value tag {tag!r}")


def _build_tensor(array: np.ndarray, dtype: str, device: str, requires_grad: bool) -> Any:
    import torch

    torch_dtype = getattr(torch, dtype, None)
    if not isinstance(torch_dtype, torch.dtype):
        raise CodecError(f"unknown torch dtype {dtype!r}")
    tensor = torch.from_numpy(np.ascontiguousarray(array)).to(device=device, dtype=torch_dtype)
    return tensor.requires_grad_(requires_grad) if requires_grad else tensor


def dumps(value: Any) -> str:
    """One JSON line; `json` is told to refuse NaN so that nothing non-standard is written."""
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


def loads(text: str, tensors: str = "data") -> Any:
    return decode(json.loads(text), tensors)

