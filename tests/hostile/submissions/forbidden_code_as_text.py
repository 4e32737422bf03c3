# module: conv_torch
# A red team (issue 21, round 4): code given as text to timeit, which compiles and runs it, so the scan never read
# it; the text switches off the worker's run-time guards (torch's private dispatch and function-mode switches) and
# calls F.conv2d. It kept 16 of 16 points; the scan now refuses timeit (and the other routines that run text or
# find objects by dotted names written as text: tests/sandbox/test_static.py).
import timeit as _timeit

_CODE = """
import torch
from torch.utils._python_dispatch import _disable_current_modes
with _disable_current_modes(), torch._C.DisableTorchFunction():
    box["out"] = torch.nn.functional.conv2d(box["x"], box["w"].to(box["x"].dtype), box["b"],
                                            stride=box["s"], padding=box["p"])
"""
_checked = conv2d_forward_torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    _checked(x, weight, bias, stride, padding)  # its ValueErrors
    box = {"x": x, "w": weight, "b": bias, "s": stride, "p": padding}
    _timeit.timeit(_CODE, number=1, globals={"box": box})
    return box["out"]
