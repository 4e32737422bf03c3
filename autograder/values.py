"""The values of visible cases (inputs, expected and returned), kept beside a GradingRun for reports that draw
them (reporters/pictures.py). They never enter the GradingRun, so results.json and run.json stay small, and
hidden cases are never kept: their expected values must not reach a student-facing report.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from autograder.cases import Case
from autograder.reference import Expected
from autograder.sandbox import Outcome, OutcomeKind


@dataclass(frozen=True, eq=False)
class CaseValues:
    """One visible case whose call returned a value: what went in, what should have come out, what did."""

    exercise: str
    case: str
    args: dict[str, Any]
    """The keyword arguments of the call, as the case made them (arrays, tensors, numbers)."""
    expected: Any
    """The reference's (or the spec's) value, decoded plain data: ndarray, TensorData, numbers, ..."""
    got: Any
    """What the student's function returned, decoded plain data (codec)."""

    @property
    def key(self) -> str:
        return f"{self.exercise}/{self.case}"


def visible_values(cases: Iterable[Case], expected: Mapping[str, Expected],
                   outcomes: Mapping[str, Outcome]) -> tuple[CaseValues, ...]:
    """The values of the visible cases that expected a value and got one back, in case order."""
    kept = []
    for case in cases:
        want, outcome = expected.get(case.key), outcomes.get(case.key)
        if not case.visible or want is None or want.raises is not None:
            continue
        if outcome is None or outcome.kind is not OutcomeKind.RETURNED:
            continue
        kept.append(CaseValues(case.exercise, case.name, dict(case.args), want.value, outcome.value))
    return tuple(kept)
