"""Spec cases → concrete, seeded cases with real argument values.

A random case (`count: k`) becomes k cases named `name[0]` … `name[k-1]`. Every concrete case draws from
its own NumPy generator seeded from the course seed, assignment, exercise, case name, index and (for
per-student variants) the student id, so the same inputs come back on every machine and in every run.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from autograder.spec import (AssignmentSpec, CaseSpec, Const, CourseSpec, ExerciseSpec, Expr, Generate,
                             ListOf, MapOf, Ref, SpeedSpec)


class _Missing:
    def __repr__(self) -> str:
        return "<no expected value given>"


NO_EXPECT = _Missing()


@dataclass(frozen=True, eq=False)
class Case:
    """One call to grade: the function's keyword arguments and what should come of it."""

    exercise: str
    name: str
    visible: bool
    weight: float
    args: dict[str, Any]
    expect: Any = NO_EXPECT
    """The value given in the spec (`expect:`), else NO_EXPECT: the reference decides."""
    raises: str | None = None
    note: str | None = None
    device: str | None = None
    """Where the worker puts the tensor arguments before the call: None (as built, on the CPU), "cpu", "cuda",
    or "auto" (CUDA where the grading machine has it). The arguments here stay on the CPU."""
    twin: str | None = None
    """For a CUDA copy, the name of the same case on the CPU (whose score it takes where there is no CUDA)."""
    speed: SpeedSpec | None = None
    points: float | None = None
    """The points its spec case carries in all (`points:`), shared by that case's concrete copies; None: a share
    of the exercise's other points by `weight` (autograder.scoring.case_maxima)."""
    params: dict[str, Any] | None = None
    """A random case's drawn params (for messages naming a draw); None for a fixed case."""
    rule: str | None = None
    """The spec's `rule:` (autograder/rules.py)."""

    @property
    def key(self) -> str:
        return f"{self.exercise}/{self.name}"

    @property
    def spec_name(self) -> str:
        """The name of the spec case it was drawn from: without `[i]` and `@cuda`."""
        return self.name.split("[")[0].removesuffix(CUDA_SUFFIX)


def case_maxima(points: float, cases: list[Case]) -> list[float]:
    """Each case's maximum score in an exercise worth `points` whose concrete cases are `cases`."""
    from autograder.scoring import case_maxima as maxima

    return maxima(points, [c.weight for c in cases], [c.points for c in cases], [c.spec_name for c in cases])


def case_seed(*parts: object) -> int:
    """A 64-bit seed from the parts' text: stable across machines and Python versions."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def expand_assignment(course: CourseSpec, assignment: AssignmentSpec, student: str | None = None,
                      visible_only: bool = False) -> list[Case]:
    """Every concrete case of the assignment, in spec order, for the student's canonical id."""
    from autograder.student_id import canonical

    student = canonical(student, course.student_id)
    cases = []
    for exercise in assignment.exercises:
        cases.extend(expand_exercise(course.seed, assignment.id, exercise, student, visible_only))
    return cases


def expand_exercise(seed: int, assignment_id: str, exercise: ExerciseSpec, student: str | None = None,
                    visible_only: bool = False) -> list[Case]:
    cases = []
    for spec in exercise.cases:
        if visible_only and not spec.visible:
            continue
        count = spec.count or 1
        for index in range(count):
            name = spec.name if spec.count is None else f"{spec.name}[{index}]"
            salt = ("student", student) if student and not spec.visible else ()
            case = _drawn(seed, assignment_id, exercise, spec, name, index, salt)
            cases.extend(_on_devices(case, exercise.devices))
    return cases


def _drawn(seed: int, assignment_id: str, exercise: ExerciseSpec, spec: CaseSpec, name: str, index: int,
           salt: tuple) -> Case:
    """The concrete case; with `distinguish:`, the first of up to families.MAX_ATTEMPTS draws (attempt k > 0
    salted with k) on which every listed mistake gives another value than the reference. When none does, the
    first draw (`autograder validate` reports such a family)."""
    first = None
    attempts = 1
    if spec.distinguish:
        from autograder.families import MAX_ATTEMPTS, tells_apart
        attempts = MAX_ATTEMPTS
    for attempt in range(attempts):
        retry = ("attempt", attempt) if attempt else ()
        rng = np.random.default_rng(case_seed(seed, assignment_id, exercise.id, spec.name, index, *salt, *retry))
        case = _concrete(exercise.id, name, spec, rng)
        first = first or case
        if not spec.distinguish or tells_apart(exercise, spec, case.args, assignment_id):
            return case
    return first


CUDA_SUFFIX = "@cuda"


def _on_devices(case: Case, devices: tuple[str, ...]) -> list[Case]:
    """The case on each of the exercise's devices: a CPU case keeps its name, its CUDA copy (same arguments)
    is `<name>@cuda`. A speed case runs on the CPU only."""
    if not devices:
        return [case]
    if case.speed is not None:
        return [replace(case, device="cpu")]
    return [replace(case, device=device) if device != "cuda" or len(devices) == 1
            else replace(case, name=case.name + CUDA_SUFFIX, device="cuda", twin=case.name)
            for device in devices]


def _concrete(exercise_id: str, name: str, spec: CaseSpec, rng: np.random.Generator) -> Case:
    env: dict[str, Any] = {}
    for param, expr in spec.params:
        env[param] = evaluate(expr, env, rng)
    args = {key: evaluate(expr, env, rng) for key, expr in spec.args}
    expect = NO_EXPECT if spec.expect is None else evaluate(spec.expect, env, rng)
    return Case(exercise=exercise_id, name=name, visible=spec.visible, weight=spec.weight, args=args,
                expect=expect, raises=spec.raises, note=spec.note, speed=spec.speed, points=spec.points,
                params=dict(env) if spec.params else None, rule=spec.rule)


def evaluate(expr: Expr, env: dict[str, Any], rng: np.random.Generator) -> Any:
    """The value of a validated spec expression."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Ref):
        return env[expr.name]
    if isinstance(expr, ListOf):
        return [evaluate(item, env, rng) for item in expr.items]
    if isinstance(expr, MapOf):
        return {key: evaluate(value, env, rng) for key, value in expr.items}
    if isinstance(expr, Generate):
        return _GENERATORS[expr.kind](expr, env, rng)
    raise TypeError(f"not a spec expression: {expr!r}")


def _option(expr: Generate, name: str, default: Any, env: dict[str, Any], rng: np.random.Generator) -> Any:
    value = expr.option(name)
    return default if value is None else evaluate(value, env, rng)


def _shape(expr: Generate, env: dict[str, Any], rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(n) for n in evaluate(expr.arg, env, rng))


def _finish_array(array: np.ndarray, expr: Generate, default_dtype: str, env, rng) -> Any:
    as_tensor = bool(_option(expr, "tensor", False, env, rng))
    dtype = _option(expr, "dtype", default_dtype if not as_tensor else _TENSOR_DEFAULTS[default_dtype],
                    env, rng)
    if as_tensor:
        return _tensor(array, dtype, _option(expr, "device", "cpu", env, rng))
    return array.astype(dtype)


_TENSOR_DEFAULTS = {"float64": "float32", "int64": "int64"}


def _tensor(values: Any, dtype: str, device: str) -> Any:
    import torch

    return torch.as_tensor(np.asarray(values)).to(dtype=getattr(torch, dtype), device=device)


def _gen_tuple(expr, env, rng):
    return tuple(evaluate(expr.arg, env, rng))


def _gen_array(expr, env, rng):
    return np.array(evaluate(expr.arg, env, rng), dtype=_option(expr, "dtype", "float64", env, rng))


def _gen_tensor(expr, env, rng):
    return _tensor(evaluate(expr.arg, env, rng), _option(expr, "dtype", "float32", env, rng),
                   _option(expr, "device", "cpu", env, rng))


def _gen_int(expr, env, rng):
    low, high = (int(v) for v in evaluate(expr.arg, env, rng))
    return int(rng.integers(low, high + 1))


def _gen_float(expr, env, rng):
    low, high = (float(v) for v in evaluate(expr.arg, env, rng))
    return float(rng.uniform(low, high))


def _gen_choice(expr, env, rng):
    options = expr.arg.items if isinstance(expr.arg, ListOf) else evaluate(expr.arg, env, rng)
    chosen = options[int(rng.integers(len(options)))]
    return evaluate(chosen, env, rng) if isinstance(expr.arg, ListOf) else chosen


def _gen_normal(expr, env, rng):
    scale = float(_option(expr, "scale", 1.0, env, rng))
    return _finish_array(rng.normal(0.0, scale, _shape(expr, env, rng)), expr, "float64", env, rng)


def _gen_uniform(expr, env, rng):
    low = float(_option(expr, "low", 0.0, env, rng))
    high = float(_option(expr, "high", 1.0, env, rng))
    return _finish_array(rng.uniform(low, high, _shape(expr, env, rng)), expr, "float64", env, rng)


def _gen_integers(expr, env, rng):
    low = int(_option(expr, "low", 0, env, rng))
    high = int(_option(expr, "high", 256, env, rng))
    return _finish_array(rng.integers(low, high, _shape(expr, env, rng)), expr, "int64", env, rng)


def _gen_correlate(expr, env, rng):
    spec = evaluate(expr.arg, env, rng)
    inputs, kernel = spec["inputs"], spec["kernel"]
    return correlate_valid(inputs, kernel)


def correlate_valid(inputs: Any, kernel: Any) -> Any:
    """Valid cross-correlation of each (H, W) slice of (N, H, W) `inputs` with a (k, k) `kernel`, in float64,
    returned in the type, dtype and device of `inputs` (NumPy array or torch tensor)."""
    is_tensor = not isinstance(inputs, np.ndarray)
    x = inputs.detach().cpu().double().numpy() if is_tensor else np.asarray(inputs, dtype=np.float64)
    k = kernel.detach().cpu().double().numpy() if not isinstance(kernel, np.ndarray) else kernel
    windows = np.lib.stride_tricks.sliding_window_view(x, k.shape, axis=(1, 2))
    out = np.einsum("nijab,ab->nij", windows, k)
    if is_tensor:
        return _tensor(out, str(inputs.dtype).removeprefix("torch."), str(inputs.device))
    return out.astype(inputs.dtype) if np.issubdtype(inputs.dtype, np.floating) else out


_GENERATORS = {
    "tuple": _gen_tuple, "array": _gen_array, "tensor": _gen_tensor, "int": _gen_int, "float": _gen_float,
    "choice": _gen_choice, "normal": _gen_normal, "uniform": _gen_uniform, "integers": _gen_integers,
    "correlate": _gen_correlate,
}
