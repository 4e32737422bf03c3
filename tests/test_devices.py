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
    assert devices.cuda() == devices.Cuda(False, "CUDA is turned off on the grading machine (AUTOGRADER_CUDA=0)")
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
