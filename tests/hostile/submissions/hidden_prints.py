# module: shapes
# Tries to read the hidden cases' inputs through what it prints and raises: output_size answers right but writes
# its arguments to the output (past sys.stdout, which is captured per call) and prints them; conv_param_count
# raises with its arguments in the message. Hidden cases must show none of it (staff keep it in run.json).
import os as _os
import sys as _sys

_output_size = output_size


def output_size(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    _os.write(1, f"LEAK output_size n={n} f={f} padding={padding} stride={stride}\n".encode())
    print(f"LEAK printed n={n} f={f} padding={padding} stride={stride}", file=_sys.__stdout__)
    print(f"LEAK printed n={n} f={f} padding={padding} stride={stride}")
    return _output_size(n, f, padding, stride)


def conv_param_count(f: int, in_channels: int, filters: int) -> int:
    raise RuntimeError(f"LEAK conv_param_count f={f} in_channels={in_channels} filters={filters}")
