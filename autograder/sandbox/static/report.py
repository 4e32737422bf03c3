"""What a scan reports: the forbidden APIs a module reaches (`Use`), the constructs it cannot follow (`Refusal`)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """A forbidden API reached by the code."""

    name: str
    """The forbidden dotted name, as listed in the spec; or, for a listed routine reached by another path of
    its package (`numpy.ma.convolve` for `numpy.convolve`), the path the code wrote."""
    line: int


@dataclass(frozen=True)
class Refusal:
    """A construct the grader cannot follow, so it cannot tell whether it reaches a forbidden API."""

    line: int
    reason: str
    """One sentence a student understands: what was written and why it cannot be checked."""


@dataclass(frozen=True)
class Scan:
    """What the scan found for one exercise; empty when the module does not parse."""

    uses: tuple[Use, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.uses or self.refusals)


UNREADABLE = Refusal(1, "this module is nested too deeply for the grader to read it; split long expressions")
TOO_COMPLEX = Refusal(1, "this module is too complex for the grader to read; simplify it")
