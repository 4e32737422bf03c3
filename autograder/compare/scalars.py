"""Python and NumPy scalars: ints, floats, booleans, strings, None."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograder.compare.mismatch import Mismatch, describe
from autograder.spec import Comparison


def _is_int(value: Any) -> bool:
    return (type(value) is int) or isinstance(value, np.integer)


def _is_real(value: Any) -> bool:
    return _is_int(value) or type(value) is float or isinstance(value, np.floating)


def compare_scalar(got: Any, expected: Any, rule: Comparison, path: str = "") -> Mismatch | None:
    at = f"at {path}: " if path else ""
    if type(expected) is bool or isinstance(expected, np.bool_):
        if not (type(got) is bool or isinstance(got, np.bool_)):
            return Mismatch(f"{at}expected a bool, got {describe(got)}", kind="type")
        return None if bool(got) == bool(expected) else Mismatch(f"{at}got {bool(got)}, expected {bool(expected)}")
    if _is_int(expected):
        if not _is_int(got):
            hint = " (use integer arithmetic, e.g. //, or int(...))" if _is_real(got) else ""
            return Mismatch(f"{at}expected an int, got {describe(got)}{hint}", kind="type")
        return None if int(got) == int(expected) else Mismatch(f"{at}got {int(got)}, expected {int(expected)}")
    if _is_real(expected):
        if not _is_real(got) or type(got) is bool:
            return Mismatch(f"{at}expected a float, got {describe(got)}", kind="type")
        try:
            value = float(got)
        except OverflowError:
            return Mismatch(f"{at}got an int too large for a float, expected {expected!r}")
        return _compare_real(value, float(expected), rule, at)
    if isinstance(expected, str) or expected is None:
        if type(got) is not type(expected):
            return Mismatch(f"{at}expected {describe(expected)}, got {describe(got)}", kind="type")
        return None if got == expected else Mismatch(f"{at}got {got!r}, expected {expected!r}")
    return Mismatch(f"{at}cannot compare with expected {describe(expected)}")


def _compare_real(got: float, expected: float, rule: Comparison, at: str) -> Mismatch | None:
    if math.isnan(got):
        return Mismatch(f"{at}got NaN, expected {expected!r}", kind="nan")
    if math.isinf(got) or math.isinf(expected):
        return None if got == expected else Mismatch(f"{at}got {got!r}, expected {expected!r}")
    difference = abs(got - expected)
    if difference <= rule.atol + rule.rtol * abs(expected):
        return None
    return Mismatch(f"{at}got {got!r}, expected {expected!r} (difference {difference:.3g}, "
                    f"allowed {rule.atol + rule.rtol * abs(expected):.3g})")
