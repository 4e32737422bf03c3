# module: shapes
# Starts a child process and a double-forked grandchild (escaping the process group), then answers right.
import os as _os
import subprocess as _subprocess

_reference = cnn_output_shapes


def cnn_output_shapes(input_shape, layers):
    _subprocess.Popen(["sleep", "{SLEEP}"], env={})
    if _os.fork() == 0:
        _os.setsid()
        if _os.fork() == 0:
            _os.chdir("/")
            _os.execvp("sleep", ["sleep", "{SLEEP}"])
        _os._exit(0)
    return _reference(input_shape, layers)
