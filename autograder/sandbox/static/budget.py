"""The scan's work budget: steps a module may still cost before it is refused (TOO_COMPLEX)."""
from __future__ import annotations

from dataclasses import dataclass


class _TooComplex(Exception):
    """The scan's work budget is spent."""


@dataclass
class _Budget:
    """Steps of work the scan may still take on one module (WORK_BASE, WORK_PER_CHARACTER)."""

    left: int

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise _TooComplex
