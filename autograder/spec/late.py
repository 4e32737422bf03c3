"""`late:`: an assignment's deadline and late penalty, given in course.yaml (for every assignment) and/or in
assignment.yaml (key by key over the course's).

    late:
      deadline: 2026-12-10T23:59:00-03:00   # ISO 8601 with a UTC offset (quoted or not)
      penalty_per_day: 10                   # percent of the points earned, per started day late
      max_days: 5                           # optional: later than 5 days scores 0
"""
from __future__ import annotations

from typing import Any

import yaml

from autograder.spec.model import LateRule
from autograder.spec.nodes import STR, TAG, Node, describe, optional
from autograder.times import EXAMPLE, TimeError, parse_time

LATE_KEYS = ("deadline", "penalty_per_day", "max_days")


def read_late(n: Node) -> dict[str, tuple[Any, Node]]:
    """The keys a `late:` mapping gives, each (value, its node), so that an assignment's can override the
    course's and a missing key is reported where the rule is completed."""
    entries = n.mapping((), LATE_KEYS)
    readers = {"deadline": _deadline, "penalty_per_day": _penalty, "max_days": _max_days}
    return {key: (readers[key](value), value) for key, value in entries.items()}


def late_rule(course: dict[str, tuple[Any, Node]], assignment: dict[str, tuple[Any, Node]]) -> LateRule | None:
    """The assignment's rule: its keys over the course's; None when neither gives a deadline (course.yaml may give
    the penalty alone, for the assignments that give a deadline). A deadline without `penalty_per_day` is refused
    at the deadline's line, and so is an assignment's own penalty without any deadline."""
    merged = {**course, **assignment}
    if "deadline" not in merged:
        if assignment:  # the assignment's own penalty with no deadline would never apply: a forgotten deadline
            node = next(iter(assignment.values()))[1]
            raise node.error("a late penalty without a `deadline:` never applies; add the deadline (ISO 8601 with a "
                             f"UTC offset, e.g. {EXAMPLE}) here or in course.yaml's `late:`")
        return None  # the course's penalty alone: for the assignments that give a deadline
    deadline, node = merged["deadline"]
    if "penalty_per_day" not in merged:
        raise node.error("a deadline needs `penalty_per_day:` (percent of the points earned lost per day late; 0 "
                         "for none) next to it or in course.yaml's `late:`")
    return LateRule(deadline=deadline, penalty_per_day=merged["penalty_per_day"][0],
                    max_days=merged["max_days"][0] if "max_days" in merged else None)


def _deadline(n: Node):
    if not isinstance(n.node, yaml.ScalarNode) or n.node.tag not in (STR, TAG + "timestamp"):
        raise n.error(f"expected a date and time with a UTC offset such as {EXAMPLE}, got {describe(n.node)}")
    try:
        return parse_time(n.node.value)
    except TimeError as error:
        raise n.error(str(error)) from None


def _penalty(n: Node) -> float:
    value = n.number()
    if not 0 <= value <= 100:
        raise n.error(f"penalty_per_day is a percent of the points earned, from 0 to 100, not {n.node.value}")
    return value


def _max_days(n: Node) -> int:
    value = n.integer()
    if value < 0:
        raise n.error(f"max_days is the most days late still accepted (0: none), not {value}")
    return value


def optional_late(entries: dict[str, Node]) -> dict[str, tuple[Any, Node]]:
    """The `late:` entry of a course or assignment mapping, {} when absent."""
    return optional(entries, "late", read_late, {})
