"""Proof: every student's hidden cases are valid, not only the default draw.

Hidden cases are drawn per student (autograder.cases salts their seed with the student id). For a sample of
student ids (Options.students, deterministic) every hidden CPU case is drawn and run on the reference on the host
(a case without `params` by the first FIXED_CASE_STUDENTS ids only: its geometry is the same for everyone):
a draw on which the reference raises where the case expects a value, returns where it expects an exception, or
misses the case's `expect`, would be a grader error (or lost points) for that student. Identical draws (fixed
arguments) run once, and a verdict is kept between runs (autograder.validate.cache: the same solutions and draw
need no second run). Each problem names the case, its drawn params and the first student id that gets it.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any, Iterator

import numpy as np

from autograder import codec
from autograder.cases import NO_EXPECT, Case
from autograder.compare import compare
from autograder.spec import ExerciseSpec
from autograder.validate.cache import Verdicts
from autograder.validate.model import Context, Problem, student_ids


FIXED_CASE_STUDENTS = 20
"""How many of the sampled ids draw the hidden cases without `params` (and every id draws those with): a fixed
case's draws differ only in their random values, not in their geometry."""


def students(context: Context) -> Iterator[Problem]:
    ids = student_ids(context.options.students)
    verdicts = Verdicts("students", context.assignment.solutions)
    try:
        yield from _students(context, ids, verdicts)
    finally:
        verdicts.save()


def _students(context: Context, ids: tuple[str, ...], verdicts: Verdicts) -> Iterator[Problem]:
    for exercise in context.assignment.exercises:
        seen: set[str] = set()
        failing: dict[str, tuple[str, Case, str, int]] = {}  # spec case -> (first student, case, why, how many)
        hidden = replace(exercise, cases=tuple(c for c in exercise.cases if not c.visible))
        random = replace(hidden, cases=tuple(c for c in hidden.cases if c.params))  # seeds do not depend on order
        for number, student in enumerate(ids):
            drawn = hidden if number < FIXED_CASE_STUDENTS else random
            if not drawn.cases:
                break
            for case in context.cases(drawn, student):
                if case.device == "cuda":
                    continue
                fingerprint = f"{case.name}:{_fingerprint(case.args)}"
                if fingerprint in seen:
                    continue
                seen.add(fingerprint)
                key = verdicts.key(exercise.module, exercise.id, repr(exercise.compare), fingerprint,
                                   str(case.raises), _fingerprint(case.expect))
                problem = verdicts.get(key, False)
                if problem is False:
                    problem = _rejected(context, exercise, case)
                    verdicts.put(key, problem)
                if problem is None:
                    continue
                first = failing.get(case.spec_name)
                failing[case.spec_name] = first[:3] + (first[3] + 1,) if first else (student, case, problem, 1)
        for name, (student, case, why, count) in failing.items():
            yield Problem(context.where(exercise, case.name),
                          f"student {student!r} (and {count - 1} more draws of the {len(ids)} students sampled) "
                          f"gets {case.name} with {_params(case)}: {why}; constrain the params so that every "
                          f"draw is valid (e.g. draw one from another: `{{int: [$f, 64]}}`)",
                          context.case_location(exercise, case.name))


def _rejected(context: Context, exercise: ExerciseSpec, case: Case) -> str | None:
    """Why the reference rejects the drawn case, or None when it behaves as the case says."""
    value, error = context.reference.call(exercise.module, exercise.id, case.args)
    if case.raises is not None:
        if error is None:
            return f"the case expects {case.raises} but the reference returns normally"
        if not any(c.__name__ == case.raises for c in type(error).__mro__):
            return f"the case expects {case.raises} but the reference raises {type(error).__name__}: {error}"
        return None
    if error is not None:
        return f"the reference raises {type(error).__name__}: {error}"
    if case.expect is not NO_EXPECT:
        mismatch = compare(value, codec.plain(case.expect), exercise.compare)
        if mismatch is not None:
            return f"the reference misses the case's `expect`: {mismatch.summary}"
    return None


def _params(case: Case) -> str:
    """The drawn params in words (arrays by shape), or the arguments of a fixed case."""
    shown = case.params if case.params is not None else case.args
    return "params " + ", ".join(f"{k}={_short(v)}" for k, v in shown.items())


def _short(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and getattr(value, "ndim", 0) > 0:
        return f"<{type(value).__name__} of shape {tuple(shape)}>"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fingerprint(value: Any) -> str:
    """A short digest of the arguments: equal for equal draws."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value: Any) -> None:
    if isinstance(value, dict):
        for key in value:
            digest.update(f"k{key}".encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"l{type(value).__name__}{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, np.ndarray):
        digest.update(f"a{value.dtype}{value.shape}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif hasattr(value, "detach") and hasattr(value, "cpu"):
        array = value.detach().cpu().numpy()
        digest.update(f"t{value.dtype}{value.device}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    else:
        digest.update(f"v{type(value).__name__}{value!r}".encode())
