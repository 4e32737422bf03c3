"""Which devices the grading machine has: the answer, the reason when CUDA is missing, and `auto`."""
from __future__ import annotations

import pytest

from autograder import devices


@pytest.fixture
def fresh():
    devices.cuda.cache_clear()
    yield
    devices.cuda.cache_clear()


def test_cuda_can_be_turned_off(monkeypatch, fresh):
    """Does AUTOGRADER_CUDA=0 hide CUDA, with a reason the skipped cases can show, and `auto` pick the CPU?"""
    monkeypatch.setenv("AUTOGRADER_CUDA", "0")
    assert devices.cuda() == devices.Cuda(False, "CUDA is turned off on this machine (AUTOGRADER_CUDA=0)")
    assert devices.resolve("auto") == "cpu"
    assert (devices.resolve("cuda"), devices.resolve("cpu"), devices.resolve(None)) == ("cuda", "cpu", None)


def test_the_answer_matches_torch(monkeypatch, fresh):
    """Does the grader see CUDA exactly where torch does, naming the device, or saying why not?"""
    import torch

    monkeypatch.delenv("AUTOGRADER_CUDA", raising=False)
    found = devices.cuda()
    assert found.available == torch.cuda.is_available()
    if found.available:
        assert found.reason == torch.cuda.get_device_name(0) and devices.resolve("auto") == "cuda"
    else:
        assert "no GPU" in found.reason and devices.resolve("auto") == "cpu"


def test_a_cpu_only_build_is_recognised_without_importing_torch(monkeypatch, fresh):
    """Is a CPU-only torch told from its version file, with the reason torch itself would give, and without
    importing torch (the student kit's `check` never imports it in the grader's process)?"""
    import subprocess
    import sys

    import torch

    monkeypatch.delenv("AUTOGRADER_CUDA", raising=False)
    assert devices._cpu_only_build() == (torch.version.cuda is None and torch.version.hip is None)
    if devices._cpu_only_build():
        assert devices.cuda() == devices.Cuda(False, "this machine has no GPU for these cases "
                                                     "(a CPU-only build of PyTorch)")
        code = "import sys; from autograder import devices; devices.cuda(); print('torch' in sys.modules)"
        assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout == "False\n"
