"""NumPy arrays and torch tensors: type, shape, dtype, device, NaN/Inf, then values elementwise."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from autograder.codec import TensorData
from autograder.compare.mismatch import Mismatch, describe
from autograder.spec import Comparison, DtypeRule

TABLE_ROWS = 5


def compare_array(got: Any, expected: np.ndarray, rule: Comparison, path: str = "") -> Mismatch | None:
    at = f"at {path}: " if path else ""
    if not isinstance(got, np.ndarray):
        hint = ""
        if isinstance(got, TensorData):
            hint = " (convert with .numpy(), or work with NumPy throughout)"
        elif type(got) in (list, tuple):
            hint = " (wrap it with np.array(...))"
        return Mismatch(f"{at}expected a NumPy array of shape {expected.shape}, got {describe(got)}{hint}",
                        kind="type")
    return _compare_values(got, expected, got.dtype, expected.dtype, rule, at)


def compare_tensor(got: Any, expected: TensorData, rule: Comparison, path: str = "") -> Mismatch | None:
    at = f"at {path}: " if path else ""
    if not isinstance(got, TensorData):
        hint = " (build the result with torch operations)" if isinstance(got, np.ndarray) else ""
        return Mismatch(f"{at}expected a torch tensor of shape {expected.shape}, got {describe(got)}{hint}",
                        kind="type")
    mismatch = _shape_and_dtype(got.array, expected.array, got.dtype, expected.dtype, rule, at)
    if mismatch is not None:
        return _and_values(mismatch, got.array, expected.array, got.dtype, expected.dtype, rule, at)
    if got.device != expected.device:
        return Mismatch(f"{at}expected a tensor on {expected.device}, got one on {got.device} "
                        "(create new tensors on x.device)", kind="device")
    return _compare_values(got.array, expected.array, got.dtype, expected.dtype, rule, at)


_KINDS = {"b": "boolean", "i": "integer", "u": "integer", "f": "floating", "c": "complex"}


def _kind(dtype_name: str) -> str:
    """NumPy's dtype kinds, named; torch-only names (bfloat16) are floating; anything else is its own kind."""
    name = dtype_name.removeprefix("torch.")
    if name == "bfloat16":
        return "floating"
    try:
        kind = np.dtype(name).kind
    except TypeError:
        return name
    return _KINDS.get(kind, f"other ({name})")


def _dtype_mismatch(got: Any, expected: Any, rule: DtypeRule) -> bool:
    if rule is DtypeRule.ANY:
        return False
    if rule is DtypeRule.EXACT:
        return str(got) != str(expected)
    return _kind(str(got)) != _kind(str(expected))


def _shape_and_dtype(got: np.ndarray, expected: np.ndarray, got_dtype: Any, expected_dtype: Any,
                     rule: Comparison, at: str) -> Mismatch | None:
    if got.shape != expected.shape:
        hint = ""
        if sorted(got.shape) == sorted(expected.shape):
            hint = " (same sizes in another order: are the axes swapped?)"
        return Mismatch(f"{at}shape {got.shape} differs from the expected {expected.shape}{hint}", kind="shape")
    if _dtype_mismatch(got_dtype, expected_dtype, rule.dtype):
        return Mismatch(f"{at}dtype {got_dtype} differs from the expected {expected_dtype}", kind="dtype")
    if got.dtype.kind not in "biufc":
        return Mismatch(f"{at}dtype {got_dtype} is not numeric", kind="dtype")
    return None


def _compare_values(got: np.ndarray, expected: np.ndarray, got_dtype: Any, expected_dtype: Any,
                    rule: Comparison, at: str) -> Mismatch | None:
    mismatch = _shape_and_dtype(got, expected, got_dtype, expected_dtype, rule, at)
    if mismatch is not None:
        return _and_values(mismatch, got, expected, got_dtype, expected_dtype, rule, at)
    if got.dtype.kind in "biu" and expected.dtype.kind in "biu":
        close = got == expected
    else:
        g = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
        e = expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
        close = np.isclose(g, e, rtol=rule.rtol, atol=rule.atol, equal_nan=False)
        nan = np.isnan(g)
        if nan.any():
            first = tuple(int(i) for i in np.argwhere(nan)[0])
            return Mismatch(f"{at}the result contains NaN at {int(nan.sum())} of {got.size} positions "
                            f"(first at index {first})", _table(got, expected, ~close), kind="nan",
                            statistics=_statistics(got, expected, ~close), **_extent(got, expected, ~close))
    if bool(np.all(close)):
        return None
    wrong = ~close
    count = int(wrong.sum())
    return Mismatch(f"{at}{count} of {got.size} elements differ beyond the tolerance "
                    f"(|got − expected| ≤ {rule.atol:g} + {rule.rtol:g}·|expected|)", _table(got, expected, wrong),
                    statistics=_statistics(got, expected, wrong), **_extent(got, expected, wrong))


def _and_values(mismatch: Mismatch, got: np.ndarray, expected: np.ndarray, got_dtype: Any, expected_dtype: Any,
                rule: Comparison, at: str) -> Mismatch:
    """A numeric dtype that differs also says whether the values are right, so that fixing the dtype is not
    followed by a second surprise: "the values are right" or what differs in them (with its table)."""
    if mismatch.kind != "dtype" or got.dtype.kind not in "biuf" or expected.dtype.kind not in "biuf":
        return mismatch
    values = _compare_values(got, expected, got_dtype, expected_dtype, replace(rule, dtype=DtypeRule.ANY), at)
    if values is None:
        return replace(mismatch, summary=f"{mismatch.summary}; the values are right (within the tolerance)")
    said = values.summary.removeprefix(at)
    return replace(mismatch, summary=f"{mismatch.summary}; the values are wrong too: {said}", details=values.details,
                   statistics=values.statistics)


def _table(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray) -> str:
    """pytest.approx-style summary: counts, largest differences, and the first differing elements."""
    rows = _rows(got, expected, wrong)
    return f"{_statistics(got, expected, wrong)}\n{rows}" if rows else _statistics(got, expected, wrong)


def _statistics(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray) -> str:
    """Mismatched elements k / n, and the largest absolute and relative differences among them."""
    g = got.astype(np.float64) if got.dtype.kind != "c" else got
    e = expected.astype(np.float64) if expected.dtype.kind != "c" else expected
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(g - e)
        relative = absolute / np.abs(e)
    finite = np.isfinite(absolute) & wrong
    lines = [f"Mismatched elements: {int(wrong.sum())} / {got.size} ({100 * wrong.sum() / max(got.size, 1):.1f}%)"]
    if finite.any():
        lines.append(f"Max absolute difference: {absolute[finite].max():.6g}")
        rel = relative[finite & np.isfinite(relative)]
        if rel.size:
            lines.append(f"Max relative difference: {rel.max():.6g}")
    return "\n".join(lines)


def _extent(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray) -> dict[str, float]:
    """Mismatch's wrong_fraction and largest (the largest finite absolute difference among the wrong elements,
    inf where none is finite)."""
    g = got.astype(np.float64) if got.dtype.kind != "c" else got
    e = expected.astype(np.float64) if expected.dtype.kind != "c" else expected
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        absolute = np.abs(g - e)
    finite = np.isfinite(absolute) & wrong
    return {"wrong_fraction": float(wrong.sum()) / max(got.size, 1),
            "largest": float(absolute[finite].max()) if finite.any() else float("inf")}


def _rows(got: np.ndarray, expected: np.ndarray, wrong: np.ndarray) -> str:
    """The index | got | expected table of the first differing elements."""
    lines: list[str] = []
    rows = [(str(tuple(int(i) for i in index)), _fmt(got[tuple(index)]), _fmt(expected[tuple(index)]))
            for index in np.argwhere(wrong)[:TABLE_ROWS]]
    if rows:
        widths = [max(len(r[c]) for r in rows + [("index", "got", "expected")]) for c in range(3)]
        header = ("index", "got", "expected")
        lines.append(" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        lines.extend(" | ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows)
        if wrong.sum() > TABLE_ROWS:
            lines.append(f"... and {int(wrong.sum()) - TABLE_ROWS} more")
    return "\n".join(lines)


def _fmt(value: Any) -> str:
    if isinstance(value, (np.floating, float)):
        return f"{float(value):.6g}"
    return str(value.item() if hasattr(value, "item") else value)
