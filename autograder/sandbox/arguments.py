"""A call's inputs as the host sends them, and the host's own check that the function left them as they were.

NumPy arrays and CPU tensors (real ones, or the student kit's `TensorData`) at the top level of the arguments go into the worker's arena (wire.py): the worker
maps that memory, so an in-place change is visible to the host, which compares the bytes after the call without
asking the worker. Everything else (numbers, tuples, lists, dicts) travels as codec data; for those, and for
tensors a CUDA case copies to the GPU, only the worker can say whether they changed ("changed" in its answer),
which the student's code could hide: docs/security.md says so.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from autograder import codec
from autograder.sandbox import wire


def placeable(value: Any) -> tuple[np.ndarray, dict | None] | None:
    """(the values as a NumPy array, tensor metadata or None) for a value the arena carries; None otherwise."""
    if type(value) is np.ndarray and not value.dtype.hasobject and value.dtype.names is None:
        return value, None
    if type(value) is codec.TensorData and value.device == "cpu":  # the student kit's tensors, as plain data
        found = placeable(value.array)
        return None if found is None else (value.array, {"torch_dtype": value.dtype,
                                                        "requires_grad": bool(value.requires_grad)})
    torch = sys.modules.get("torch")
    if torch is not None and type(value) in (torch.Tensor, torch.nn.Parameter) and value.device.type == "cpu" \
            and value.layout == torch.strided and not value.is_quantized:
        data = value.detach()
        dtype = str(data.dtype).removeprefix("torch.")
        if data.dtype == torch.bfloat16:
            data = data.float()
        return data.numpy(), {"torch_dtype": dtype, "requires_grad": bool(value.requires_grad)}
    return None


def like(original: Any, values: np.ndarray) -> Any:
    """`values` in the form of `original` (a NumPy array, or a tensor of its dtype)."""
    if type(original) is np.ndarray:
        return values
    if type(original) is codec.TensorData:
        return codec.TensorData(values.astype(original.array.dtype), original.dtype, original.device,
                                original.requires_grad)
    import torch

    return torch.from_numpy(values).to(original.dtype)


def encode(arena: wire.Arena, args: dict[str, Any], device: str | None) -> tuple[dict, dict[str, tuple[dict, bytes]]]:
    """The request's `args`, and for each argument placed in the arena its place and bytes as sent (to compare
    after the call). On a CUDA case the worker copies tensors to the GPU, so the arena's copy is not the one the
    function sees: there, the check is the worker's."""
    encoded, placed = {}, {}
    for name, value in args.items():
        found = placeable(value)
        if found is None:
            encoded[name] = codec.encode(value)
            continue
        array, tensor = found
        place = arena.put(array)
        encoded[name] = {"t": "arena", "place": place, "tensor": tensor is not None, **(tensor or {})}
        if device in (None, "cpu"):
            placed[name] = (place, arena.read(place))
    return encoded, placed


def changed_in_place(arena: wire.Arena, placed: dict[str, tuple[dict, bytes]]) -> list[str]:
    """The arguments whose bytes in the arena differ from what was sent."""
    return [name for name, (place, sent) in placed.items() if arena.read(place) != sent]


def spill_slot(arena: wire.Arena, encoded: dict) -> dict | None:
    """A slot of the arena for the call's returned array, where its inputs there are large (codec.SPILL_BYTES):
    eight times their size, 1 MiB at least (a convolution's output is of the order of its input); None for a
    small call, whose answer carries its value as text."""
    total = sum(value["place"]["nbytes"] for value in encoded.values()
                if isinstance(value, dict) and value.get("t") == "arena")
    return arena.slot(max(8 * total, 1 << 20)) if total >= codec.SPILL_BYTES else None


def spilled(arena: wire.Arena, slot: dict):
    """codec.decode's `spilled` for a call offered `slot`: the array the worker says it put there, copied out; only
    its shape and dtype come from the worker (wire.array_from checks that they fit the slot), never a place, so it
    reads nothing but that slot; CodecError otherwise, once more than one array claims it."""
    read: list[bool] = []

    def load(described: dict) -> np.ndarray:
        if read:
            raise codec.CodecError("a second array in the arena's one slot")
        read.append(True)
        with wire.mapped(arena, slot) as memory:
            array = wire.array_from(memory, described) if isinstance(described, dict) else None
            if array is None or array.nbytes > codec.MAX_ARRAY_BYTES:
                raise codec.CodecError("an array in the arena that does not fit its slot")
            copied = array.copy()
            del array
        return copied

    return load
