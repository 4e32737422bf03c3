# module: shapes
# Tries to lift its case's deadline: a thread keeps writing "ready" messages (of the new and of the old protocol)
# on the response channel while the function sleeps far past its time limit.
import glob as _glob
import json as _json
import os as _os
import threading as _threading
import time as _time


def _fd():
    for path in _glob.glob("../*job.json"):
        try:
            return _json.load(open(path))["fds"]["response"]
        except (OSError, ValueError, KeyError):
            pass
    return 4


def _keep_saying_ready():
    fd = _fd()
    while True:
        for body in (b'{"op":"ready","pid":1}', b'{"event":"ready"}'):
            try:
                _os.write(fd, f"{len(body):08x}".encode() + body)
                _os.write(fd, body + b"\n")
            except OSError:
                return
        _time.sleep(0.05)


def output_size(n, f, padding=0, stride=1):
    _threading.Thread(target=_keep_saying_ready, daemon=True).start()
    _time.sleep(60)
    return 0
