"""The host's placing of arguments in the worker's arena (autograder/sandbox/arguments.py)."""
from __future__ import annotations

import numpy as np

from autograder.codec import TensorData
from autograder.sandbox import arguments


def test_the_kits_tensors_travel_in_the_arena_as_real_tensors_do():
    """Is a CPU `TensorData` (the student kit's tensors, never torch on the host) placed in the arena with its torch
    dtype, as a real tensor is, so that the kit's check sees in-place changes and times speed cases as grading does;
    and does `like` give fresh values back as a TensorData of the same dtype and device?"""
    tensor = TensorData(np.arange(6, dtype=np.float32).reshape(2, 3), "float32", "cpu")
    array, meta = arguments.placeable(tensor)
    assert array is tensor.array and meta == {"torch_dtype": "float32", "requires_grad": False}
    assert arguments.placeable(TensorData(tensor.array, "float32", "cuda:0")) is None
    fresh = arguments.like(tensor, np.ones((2, 3)))
    assert type(fresh) is TensorData and (fresh.dtype, fresh.device, fresh.array.dtype) == ("float32", "cpu",
                                                                                           np.float32)
