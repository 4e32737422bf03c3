# module: filters
# Announces a 4 GB answer on the response channel and sends a flood of newlines: the host must refuse it at once,
# without buffering it, and go on.
import os as _os

_reference = edge_kernels


def edge_kernels():
    for fd in (4, 5, 6, 7, 8, 9, 10):
        try:
            _os.write(fd, b"ffffffff" + b"\n" * 100_000)
        except OSError:
            pass
    return _reference()
