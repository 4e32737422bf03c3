# module: conv_torch
# A red team (issue 21, speed rounds read in place): the host reads a timed round's output through a mapping of
# the arena, a memfd whose other end the worker holds (fd 5). The function shrinks that file to nothing during
# the timed rounds: the host's mapping then reaches past the end of the file (a ValueError, or SIGBUS, which
# kills the grader, where the file shrinks after it was mapped). The arena is sealed against shrinking now: the
# truncation fails in the worker, and the function keeps its points.
import os as _os

_reference = conv2d_forward_torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    right = _reference(x, weight, bias, stride, padding)
    if x.shape[-1] >= 128 and not x.requires_grad:
        try:
            _os.ftruncate(5, 0)
        except OSError:
            pass
    return right
