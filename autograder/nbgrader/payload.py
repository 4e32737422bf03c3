"""An exercise's cases as text for a test cell: compressed JSON of codec values, never pickle.

The instructor side (`pack`) embeds the arguments of each case and the expected value computed from the
reference solution, so that a student's notebook can be checked without the solutions. The kernel side
(`unpack`) reads it back; arrays travel as `.npy` bytes read with `allow_pickle=False` (autograder.codec).
"""
from __future__ import annotations

import base64
import json
import textwrap
import zlib
from dataclasses import dataclass
from typing import Any

from autograder import codec

FORMAT = 1
"""Version of the layout below; a test cell built by another version is refused with a rebuild hint."""
LINE = 96
"""Characters per line of the base64 text in a cell."""


class PayloadError(ValueError):
    """Case data in a test cell that cannot be read."""


@dataclass(frozen=True, eq=False)
class PackedCase:
    """One case as a test cell carries it."""

    exercise: str
    name: str
    visible: bool
    max_score: float
    """The case's share of the exercise's points (autograder.scoring.shares over all its cases)."""
    args: dict[str, Any]
    """Keyword arguments of the call, as real values (tensors as torch tensors)."""
    expected: Any = None
    """The value the function must return (codec plain data: a tensor is `TensorData`)."""
    raises: str | None = None
    """The exception class name the call must raise instead."""
    note: str | None = None


def pack(cases: list[PackedCase]) -> str:
    """The cases as base64 lines; the same cases give the same text."""
    data = {"format": FORMAT, "cases": [_case_data(case) for case in cases]}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    compressed = zlib.compress(text.encode("utf-8"), 9)
    return "\n".join(textwrap.wrap(base64.b64encode(compressed).decode("ascii"), LINE))


def _case_data(case: PackedCase) -> dict[str, Any]:
    return {"exercise": case.exercise, "name": case.name, "visible": case.visible, "max_score": case.max_score,
            "note": case.note, "raises": case.raises, "expected": codec.encode(case.expected),
            "args": [[key, codec.encode(value)] for key, value in case.args.items()]}  # pairs: keep the order


def unpack(text: str) -> list[PackedCase]:
    """The cases of `pack`'s text, arguments rebuilt as real values (torch tensors for tensors)."""
    try:
        raw = zlib.decompress(base64.b64decode("".join(text.split()), validate=True))
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != FORMAT:
            raise PayloadError(f"case data of format {data.get('format')!r}, this autograder reads format "
                               f"{FORMAT}: rebuild the notebooks with `autograder nbgrader build`")
        return [PackedCase(exercise=str(item["exercise"]), name=str(item["name"]), visible=bool(item["visible"]),
                           max_score=float(item["max_score"]), note=item["note"], raises=item["raises"],
                           expected=codec.decode(item["expected"]),
                           args={str(key): codec.decode(value, tensors="torch") for key, value in item["args"]})
                for item in data["cases"]]
    except PayloadError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as error:
        raise PayloadError(f"the test cell's case data cannot be read ({type(error).__name__}: {error}); "
                           f"was the cell edited? Rebuild it with `autograder nbgrader build`") from None
