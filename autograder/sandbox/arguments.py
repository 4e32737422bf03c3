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
