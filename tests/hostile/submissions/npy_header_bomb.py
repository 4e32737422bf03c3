# module: shapes
# A red team (issue 21, the codec's own .npy header reader): shapes.py forbids nothing, so it is not scanned; its
# conv_param_count answers each of its calls itself, on the worker's response pipe, before the worker does: a
# well-formed result whose value is an array of a dtype with no bytes per item ('S0', 'V0') and a shape of 10**24
# elements, or 70 dimensions, or a zero-length axis beside huge ones, or a header of 3 MB. The headers passed the
# reader's checks (0 bytes claimed): the host built a 10 GB array (calloc: no memory touched until something reads
# it) or raised where only CodecError is expected; a 30 MB header cost the host 6 s per answer (np.load refuses
# headers over 10,000 bytes). Each is now a malformed answer: that case fails, nothing else.
import base64 as _base64
import json as _json
import os as _os
import sys as _sys

_reference = conv_param_count
_HEADERS = ("{'descr': 'S0', 'fortran_order': False, 'shape': (99999, 99999), }",
            "{'descr': 'V0', 'fortran_order': False, 'shape': (999999999999, 999999999999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 999999999999, 999999999999, 999999999999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "0, " * 70 + "), }",
            "{'descr': 'U0', 'fortran_order': False, 'shape': (99999, 99999), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (" + "1, " * 1_000_000 + "), }\n")


_LAST = ("conv_param_count/zero_filters", "conv_param_count/random_layer[5]")
"""The last visible and the last hidden case: the calls after them are other exercises'."""


def conv_param_count(f: int, in_channels: int, filters: int) -> int:
    header = _HEADERS[(f + in_channels + filters) % len(_HEADERS)].encode("latin1")
    npy = b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header
    key = _sys._getframe(1).f_locals.get("key")
    if key in _LAST:  # the worker's own answer, after a forged one, is read by the next call: keep that one ours
        return _reference(f, in_channels, filters)
    body = _json.dumps({"op": "result", "id": key, "kind": "returned", "changed": [], "forbidden": [],
                        "stdout": "", "value": {"t": "ndarray", "npy": _base64.b64encode(npy).decode()}}).encode()
    _os.write(4, f"{len(body):08x}".encode() + body)
    return _reference(f, in_channels, filters)
