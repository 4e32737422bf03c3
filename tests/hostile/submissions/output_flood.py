# module: shapes
# Prints hundreds of megabytes (through print and straight to file descriptors 1 and 2), then answers right.
import os as _os

_reference = dense_param_count


def dense_param_count(height, width, channels, units):
    line = "spam " * 2000 + "\n"
    for _ in range(10_000):
        print(line, end="")
    for _ in range(15_000):
        _os.write(1, line.encode())
        _os.write(2, line.encode())
    return _reference(height, width, channels, units)
