"""Golden example for `autograder.stubs`: a small solution module with every kind of region.

Comments and code outside ``### BEGIN SOLUTION`` / ``### END SOLUTION`` reach the stub unchanged.
"""
from __future__ import annotations

import math

SCALE = 2  # module-level code outside any region is kept


def area(radius: float) -> float:
    """Area of a disc of the given radius."""
    ### BEGIN SOLUTION
    return math.pi * radius ** 2
    ### END SOLUTION


def checked_sqrt(x: float) -> float:
    """Square root of x; raises ValueError for negative x.

    The check below is given to students; only the computation is theirs.
    """
    if x < 0:
        raise ValueError(f"x must not be negative, got {x}")
    ### BEGIN SOLUTION
    return math.sqrt(x)
    ### END SOLUTION


class Counter:
    """Counts calls, to show a region inside a method."""

    def __init__(self) -> None:
        self.count = 0

    def step(self, by: int = 1) -> int:
        """Add `by` to the count and return the new count."""
        ### BEGIN SOLUTION
        self.count += by
        return self.count
        ### END SOLUTION


def scaled(values: list[float]) -> list[float]:
    """Every value times SCALE, with the loop given and its body left to students."""
    result = []
    for value in values:
        ### BEGIN SOLUTION
        result.append(value * SCALE)
        ### END SOLUTION
    return result
