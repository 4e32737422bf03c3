"""The case pack: cases with their expected values and the known mistakes' outputs, as data (JSON + `.npy`).

What a student's copy needs to check work without the reference solutions, in one format for every route:
the student kit writes it as `cases.json`, an nbgrader test cell carries the same document compressed to
base64 lines (autograder.nbgrader.payload). One packer (`dumps`), one reader (`loads`).

    {"format": 2,
     "mistakes": [{"exercise", "id", "message"}, ...],
     "cases": [{"exercise", "name", "visible", "max_score", "weight", "note", "raises", "device", "twin",
                "args": [[name, value], ...], "expected": value,
                "mistakes": [[mistake id, {"value": value} | {"raises": class name}], ...],
                "speed": null | {"baseline", "args", "max_ratio", "repeats", "hint"}}, ...]}

A speed case carries its speed rule (`speed`, absent in packs written before it: no rule), so that the kit's
`check` times it as grading does, against the same baseline. Every value is codec data (autograder.codec): plain JSON, arrays as `.npy` bytes read with
`allow_pickle=False`; nothing is ever unpickled. The same cases give the same bytes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from autograder import codec
from autograder.spec import SpeedSpec

FORMAT = 2
"""Version of the layout above; data of another version is refused with a rebuild hint."""


class CasePackError(ValueError):
    """Case data that cannot be read: damaged, edited, or written by another version."""


@dataclass(frozen=True)
class MistakeOutput:
    """What a known mistake gives on one case: a value (codec plain data) or the exception class it raises."""

    value: Any = None
    raises: str | None = None


@dataclass(frozen=True)
class PackedMistake:
    """A known mistake of an exercise, as the pack names it: its id and message, never its function or code."""

    exercise: str
    id: str
    message: str


@dataclass(frozen=True, eq=False)
class PackedCase:
    """One concrete case with what it must produce."""

    exercise: str
    name: str
    visible: bool
    max_score: float
    """The case's share of the exercise's points (autograder.scoring.shares over all its cases)."""
    args: dict[str, Any]
    """Keyword arguments of the call: real values, or with tensors="data" tensors as `TensorData`."""
    expected: Any = None
    """The value the function must return (codec plain data: a tensor is `TensorData`)."""
    raises: str | None = None
    """The exception class name the call must raise instead."""
    note: str | None = None
    weight: float = 1.0
    device: str | None = None
    """As autograder.cases.Case.device: None, "cpu", "cuda" or "auto"."""
    twin: str | None = None
    mistakes: dict[str, MistakeOutput] = field(default_factory=dict)
    """Known mistake id -> its output on this case."""
    speed: SpeedSpec | None = None
    """A speed case's rule (baseline, its positional arguments, the largest ratio), as grading applies it."""


@dataclass(frozen=True, eq=False)
class CasePack:
    cases: tuple[PackedCase, ...]
    mistakes: tuple[PackedMistake, ...] = ()


def dumps(pack: CasePack) -> str:
    """The pack as one JSON text; the same pack gives the same text."""
    data = {"format": FORMAT,
            "mistakes": [{"exercise": m.exercise, "id": m.id, "message": m.message}
                         for m in pack.mistakes],
            "cases": [_case_data(case) for case in pack.cases]}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _case_data(case: PackedCase) -> dict[str, Any]:
    return {"exercise": case.exercise, "name": case.name, "visible": case.visible, "max_score": case.max_score,
            "weight": case.weight, "note": case.note, "raises": case.raises, "device": case.device,
            "twin": case.twin, "expected": codec.encode(case.expected),
            "args": [[key, codec.encode(value)] for key, value in case.args.items()],  # pairs: keep the order
            "mistakes": [[mistake, {"raises": output.raises} if output.raises is not None
                          else {"value": codec.encode(output.value)}]
                         for mistake, output in case.mistakes.items()],
            "speed": None if case.speed is None else {
                "baseline": case.speed.baseline, "args": list(case.speed.args), "max_ratio": case.speed.max_ratio,
                "repeats": case.speed.repeats, "hint": case.speed.hint}}


def loads(text: str | bytes, tensors: str = "data", rebuild: str = "rebuild the student kit") -> CasePack:
    """The pack of `dumps`'s text. tensors="torch" builds real tensors for the arguments (a notebook's kernel);
    "data" keeps them as `TensorData` (a grader that never imports torch). `rebuild` says what to do when the
    text cannot be read."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise TypeError(f"a JSON {type(data).__name__}, not an object")
        if data.get("format") != FORMAT:
            raise CasePackError(f"case data of format {data.get('format')!r}, this autograder reads format "
                                f"{FORMAT}: {rebuild}")
        mistakes = tuple(PackedMistake(exercise=str(m["exercise"]), id=str(m["id"]), message=str(m["message"]))
                         for m in data["mistakes"])
        return CasePack(cases=tuple(_case(item, tensors) for item in data["cases"]), mistakes=mistakes)
    except CasePackError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CasePackError(f"the case data cannot be read ({type(error).__name__}: {error}); was it edited? "
                            f"{rebuild[:1].upper()}{rebuild[1:]}") from None


def _case(item: dict[str, Any], tensors: str) -> PackedCase:
    return PackedCase(
        exercise=str(item["exercise"]), name=str(item["name"]), visible=bool(item["visible"]),
        max_score=float(item["max_score"]), weight=float(item["weight"]), note=_optional(item["note"]),
        raises=_optional(item["raises"]), device=_optional(item["device"]), twin=_optional(item["twin"]),
        expected=codec.decode(item["expected"]),
        args={str(key): codec.decode(value, tensors=tensors) for key, value in item["args"]},
        mistakes={str(mistake): _mistake_output(output) for mistake, output in item["mistakes"]},
        speed=_speed(item.get("speed")))


def _speed(data: Any) -> SpeedSpec | None:
    if data is None:
        return None
    return SpeedSpec(baseline=str(data["baseline"]), args=tuple(str(a) for a in data["args"]),
                     max_ratio=float(data["max_ratio"]), repeats=int(data["repeats"]),
                     hint=str(data.get("hint", "")))  # the advice a right but slow answer reads, as on the host


def _mistake_output(data: dict[str, Any]) -> MistakeOutput:
    if "raises" in data:
        return MistakeOutput(raises=str(data["raises"]))
    return MistakeOutput(value=codec.decode(data["value"]))


def _optional(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"expected a string or null, got {type(value).__name__}")
    return value


def mistake_runner(cases: list[PackedCase]):
    """A diagnose.RunMistake over the packed outputs: `(mistake, args) -> (value, exception or None)`, where
    `mistake` is the mistake's id (a pack's MistakeSpec has its id as `function`) and `args` the very argument
    mapping of one of `cases` (the diagnosis passes a case's own mapping). A mistake the pack has no output for
    "raises", so it explains nothing (autograder.diagnose)."""
    by_args = {id(case.args): case for case in cases}

    def run(mistake: str, args: dict[str, Any]) -> tuple[Any, BaseException | None]:
        case = by_args.get(id(args))
        output = None if case is None else case.mistakes.get(mistake)
        if output is None:
            return None, LookupError(f"no packed output of mistake {mistake}")
        if output.raises is not None:
            return None, Exception(output.raises)
        return output.value, None

    return run
