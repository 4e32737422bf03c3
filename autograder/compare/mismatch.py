"""The result of a failed comparison and the short descriptions of values used in its messages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.codec import TensorData, Unsupported


@dataclass(frozen=True)
class Mismatch:
    summary: str
    """One sentence: what differed."""
    details: str = ""
    """A small table of differing elements, for visible cases."""
    kind: str = "value"
    """What differed: type, length, keys, shape, dtype, device, nan or value (hidden cases show only this)."""
    statistics: str = ""
    """For arrays: mismatched elements k / n and the largest absolute and relative differences, without
    the table (visible cases: its numbers are chosen by the returned value)."""
    wrong_fraction: float | None = None
    """For arrays: the share of elements that differ (0 to 1); None for other values."""
    largest: float | None = None
    """For arrays: the largest absolute difference among them (inf where none is finite); None for other values.
    A hidden case shows these two only in a few fixed categories (verdict.hidden_summary)."""


def describe(value: Any) -> str:
    """A short, safe description of a decoded value: its type and, for small scalars, the value."""
    if value is None:
        return "None"
    if isinstance(value, Unsupported):
        return f"an unsupported {value.type_name}"
    if isinstance(value, TensorData):
        return f"a tensor of shape {value.shape}, dtype {value.dtype}, on {value.device}"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (bool, int, float, np.generic)):
        return f"{type(value).__name__} {value!r}"
    if isinstance(value, str):
        return f"str {value[:60]!r}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))[:8]}"
    return type(value).__name__
