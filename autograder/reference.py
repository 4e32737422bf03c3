"""Expected values from the trusted reference solutions, computed in the grader's own process.

Only instructor code runs here; the student's process never sees the reference or its results. Values
pass through the codec on the way out so that they have exactly the form a student's value has when it
comes back from the sandbox (a tensor becomes `TensorData`, and so on).
"""
from __future__ import annotations

import copy
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from autograder import codec
from autograder.cases import NO_EXPECT, Case


class ReferenceError_(Exception):
    """The reference solution could not be loaded or failed on a case it should handle."""


@dataclass(frozen=True, eq=False)
class Expected:
    """What a case must produce: a value, or an exception of a given type."""

    value: Any = None
    raises: str | None = None
    """Exception class name the call must raise (or a subclass of it)."""


_LOADED: dict[tuple[str, str, int, int], ModuleType] = {}
"""Reference modules loaded by this process, by (file, assignment, modification time, size): a process that grades
many students (a job of grade-all) executes each file once, not once per student (5 files, 6 ms a grading). A
reference is instructor code that computes from its arguments (each call gets a deep copy of them); a file changed
on disk is loaded again."""


class ReferenceSolutions:
    """Loads `solutions/<assignment>/<module>.py` once each (once per process while the file is unchanged) and calls
    its functions."""

    def __init__(self, directory: Path, assignment_id: str):
        self.directory = directory
        self.assignment_id = assignment_id
        self._modules: dict[str, ModuleType] = {}

    def module(self, name: str) -> ModuleType:
        if name not in self._modules:
            path = self.directory / f"{name}.py"
            try:
                stat = path.stat()
                key = (str(path.resolve()), self.assignment_id, stat.st_mtime_ns, stat.st_size)
            except OSError:
                key = None
            if key is not None and key in _LOADED:
                self._modules[name] = _LOADED[key]
                return _LOADED[key]
            qualified = f"_autograder_reference.{self.assignment_id}.{name}"
            spec = importlib.util.spec_from_file_location(qualified, path)
            if spec is None or spec.loader is None:
                raise ReferenceError_(f"{path}: cannot load the reference module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[qualified] = module
            try:
                spec.loader.exec_module(module)
            except Exception as error:
                del sys.modules[qualified]
                raise ReferenceError_(f"{path}: the reference module failed to import: "
                                      f"{type(error).__name__}: {error}") from error
            self._modules[name] = module
            if key is not None:
                _LOADED[key] = module
            _one_torch_thread()
        return self._modules[name]

    def call(self, module: str, function: str, args: dict[str, Any]) -> tuple[Any, BaseException | None]:
        """The reference's return value (as plain data) or the exception it raised."""
        func = getattr(self.module(module), function)
        try:
            value = func(**copy.deepcopy(args))
        except Exception as error:  # the reference is allowed to raise: cases may expect it
            return None, error
        return codec.plain(value), None


def expected_for(case: Case, module: str, reference: ReferenceSolutions) -> Expected:
    """The expected outcome of a case: the spec's `expect`, else the reference's result.

    A case with `expect` does not run the reference (learn_filter's reference alone took seconds per
    submission); `autograder validate` checks that the reference reproduces it. Raises ReferenceError_ when the
    reference disagrees with the spec (a case that should raise does not, or the reference raises where no
    exception is expected): that is the course's bug, not the student's.
    """
    if case.expect is not NO_EXPECT and case.raises is None:
        return Expected(value=codec.plain(case.expect))
    value, error = reference.call(module, case.exercise, case.args)
    if case.raises is not None:
        if error is None or not any(c.__name__ == case.raises for c in type(error).__mro__):
            got = "returned normally" if error is None else f"raised {type(error).__name__}: {error}"
            raise ReferenceError_(f"{case.key}: the case expects {case.raises} but the reference {got}")
        return Expected(raises=case.raises)
    if error is not None:
        trace = "".join(traceback.format_exception(error))
        raise ReferenceError_(f"{case.key}: the reference raised {type(error).__name__}: {error}\n{trace}")
    return Expected(value=value)


def _one_torch_thread() -> None:
    """Run torch on one thread in the grader. The cases' tensors are tiny, and on a busy machine two OpenMP
    threads wait on each other: measured here, 13 learn_filter cases took 72 s on 2 threads, 1.9 s on 1."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)
