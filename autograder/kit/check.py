"""`autograder check` in the student kit: the visible cases of the case pack, through the same pipeline as in the
course repository (autograder.pipeline: the sandbox's run_calls, autograder.verdict, autograder.diagnose), with
the pack standing in for the reference solutions and mistakes.py.

The grader's process never imports torch here: tensors stay `TensorData` (codec plain data) on this side and
become tensors in the student's process, and CUDA is looked up without importing torch where the build is a
CPU-only one (autograder.devices). Together with a fresh worker instead of the warm pool's fork server (whose
preloading pays off over many submissions, not one), that keeps `check` close to one `import torch`
(benchmarks/kit.py, docs/benchmark.md).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from autograder.casepack import CasePack, PackedCase, loads, mistake_runner
from autograder.cases import Case
from autograder.kit.manifest import REBUILD, Kit, KitError
from autograder.pipeline import grade_with_values
from autograder.reference import Expected, ReferenceError_
from autograder.results import GradingRun
from autograder.spec import ExerciseSpec


class PackTruth:
    """The right answers of the visible cases, from the case pack (pipeline.Truth)."""

    def __init__(self, kit: Kit, cases: list[PackedCase]):
        self.kit = kit
        self.cases = {f"{c.exercise}/{c.name}": c for c in cases}
        self._mistakes = mistake_runner(cases)

    def expected(self, case: Case, module: str) -> Expected:
        packed = self.cases.get(case.key)
        if packed is None:
            raise ReferenceError_(f"{case.key}: not in the case pack")
        return Expected(value=packed.expected, raises=packed.raises)

    def signature(self, exercise: ExerciseSpec) -> str:
        return self.kit.signatures[exercise.id]

    def mistakes(self):
        return self._mistakes


def read_pack(kit: Kit) -> CasePack:
    try:
        text = kit.cases_file.read_text(encoding="utf-8")
    except OSError as error:
        raise KitError(f"{kit.cases_file}: cannot be read ({error.strerror}); {REBUILD}") from None
    try:
        return loads(text, tensors="data", rebuild=REBUILD)
    except ValueError as error:
        raise KitError(f"{kit.cases_file}: {error}") from None


def cases_of(pack: CasePack) -> list[Case]:
    """The pack's cases as the pipeline takes them. Each Case keeps its packed case's very argument mapping: the
    packed mistakes' outputs are found by it (casepack.mistake_runner)."""
    return [Case(exercise=c.exercise, name=c.name, visible=c.visible, weight=c.weight, args=c.args, raises=c.raises,
                 note=c.note, device=c.device, twin=c.twin) for c in pack.cases]


def check_kit(kit: Kit, submission: Path) -> GradingRun:
    """The visible cases of the kit on `submission`, as `autograder check` in the course repository runs them."""
    pack = read_pack(kit)
    packed = [c for c in pack.cases if c.visible]
    cases = [c for c in cases_of(pack) if c.visible]
    course = replace(kit.course, warm_pool=False)  # one submission per process: a fork server cannot pay off
    return grade_with_values(course, kit.assignment, submission, visible_only=True,
                             truth=PackTruth(kit, packed), cases=cases, forms=kit.forms)[0]
