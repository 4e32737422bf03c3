"""Which devices the grading machine has, as the grader (host side) sees them.

Asked once per grader process. The check initialises CUDA in the grader only; workers are forked by the warm
pool's server, which never touches CUDA (a process that has cannot fork a working CUDA child).
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

CUDA_DEVICE = "cuda:0"
"""Where `tensor.to("cuda")` puts a case's inputs, and so where its result must be."""


@dataclass(frozen=True)
class Cuda:
    available: bool
    reason: str
    """Why not, for the feedback of skipped cases; the device's name where available."""


@functools.lru_cache(maxsize=None)
def cuda() -> Cuda:
    """CUDA on this machine. AUTOGRADER_CUDA=0 hides it (a GPU machine grading as a CPU-only one would)."""
    if os.environ.get("AUTOGRADER_CUDA") == "0":
        return Cuda(False, "CUDA is turned off on the grading machine (AUTOGRADER_CUDA=0)")
    try:
        import torch
    except ImportError:
        return Cuda(False, "PyTorch is not installed on the grading machine")
    if not torch.cuda.is_available():
        build = "a CPU-only build of PyTorch" if torch.version.cuda is None else "no CUDA device"
        return Cuda(False, f"the grading machine has no GPU for these cases ({build})")
    return Cuda(True, torch.cuda.get_device_name(0))


def resolve(device: str | None) -> str | None:
    """A case's device as the worker takes it: "auto" becomes "cuda" where CUDA is available, else "cpu"."""
    if device == "auto":
        return "cuda" if cuda().available else "cpu"
    return device
