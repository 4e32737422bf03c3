"""Which exercises share a worker process, and which of the submission's modules each worker may import.

A worker runs code; the static scan reads code. For the scan to speak for what runs, an exercise that forbids
APIs is graded in a worker where (1) every module that can be imported was scanned with that exercise's rules,
and (2) no code that other rules excuse has run. So:

- every exercise that forbids nothing shares one worker, which may import the modules of all of them (there is
  nothing to protect there);
- the exercises of one module with one list of forbidden APIs share a worker of their own, which may import
  that module and the submission's modules it imports (transitively), and nothing else of the submission.

After the scan, the groups with the same forbidden list whose exercises all scanned clean share one worker
(`merge_clean`): a finding keeps its group apart, so that it costs only its own exercises.

A module's other exercises are never called in that worker: their bodies are excused from the rules (unless
something else in the module names them, which the scan sees), because they never run there. A violation in a
module costs only the exercises whose worker loads it. Workers run one after another, never side by side, so an
idle worker cannot serve a forbidding one. Pure: the grouping is a function of the spec and the modules' imports.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Exercise:
    """What the grouping needs of an exercise."""

    id: str
    module: str
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorkerGroup:
    """The exercises graded in one worker, with the rules they share and the modules it may import."""

    exercises: tuple[str, ...]
    forbidden: tuple[str, ...]
    """The exercises' forbidden APIs (the same for all of them); empty for the group that forbids nothing."""
    modules: tuple[str, ...]
    """The submission's modules the worker may import (in this order of discovery); every other is refused."""
    excused: frozenset[str] = frozenset()
    """Exercises of these modules graded in other workers: never called here, so their bodies do not run."""


Imports = Callable[[str, frozenset[str]], Iterable[str]]
"""(module, excused functions) -> the names it imports outside those functions' bodies (static.imported_modules)."""


def plan(exercises: Iterable[Exercise], modules: Iterable[str], imports: Imports) -> tuple[WorkerGroup, ...]:
    """The workers for `exercises`, in the order of their first exercise. `modules` are the submission's modules
    that can be loaded (the assignment's, read and within the caps); `imports` tells what each imports."""
    exercises = list(exercises)
    known = set(modules)
    keys: dict[tuple, list[Exercise]] = {}
    for exercise in exercises:
        key = (tuple(sorted(set(exercise.forbidden))), exercise.module) if exercise.forbidden else ((), None)
        keys.setdefault(key, []).append(exercise)
    groups = []
    for (forbidden, module), members in keys.items():
        ids = {e.id for e in members}
        roots = [module] if module is not None else list(dict.fromkeys(e.module for e in members))
        excused = frozenset(e.id for e in exercises if e.module in roots and e.id not in ids) \
            if forbidden else frozenset()
        loaded = closure(roots, known, imports, excused)
        groups.append(WorkerGroup(tuple(e.id for e in members), forbidden, loaded, excused))
    return tuple(groups)


def closure(roots: list[str], known: set[str], imports: Imports, excused: frozenset[str] = frozenset()
            ) -> tuple[str, ...]:
    """`roots` and every module of `known` they import, transitively: a root read with `excused` skipped, the
    modules it reaches whole (as the scan follows them: autograder.sandbox.static.scan_submission)."""
    found: list[str] = []
    queue = [(root, excused) for root in roots if root in known]
    while queue:
        module, skipped = queue.pop(0)
        if module in found:
            continue
        found.append(module)
        queue.extend((name, frozenset()) for name in imports(module, skipped) if name in known and name not in found)
    return tuple(found)


def merge_clean(groups: Iterable[WorkerGroup], exercises: Iterable[Exercise], clean: Callable[[str], bool]
                ) -> tuple[WorkerGroup, ...]:
    """`groups` with those that forbid the same APIs merged into one worker, where every exercise of them scanned
    clean (`clean(exercise id)`: the static scan found no use and refused nothing); a group with a finding keeps its
    own worker, so that what it loads costs only its own exercises. Merging saves a worker start (with its guards
    installed: 40-70 ms of CPU) and is sound when clean: each module the merged worker loads was scanned with the
    same rules in a group that loads it, and a function is excused there only where every such group excused it
    (it is graded in none of them, so it never runs in the merged worker either)."""
    groups = tuple(groups)
    module_of = {e.id: e.module for e in exercises}
    merged: list[WorkerGroup] = []
    joined: dict[tuple[str, ...], int] = {}  # forbidden list -> its merged group's index in `merged`
    for group in groups:
        if not group.forbidden or not all(clean(e) for e in group.exercises):
            merged.append(group)
            continue
        at = joined.get(group.forbidden)
        if at is None:
            joined[group.forbidden] = len(merged)
            merged.append(group)
            continue
        other = merged[at]
        loads = {id(g): set(g.modules) for g in (other, group)}
        excused = frozenset(f for f in other.excused | group.excused
                            if all(f in g.excused for g in (other, group) if module_of.get(f) in loads[id(g)]))
        merged[at] = WorkerGroup(other.exercises + group.exercises, group.forbidden,
                                 tuple(dict.fromkeys(other.modules + group.modules)), excused)
    return tuple(merged)


def group_of(groups: Iterable[WorkerGroup], exercise: str) -> WorkerGroup:
    """The group that grades `exercise`; KeyError when none does."""
    for group in groups:
        if exercise in group.exercises:
            return group
    raise KeyError(exercise)
