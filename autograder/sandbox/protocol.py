"""What crosses between the pipeline and the sandbox: the calls to make and what came of them."""
from __future__ import annotations

import enum
import sys
from dataclasses import dataclass, field
from typing import Any

from autograder.sandbox.isolation import Isolation, Level


@dataclass(frozen=True)
class Timing:
    """Time a call against a library function on the same inputs (autograder.sandbox.speed): the student's
    function in its worker, the baseline in a worker that never runs student code, both by the kernel's count of
    their CPU time."""

    baseline: str
    """Dotted name of the library function, resolved in the baseline worker."""
    args: tuple[str, ...]
    """The call's arguments in the order the baseline takes them positionally."""
    repeats: int
    """The fewest timed rounds of one measurement."""
    max_ratio: float
    """The student's mean CPU time per call may be at most this many times the baseline's."""


@dataclass(frozen=True, eq=False)
class Call:
    """One function call to make in the student's process."""

    key: str
    """Unique in a run: 'exercise/case'."""
    exercise: str
    module: str
    function: str
    args: dict[str, Any]
    forbidden: tuple[str, ...] = ()
    case_seconds: float = 10.0
    exercise_seconds: float = 60.0
    device: str | None = None
    """Where the worker moves the tensor arguments before the call ("cuda"); None leaves them on the CPU."""
    timing: Timing | None = None
    """For a speed case: what to time the function against."""

    @property
    def needs_torch(self) -> bool:
        torch = sys.modules.get("torch")
        return any(name.startswith("torch") for name in self.forbidden) or (
            torch is not None and any(isinstance(v, torch.Tensor) for v in self.args.values()))


class OutcomeKind(enum.Enum):
    RETURNED = "returned"
    RAISED = "raised"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    MISSING = "missing"
    """The module imported but has no such function."""
    PROTOCOL = "protocol"
    """The worker sent something that is not the answer to the call (forged, malformed, too large)."""
    NOT_RUN = "not_run"
    """The module failed to import (see ModuleLoad), or the worker never got to this call."""


@dataclass(frozen=True, eq=False)
class Outcome:
    kind: OutcomeKind
    value: Any = None
    """Decoded plain data (codec), for RETURNED."""
    error_type: str | None = None
    error_mro: tuple[str, ...] = ()
    """Class names of the raised exception's MRO, to accept subclasses of an expected exception."""
    message: str = ""
    traceback: str = ""
    """Frames inside the submission only, paths relative to it."""
    seconds: float = 0.0
    stdout: str = ""
    mutated: tuple[str, ...] = ()
    """Arguments the function changed in place (arrays and CPU tensors: seen by the host in shared memory)."""
    forbidden: tuple[str, ...] = ()
    """Forbidden APIs the function called (caught at run time by the worker's guards, a second line behind the
    host's static scan)."""
    grader_fault: bool = False
    """True when the failure is the grader's (the worker could not start), not the student's."""
    timing: tuple[float, float] | None = None
    """For a speed case: mean CPU seconds per call of the student's function and of the baseline, measured by the
    host (speed.py); None where it could not be timed (`timing_problem` says why)."""
    timing_problem: str = ""
    timing_ratios: tuple[float, ...] = ()
    """Each measurement's ratio (a second one is made when the first is over the limit), for staff."""
    hidden_message: str = ""
    """What a hidden case shows instead of `message` where `message` holds text the student's process chose: where
    a call was when it ran out of time (file, line and function, from the worker's own stack dump). A red team
    carried each hidden case's geometry out in that function's name and line number."""


@dataclass(frozen=True)
class ModuleLoad:
    module: str
    ok: bool
    message: str = ""
    """For a failed import: one line naming file, line and error."""
    traceback: str = ""
    functions: dict[str, str | None] = field(default_factory=dict)
    """Signature text of each expected function, None when missing or not callable."""
    stdout: str = ""


@dataclass(frozen=True, eq=False)
class SandboxReport:
    outcomes: dict[str, Outcome]
    modules: dict[str, ModuleLoad]
    output: str
    """What the student's process wrote outside the calls (capped)."""
    output_dropped: int = 0
    starts: int = 1
    """Worker processes started (1 plus one per crash or timeout)."""
    pooled: int = 0
    """How many of them were forked from the warm pool (autograder.sandbox.pool) rather than started cold."""
    isolation: Isolation = Isolation(Level.PROCESS)
    """How the worker was isolated (autograder.sandbox.isolation)."""
