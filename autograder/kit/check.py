"""`autograder check` in the student kit: the visible cases of the case pack, through the same pipeline as in the
course repository (autograder.pipeline: the sandbox's run_calls, autograder.verdict, autograder.diagnose), with
the pack standing in for the reference solutions and mistakes.py.

The grader's process never imports torch here once a check has run: tensors stay `TensorData` (codec plain data)
on this side and become tensors in the student's process, CUDA is looked up without importing torch where the
build is a CPU-only one (autograder.devices), and the static scan's answers about installed modules, which it gets
by importing them (torch too), are kept on disk between checks (autograder/sandbox/static/remembered.py). With a
lighter preload of the warm pool's server (_light_pool), that keeps `check` close to one `import torch`
(benchmarks/kit.py, docs/benchmark.md).
"""
from __future__ import annotations

from pathlib import Path

from autograder.casepack import CasePack, PackedCase, loads, mistake_runner
from autograder.cases import Case
from autograder.kit.manifest import REBUILD, Kit, KitError
from autograder.pipeline import grade_with_values
from autograder.reference import Expected, ReferenceError_
from autograder.results import GradingRun
from autograder.sandbox.static import remembered
from autograder.spec import ExerciseSpec
from autograder.validate.cache import cache_folder


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
                 note=c.note, device=c.device, twin=c.twin, speed=c.speed) for c in pack.cases]


def check_kit(kit: Kit, submission: Path, student: str | None = None) -> GradingRun:
    """The visible cases of the kit on `submission`, as `autograder check` in the course repository runs them;
    `student` only to warn when answers.yaml records another id."""
    pack = read_pack(kit)  # first: a kit whose data cannot be read starts nothing
    if kit.course.warm_pool:
        _start_pool()
    packed = [c for c in pack.cases if c.visible]
    cases = [c for c in cases_of(pack) if c.visible]
    memo = remembered.Remembered(cache_folder() / remembered.FILE)  # the scan's answers: no torch import
    remembered.use(memo)
    try:
        return grade_with_values(kit.course, kit.assignment, submission, student=student, visible_only=True,
                                 truth=PackTruth(kit, packed), cases=cases, forms=kit.forms)[0]
    finally:
        remembered.use(None)
        memo.save()


def _start_pool() -> None:
    """Find the kit's check server (autograder/kit/warm.py), which keeps the warm pool's imports between checks,
    or start the warm pool's server now, in the background, so that its torch import overlaps reading the pack
    and the submission; the sandbox's first worker then finds it started (or waits for it). Where neither
    starts, the sandbox finds that out again and starts its workers cold, as it always does."""
    import os
    import sys
    import threading

    from autograder.kit import warm
    from autograder.sandbox import host, pool

    _light_pool()
    paths = [os.path.realpath(p) for p in host.library_paths()]
    env = host.base_env()

    def start() -> None:
        if warm.enabled() and pool.adopt(sys.executable, paths, lambda: warm.connect(sys.executable, paths, env)):
            return
        try:
            pool.zygote(sys.executable, paths, env)
        except pool.PoolError:
            return
        # The server dies with the thread that started it (PR_SET_PDEATHSIG is per thread): this one stays,
        # idle, until the process ends and pool.shutdown stops the server.
        threading.Event().wait()

    threading.Thread(target=start, name="autograder-pool-start", daemon=True).start()


def _light_pool() -> None:
    """The warm pool's server, for one submission, imports what every worker needs and no more: torch._dynamo
    (the first optimizer step's import, 2.3 s here) is then imported by the one worker that needs it, while
    the fork server's start no longer waits for it. Workers still fork from the server, as in the course
    repository, so they run exactly as there (a cold worker, started as `__main__`, shows warnings the forked
    ones do not)."""
    from autograder.sandbox import pool

    pool.PRELOAD = tuple(name for name in pool.PRELOAD if name != "torch._dynamo")
