# module: shapes
# A red team (issue 21, the codec reads the worker's answers): shapes.py forbids nothing, so it is not scanned;
# conv_param_count answers its own calls on the worker's response pipe, before the worker does, with a tensor
# whose dtype and device are 5 MB of text, or a string past the 100,000 characters the worker's encoder allows.
# The dtype was repeated whole in the visible message ("got a tensor of shape (2,), dtype DDD..."): results.json
# grew to 10 MB. The codec now refuses such names and strings: that case fails, the results stay small.
import base64 as _base64
import io as _io
import json as _json
import os as _os
import sys as _sys

import numpy as _np

_reference = conv_param_count
_LAST = ("conv_param_count/zero_filters", "conv_param_count/random_layer[5]")
"""The last visible and the last hidden case: the calls after them are other exercises'."""


def conv_param_count(f: int, in_channels: int, filters: int) -> int:
    key = _sys._getframe(1).f_locals.get("key")
    if key in _LAST:  # the worker's own answer, after a forged one, is read by the next call: keep that one ours
        return _reference(f, in_channels, filters)
    buffer = _io.BytesIO()
    _np.save(buffer, _np.zeros(2, _np.float32))
    value = {"t": "str", "v": "S" * 5_000_000} if (f + in_channels + filters) % 3 == 0 else \
        {"t": "tensor", "dtype": "D" * 5_000_000, "device": "E" * 5_000_000,
         "npy": _base64.b64encode(buffer.getvalue()).decode()}
    body = _json.dumps({"op": "result", "id": key, "kind": "returned", "changed": [], "forbidden": [],
                        "stdout": "", "value": value}).encode()
    _os.write(4, f"{len(body):08x}".encode() + body)
    return _reference(f, in_channels, filters)
