"""Compare a student's value with the expected one: the first difference found, as a `Mismatch`.

The ladder follows the good graders: type → shape → dtype → device → NaN/Inf → values, each rung with one
"got … expected …" sentence. One tolerance rule everywhere (docs/assignment-format.md, "Tolerance"):
an element passes when |got − expected| ≤ atol + rtol·|expected|, and NaN in `got` never passes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from autograder.codec import TensorData, Unsupported
from autograder.compare.arrays import compare_array, compare_tensor
from autograder.compare.mismatch import Mismatch, describe
from autograder.compare.scalars import compare_scalar
from autograder.spec import Comparison

__all__ = ["Mismatch", "compare", "describe"]


def compare(got: Any, expected: Any, rule: Comparison, path: str = "") -> Mismatch | None:
    """None when `got` matches `expected` under `rule`, else the first difference found."""
    if isinstance(got, Unsupported):
        return Mismatch(f"{_at(path)}unsupported return type {got.type_name}: return plain Python values, "
                        "NumPy arrays or torch tensors", kind="type")
    if isinstance(expected, TensorData):
        return compare_tensor(got, expected, rule, path)
    if isinstance(expected, np.ndarray):
        return compare_array(got, expected, rule, path)
    if type(expected) in (list, tuple):
        return _compare_sequence(got, expected, rule, path)
    if type(expected) is dict:
        return _compare_mapping(got, expected, rule, path)
    return compare_scalar(got, expected, rule, path)


def _at(path: str) -> str:
    return f"at {path}: " if path else ""


def _compare_sequence(got: Any, expected: list | tuple, rule: Comparison, path: str) -> Mismatch | None:
    if type(got) not in (list, tuple):
        return Mismatch(f"{_at(path)}expected a {type(expected).__name__} of {len(expected)} items, "
                        f"got {describe(got)}", kind="type")
    if len(got) != len(expected):
        return Mismatch(f"{_at(path)}expected {len(expected)} items, got {len(got)}", kind="length")
    for index, (g, e) in enumerate(zip(got, expected)):
        mismatch = compare(g, e, rule, f"{path}[{index}]")
        if mismatch is not None:
            return mismatch
    return None


def _compare_mapping(got: Any, expected: dict, rule: Comparison, path: str) -> Mismatch | None:
    if type(got) is not dict:
        return Mismatch(f"{_at(path)}expected a dict with keys {sorted(map(str, expected))}, got {describe(got)}",
                        kind="type")
    missing = [k for k in expected if k not in got]
    extra = [k for k in got if k not in expected]
    if missing:
        return Mismatch(f"{_at(path)}missing key{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(repr(k) for k in missing)}", kind="keys")
    if extra:
        return Mismatch(f"{_at(path)}unexpected key{'s' if len(extra) > 1 else ''} "
                        f"{', '.join(repr(k) for k in extra)}", kind="keys")
    for key, value in expected.items():
        mismatch = compare(got[key], value, rule, f"{path}[{key!r}]")
        if mismatch is not None:
            return mismatch
    return None
