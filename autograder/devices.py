"""Which devices the grading machine has, as the grader (host side) sees them.

Asked once per grader process. The check initialises CUDA in the grader only; workers are forked by the warm
pool's server, which never touches CUDA (a process that has cannot fork a working CUDA child).
"""
from __future__ import annotations

import functools
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

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
        return Cuda(False, "CUDA is turned off on this machine (AUTOGRADER_CUDA=0)")
    if _cpu_only_build():  # what torch would say, without the second its import takes
        return Cuda(False, f"this machine has no GPU for these cases ({CPU_ONLY})")
    try:
        import torch
    except ImportError:
        return Cuda(False, "PyTorch is not installed on this machine")
    if not torch.cuda.is_available():
        build = CPU_ONLY if torch.version.cuda is None else "no CUDA device"
        return Cuda(False, f"this machine has no GPU for these cases ({build})")
    return Cuda(True, torch.cuda.get_device_name(0))


CPU_ONLY = "a CPU-only build of PyTorch"
_NO_BUILD = re.compile(r"^(cuda|hip)(: Optional\[str\])? = None$", re.MULTILINE)


def _cpu_only_build() -> bool:
    """Whether the installed torch is built without CUDA and ROCm, read from its `torch/version.py` without
    importing torch (`autograder check` in the student kit never needs torch in the grader's process). Any doubt
    (no torch, another layout) answers False, and torch is asked."""
    try:
        spec = importlib.util.find_spec("torch")
        folders = list(spec.submodule_search_locations or ()) if spec is not None else []
        text = (Path(folders[0]) / "version.py").read_text(encoding="utf-8") if folders else ""
    except (ImportError, OSError, ValueError):
        return False
    return len(_NO_BUILD.findall(text)) == 2


def resolve(device: str | None) -> str | None:
    """A case's device as the worker takes it: "auto" becomes "cuda" where CUDA is available, else "cpu"."""
    if device == "auto":
        return "cuda" if cuda().available else "cpu"
    return device
