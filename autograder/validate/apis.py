"""Proof: every API the spec names exists in the installed packages.

A misspelt forbidden name forbids nothing (`torch.nn.functional.conv2D`), and a misspelt speed baseline makes
every grading's speed case fail, the reference's included. Each dotted name must resolve to a real object: the
longest importable module prefix, then attributes (`torch.nn.functional.conv2d`, `torch.Tensor.unfold`).
Importing the named packages is trusted here: they are the course's own dependencies.
"""
from __future__ import annotations

import difflib
import importlib
import importlib.util
import pkgutil
import sys
from functools import lru_cache
from typing import Any, Iterator

from autograder.validate.model import Context, Problem


def apis(context: Context) -> Iterator[Problem]:
    for exercise in context.assignment.exercises:
        for index, name in enumerate(exercise.forbidden):
            problem = unresolved(name)
            if problem:
                yield Problem(f"{context.assignment.id}/{exercise.id}.forbidden[{index}]",
                              f"{name!r} {problem}: it forbids nothing; correct the name", exercise.location)
        for case in exercise.cases:
            if case.speed is None:
                continue
            problem = unresolved(case.speed.baseline)
            if problem is None and not callable(resolve(case.speed.baseline)):
                problem = "is not callable"
            if problem:
                yield Problem(f"{context.assignment.id}/{exercise.id}/{case.name}.speed.baseline",
                              f"{case.speed.baseline!r} {problem}: the speed case could never be timed, and fails "
                              f"for everyone; correct the name", case.location)


def resolve(name: str) -> Any:
    """The object a dotted name denotes; raises ImportError or AttributeError where there is none."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            if cut == 1:
                raise
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(name)


def unresolved(name: str) -> str | None:
    """Why `name` names nothing (in words), or None when it resolves. A package that is not installed here
    (`scipy.signal.convolve2d` without SciPy) cannot be checked, nor used by a submission graded here: it passes,
    unless its name is a near miss of an installed package's (`trch`)."""
    top = name.split(".")[0]
    try:
        resolve(name)
    except ImportError:
        if importlib.util.find_spec(top) is not None:
            return f"does not exist (no module of that name in {top})"
        near = difflib.get_close_matches(top, _installed(), n=1, cutoff=0.75)
        return f"names no installed package: did you mean {near[0]!r}?" if near else None
    except AttributeError as error:
        return f"does not exist ({error})"
    except Exception as error:  # noqa: BLE001 (a package that fails on import: still nothing usable)
        return f"cannot be imported ({type(error).__name__}: {error})"
    return None


@lru_cache(maxsize=1)
def _installed() -> tuple[str, ...]:
    """The names of the top-level modules this interpreter can import."""
    return tuple(sorted({m.name for m in pkgutil.iter_modules()} | set(sys.builtin_module_names)))
