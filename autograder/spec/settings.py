"""The settings a course gives as defaults and an exercise may override: limits, comparison, reporting."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, TypeVar

from autograder.spec.model import Comparison, DtypeRule, HiddenDetail, Limits, Reporting
from autograder.spec.nodes import Node, non_negative_number, one_of, positive_int, positive_number


HIDDEN_VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

LIMIT_READERS: dict[str, Callable[[Node], Any]] = {
    "case_seconds": positive_number, "exercise_seconds": positive_number,
    "memory_mb": positive_int, "output_kb": positive_int, "processes": positive_int}

COMPARE_READERS: dict[str, Callable[[Node], Any]] = {
    "rtol": non_negative_number, "atol": non_negative_number,
    "dtype": lambda n: DtypeRule(one_of(n, tuple(rule.value for rule in DtypeRule)))}


def read_hidden_detail(n: Node) -> HiddenDetail:
    """An exercise's or the course's `hidden_detail`: none, message or summary."""
    return HiddenDetail(one_of(n, tuple(d.value for d in HiddenDetail)))


REPORTING_READERS: dict[str, Callable[[Node], Any]] = {
    "hidden_visibility": lambda n: one_of(n, HIDDEN_VISIBILITIES), "hidden_detail": read_hidden_detail}

_Settings = TypeVar("_Settings", Limits, Comparison, Reporting)


def override(n: Node | None, base: _Settings, readers: dict[str, Callable[[Node], Any]]) -> _Settings:
    """`base` with the keys that mapping `n` gives replaced, each read by its reader."""
    if n is None:
        return base
    entries = n.mapping((), tuple(readers))
    return replace(base, **{key: readers[key](value) for key, value in entries.items()})
