# module: shapes
# A red team (issue 21, the codec's own .npy header reader): shapes.py forbids nothing, so it is not scanned; its
# conv_param_count answers each of its calls itself, on the worker's response pipe, before the worker does, with a
# value the host's codec must refuse: an array of a dtype with no bytes per item ('S0', 'V0', 'U0') and a shape of
# up to 10**24 elements, 70 dimensions, a zero-length axis beside huge ones, a header of 3 MB; a tensor whose dtype
# and device are 5 MB of text; a string past the 100,000 characters the worker's encoder allows. The headers passed
# the reader's checks (0 bytes claimed): the host built a 10 GB array (calloc: no memory touched until something
# reads it) or raised where only CodecError is expected; a 30 MB header cost the host 6 s per answer (np.load
# refuses headers over 10,000 bytes); the dtype was repeated whole in the visible message, and results.json grew
# to 10 MB. Each is now a malformed answer: that case fails, nothing else, and the results stay small.
import base64 as _base64
import io as _io
import json as _json
import os as _os
import sys as _sys

import numpy as _np

_reference = conv_param_count
_HEADERS = ("{'descr': 'S0', 'fortran_order': False, 'shape': (99999, 99999), }",
            "{'descr': 'V0', 'fortran_order': False, 'shape': (999999999999, 999999999999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 999999999999, 999999999999, 999999999999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "0, " * 70 + "), }",
            "{'descr': 'U0', 'fortran_order': False, 'shape': (99999, 99999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, " * 1_000_000 + "), }\n")
_LAST = ("conv_param_count/zero_filters", "conv_param_count/random_layer[5]")
"""The last visible and the last hidden case: the calls after them are other exercises'."""


def _npy(header):
    return b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header


def _forged(choice):
    if choice < len(_HEADERS):
        return {"t": "ndarray", "npy": _base64.b64encode(_npy(_HEADERS[choice].encode("latin1"))).decode()}
    if choice == len(_HEADERS):
        return {"t": "str", "v": "S" * 5_000_000}
    buffer = _io.BytesIO()
    _np.save(buffer, _np.zeros(2, _np.float32))
    return {"t": "tensor", "dtype": "D" * 5_000_000, "device": "E" * 5_000_000,
            "npy": _base64.b64encode(buffer.getvalue()).decode()}


def conv_param_count(f: int, in_channels: int, filters: int) -> int:
    key = _sys._getframe(1).f_locals.get("key")
    if key in _LAST:  # the worker's own answer, after a forged one, is read by the next call: keep that one ours
        return _reference(f, in_channels, filters)
    value = _forged((f + in_channels + filters) % (len(_HEADERS) + 2))
    body = _json.dumps({"op": "result", "id": key, "kind": "returned", "changed": [], "forbidden": [],
                        "stdout": "", "value": value}).encode()
    _os.write(4, f"{len(body):08x}".encode() + body)
    return _reference(f, in_channels, filters)
