"""Speed cases, measured from outside the student's process.

The student's function runs in its worker; the baseline (e.g. `torch.nn.functional.conv2d`) runs in a separate
*baseline worker* that never imports student code. Each round gives both the same fresh inputs (the case's
arrays replaced by seeded random ones of the same shape and dtype, so that remembering an earlier answer does not
help) and asks each for its output in an arena slot; the host compares the two outputs where it reads them, at
positions it draws after both answered (a function that answers quickly with something else is not faster, it is
wrong) and reads the CPU time each process used from the kernel:
what the student's code says about time is never asked. Rounds go on until the baseline has used MIN_SECONDS
of CPU time (clock noise is then a few percent) or the student's side is clearly over the limit. A ratio over the
limit is measured a second time, and the case fails only when both measurements are over it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from autograder.sandbox import arguments, wire
from autograder.sandbox.process import Worker, sandbox_cpu

MIN_SECONDS = 0.01
"""CPU time the baseline's side of one measurement must reach (its clock reads nanoseconds), after at least the
case's `repeats` rounds (5 by default; L10's baseline takes about 2.4 ms a round, so those 5 decide). Ratios against
a limit of several x need a few percent, not less: 200 gradings of the reference beside two CPU-bound processes
measured 1.40-3.50 at 0.02 s and 1.60-3.90 at 0.01 s, against a limit of 10x (docs/benchmark.md); at 0.15 s the
speed case was a third of the CPU of a grading, at 0.05 s a fifth, at 0.03 s a tenth. A measurement over the limit
is taken again before the case fails."""
MAX_ROUNDS = 400
MEASUREMENTS = 2
BASELINE_SECONDS = 60.0
"""Wall-clock time each of the baseline's calls may take, its own: never what the student's rounds left over (a
slow student loop that used the timing's budget made the baseline's next call a "grader error")."""
CERTAIN_FACTOR = 3.0
"""A call of the student's function that has used this many times `max_ratio` times the baseline's CPU time per
call is too slow, certainly (measurement noise is a few percent): it is stopped there (`bound`)."""
MIN_BOUND_SECONDS = 0.25
"""The bound is never below this much CPU time: room for what a first call costs once (a worker replaced just
before the speed case: torch's kernels set up, copy-on-write faults after the fork), still reached within the
case's wall-clock limit on a machine loaded many times over."""
BOUND_SECONDS = 0.02
BOUND_ROUNDS = 20


@dataclass(frozen=True)
class Measured:
    """The outcome of timing one speed case."""

    student: float | None = None
    """Mean CPU seconds of one call of the student's function (None when it could not be timed)."""
    baseline: float | None = None
    ratios: tuple[float, ...] = ()
    problem: str = ""
    """Why it could not be timed, in words for the student (the outputs differed, the function raised...)."""


class Interrupted(Exception):
    """The student's worker failed during a timed round (timeout, crash, protocol): the host replaces it."""

    def __init__(self, cause: Exception):
        super().__init__(str(cause))
        self.cause = cause


def measure(student: Worker, baseline: Worker, scratch: Path, call: dict, target: str, positional: list[str],
            args: dict[str, Any], max_ratio: float, repeats: int, seconds: float, seed: int,
            ask: Callable[[Worker, dict, float], dict]) -> Measured:
    """Time `call` (the student's request, without its args) against `target` on `args`' shapes.

    `ask(worker, request, seconds)` sends one request and returns its answer (raising on a timeout or a broken
    protocol); `seconds` bounds the whole timing."""
    rng = np.random.default_rng(seed)
    deadline = time.monotonic() + seconds
    ratios, student_means, baseline_means = [], [], []
    for _ in range(MEASUREMENTS):
        result = _one_measurement(student, baseline, scratch, call, target, positional, args, max_ratio, repeats,
                                  (deadline, seconds), rng, ask)
        if isinstance(result, str):
            return Measured(problem=result)
        student_mean, baseline_mean = result
        ratio = student_mean / baseline_mean if baseline_mean > 0 else float("inf")
        ratios.append(ratio)
        student_means.append(student_mean)
        baseline_means.append(baseline_mean)
        if ratio <= max_ratio:
            break
    best = min(range(len(ratios)), key=ratios.__getitem__)
    return Measured(student_means[best], baseline_means[best], tuple(ratios))


def _one_measurement(student, baseline, scratch, call, target, positional, args, max_ratio, repeats, budget,
                     rng, ask):
    """One measurement's rounds. `budget` is (deadline, seconds): no round starts past the deadline, and a round
    that started has `seconds` of its own, so that the deadline falling during an honest round (a loaded machine)
    ends the measurement with the rounds done, never as a time-out; only one round longer than that is."""
    deadline, round_seconds = budget
    student_start = _student_cpu(student, scratch)
    baseline_start = baseline.cpu() or 0.0
    rounds, running_student, running_baseline = 0, 0.0, 0.0
    marks = {student: student.arena.end, baseline: baseline.arena.end}
    while True:
        for worker, mark in marks.items():  # each round reuses the same arena regions (no input is checked here)
            worker.arena.end = mark
        inputs = _fresh(args, rng)
        outputs = []
        for worker, request in ((student, call), (baseline, {"op": "call", "target": target,
                                                             "positional": positional})):
            if worker is student and time.monotonic() >= deadline:  # what was measured, or not even one round
                return _means(student, baseline, scratch, student_start, baseline_start, rounds) if rounds \
                    else (float("inf"), 1.0)
            placed = _place(worker.arena, inputs)
            slot = worker.arena.slot(_output_bytes(inputs))
            before = worker.cpu() or 0.0
            answer = ask(worker, {**request, "id": f"timed-{rounds}", "args": placed, "out": slot},
                         round_seconds if worker is student else BASELINE_SECONDS)
            used = (worker.cpu() or 0.0) - before
            if worker is student:
                running_student += used
            else:
                running_baseline += used
            if answer.get("kind") != "returned":
                who = "your function" if worker is student else f"the baseline {target}"
                return f"{who} raised on the timing inputs (random values of the case's shapes)"
            described = answer.get("slot")
            output = wire.array_from(wire.mapped(worker.arena, slot), described) if isinstance(described, dict) \
                else None
            if output is None:
                return ("your function did not return an array or tensor that fits the expected output's size on the "
                        "timing inputs" if worker is student else f"the baseline {target} returned no array")
            outputs.append(output)
        if not _same(outputs[0], outputs[1], rng):
            return ("your function's results on the timing inputs (random values of the case's shapes) differ from "
                    f"{target}'s: a speed case times a function that computes the same thing every time")
        rounds += 1
        clearly_slow = running_student > 3 * max_ratio * max(running_baseline, 1e-9) and running_student >= 0.05
        enough = running_baseline >= MIN_SECONDS and rounds >= repeats
        if clearly_slow or enough or rounds >= MAX_ROUNDS:
            return _means(student, baseline, scratch, student_start, baseline_start, rounds)


def bound(baseline: Worker, target: str, positional: list[str], args: dict[str, Any], max_ratio: float, seed: int,
          ask: Callable[[Worker, dict, float], dict]) -> tuple[float, float] | None:
    """(CPU seconds past which one call of the student's function on `args`' shapes is certainly over `max_ratio`,
    the baseline's CPU seconds per call), measured on the baseline worker before the student's graded call; None
    where the baseline does not return. The host stops the graded call there, by the CPU clock, so that a slow
    loop is "too slow" before the wall-clock limit, whatever the load."""
    rng = np.random.default_rng(seed)
    start, rounds = baseline.cpu() or 0.0, 0
    mark = baseline.arena.end
    while rounds < BOUND_ROUNDS:
        baseline.arena.end = mark
        inputs = _fresh(args, rng)
        placed = _place(baseline.arena, inputs)
        slot = baseline.arena.slot(_output_bytes(inputs))
        answer = ask(baseline, {"op": "call", "id": f"bound-{rounds}", "target": target, "positional": positional,
                                "args": placed, "out": slot}, BASELINE_SECONDS)
        if answer.get("kind") != "returned":
            return None
        rounds += 1
        if (baseline.cpu() or 0.0) - start >= BOUND_SECONDS:
            break
    baseline.arena.end = mark
    per_call = ((baseline.cpu() or 0.0) - start) / rounds
    return (max(CERTAIN_FACTOR * max_ratio * per_call, MIN_BOUND_SECONDS), per_call) if per_call > 0 else None


def shapes(args: dict[str, Any]) -> tuple:
    """What `bound` depends on in `args`: each array's shape and dtype (and a tensor's kind), every other value as
    it is; a key for a bound measured once on a kept baseline worker (host._Session._speed_bound)."""
    described = []
    for name, value in sorted(args.items()):
        placed = arguments.placeable(value)
        if placed is None:
            described.append((name, type(value).__name__, repr(value)[:200]))
        else:
            described.append((name, tuple(placed[0].shape), placed[0].dtype.str, repr(placed[1])))
    return tuple(described)


def _means(student, baseline, scratch, student_start, baseline_start, rounds):
    student_total = _student_cpu(student, scratch) - student_start
    baseline_total = (baseline.cpu() or 0.0) - baseline_start
    return student_total / rounds, baseline_total / rounds


def _student_cpu(student: Worker, scratch: Path) -> float:
    """CPU seconds of the student's worker and of every other process of its sandbox: the worker's own where the
    kernel refuses it new processes (Worker.alone), without a sweep of /proc."""
    return (student.cpu() or 0.0) if student.alone else sandbox_cpu(student.pid, scratch, student.uid)


def _fresh(args: dict[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """The case's arguments with every floating-point array or tensor replaced by new values, uniform in [-1, 1),
    drawn in the case's dtype (a uniform draw costs a seventh of a normal one: 0.3 ms for 200,000 float32)."""
    fresh = {}
    for name, value in args.items():
        placed = arguments.placeable(value)
        if placed is not None and placed[0].dtype.kind == "f":
            dtype = placed[0].dtype
            if dtype in (np.float32, np.float64):
                values = rng.random(placed[0].shape, dtype=dtype)
                values *= 2
                values -= 1
            else:
                values = (rng.random(placed[0].shape) * 2 - 1).astype(dtype)
            fresh[name] = arguments.like(value, values)
        else:
            fresh[name] = value
    return fresh


def _place(arena: wire.Arena, args: dict[str, Any]) -> dict[str, Any]:
    return arguments.encode(arena, args, device=None)[0]


def _output_bytes(args: dict[str, Any]) -> int:
    """Room for the output: the inputs' total size times 8, at least 1 MiB (a convolution's output is of the
    order of its input)."""
    total = sum(placed[0].nbytes for placed in map(arguments.placeable, args.values()) if placed is not None)
    return max(8 * total, 1 << 20)


SAMPLE = 4096
"""Output elements compared per round, at positions drawn after both answers (all of them in a smaller output)."""


def _same(mine: np.ndarray, theirs: np.ndarray, rng: np.random.Generator) -> bool:
    """|mine - theirs| <= 1e-4 max|theirs| + 1e-3 |theirs|, mine finite (NumPy's allclose with those tolerances),
    in the wider of the two floating dtypes, float32 at least, at SAMPLE positions drawn now: a function that
    skips part of its work to be faster leaves a share of its output wrong, and 4,096 draws find a share of 0.5%
    but for a chance of about 1e-9; reading every element cost more than the baseline's call (milliseconds for
    megabytes, every round)."""
    if mine.shape != theirs.shape or mine.dtype.kind not in "biuf":
        return False
    if not theirs.size:
        return True
    a, b = mine.reshape(-1), theirs.reshape(-1)
    if a.size > SAMPLE:
        positions = rng.integers(0, a.size, SAMPLE)
        a, b = a[positions], b[positions]
    common = np.result_type(a.dtype, b.dtype, np.float32)
    a, b = a.astype(common, copy=False), b.astype(common, copy=False)
    if not np.isfinite(a).all():
        return False
    tolerance = np.abs(b)
    atol = 1e-4 * max(float(tolerance.max()), 1e-12)
    tolerance *= 1e-3
    tolerance += atol
    difference = np.subtract(a, b)
    np.abs(difference, out=difference)
    return bool((difference <= tolerance).all())
