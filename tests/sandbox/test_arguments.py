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


def test_a_call_with_large_inputs_is_offered_a_slot_for_its_answer_and_a_small_one_is_not():
    """Inputs of at least codec.SPILL_BYTES in the arena: a slot of eight times their size (1 MiB at least) for the
    returned array; smaller ones: none (the answer carries the value as text)."""
    from autograder.sandbox import wire

    arena = wire.Arena()
    try:
        small, _ = arguments.encode(arena, {"x": np.ones(10)}, None)
        assert arguments.spill_slot(arena, small) is None
        large, _ = arguments.encode(arena, {"x": np.ones((256, 256)), "k": 3}, None)
        slot = arguments.spill_slot(arena, large)
        assert slot is not None and slot["nbytes"] == 8 * 256 * 256 * 8
    finally:
        arena.close()


def test_the_host_reads_only_its_slot_and_only_what_fits_it():
    """What comes back through the slot is read with the shape and dtype the worker claims, which must fit the slot
    (a claim of more is refused, CodecError); a second array claiming the slot is refused too; the array read is
    a copy, independent of the arena."""
    import pytest

    from autograder import codec
    from autograder.sandbox import wire

    arena = wire.Arena()
    try:
        slot = arena.slot(1 << 20)
        data = np.arange(1000, dtype=np.float32).reshape(10, 100)
        described = wire.fill(arena.fd, slot, data)
        load = arguments.spilled(arena, slot)
        got = load(described)
        assert got.dtype == np.float32 and np.array_equal(got, data)
        with pytest.raises(codec.CodecError):
            load(described)
        for forged in ({"shape": [1 << 20, 2], "dtype": "<f8"}, {"shape": [4], "dtype": "|O"}, {"shape": "x"}, []):
            with pytest.raises(codec.CodecError):
                arguments.spilled(arena, slot)(forged)
        wire.fill(arena.fd, slot, np.zeros(1000, np.float32))
        assert got.sum() == data.sum()
    finally:
        arena.close()
