"""Every graded rule has a visible representative, so that `autograder check` foretells the grade.

A case tests *rules*, read from the case itself: the kind of each argument it passes (a float64 array, a float32
tensor, a list, None: the function must accept it and, where results keep the input's dtype, return that
dtype), the device it runs on, the speed rule it is timed by, the exception it must raise, and the `rule:` the
spec names where the arguments do not show it (`rule: f < 1 raises`, `rule: rectangular kernel`). A hidden case
whose rule no visible case of its exercise tests grades something that `check` never showed: a submission can
pass every visible case and still lose those points. `validate` refuses such a spec (`unrepresented`).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import numpy as np

from autograder.cases import Case


def rules_of(case: Case) -> frozenset[str]:
    """The rules `case` tests, each a short phrase naming it (used in validate's message)."""
    found = {f"argument {name}: {_kind(value)}" for name, value in case.args.items()}
    if case.raises is not None:
        found.add(f"raises {case.raises}")
    if case.rule is not None:
        found.add(f"rule: {case.rule}")
    if case.device is not None:
        found.add(f"runs on device {case.device!r}")
    if case.speed is not None:
        found.add(f"speed: within {case.speed.max_ratio:g}x of {case.speed.baseline}")
    return frozenset(found)


def unrepresented(cases: Iterable[Case]) -> dict[str, tuple[str, ...]]:
    """{rule: the hidden cases (random families by their name) that test it} for each rule of a hidden case that
    no visible case tests; `cases` are one exercise's."""
    cases = list(cases)
    shown = set().union(*(rules_of(c) for c in cases if c.visible))
    missing: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        if case.visible:
            continue
        family = case.name.split("[", 1)[0]
        for rule in sorted(rules_of(case) - shown):
            if family not in missing[rule]:
                missing[rule].append(family)
    return {rule: tuple(names) for rule, names in sorted(missing.items())}


def rule_problems(assignment_id: str, exercise_id: str, cases: Iterable[Case]) -> list[tuple[str, str]]:
    """(where, message) for each rule graded only by hidden cases (validate reports them as problems)."""
    return [(f"{assignment_id}/{exercise_id}",
             f"the hidden case{'s' if len(names) > 1 else ''} {', '.join(names)} test{'' if len(names) > 1 else 's'} "
             f"`{rule}`, which no visible case tests: `check` cannot foretell those points. Add a visible case "
             f"that tests it (or make one of them visible)")
            for rule, names in unrepresented(cases).items()]


def _kind(value: Any) -> str:
    """What an argument is, as far as a graded rule can depend on it: a container and its dtype, else its type."""
    if isinstance(value, np.ndarray):
        return f"{value.dtype.name} array"
    if type(value).__module__.startswith("torch") and hasattr(value, "dtype"):
        return f"{str(value.dtype).replace('torch.', '')} tensor"
    if value is None:
        return "None"
    return type(value).__name__
