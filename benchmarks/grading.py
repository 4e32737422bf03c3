"""Grading throughput: `autograder grade-all` on generated submissions, next to `python -c "import torch"` and
`nbgrader autograde` on the equivalent notebooks.

Every measurement here starts real processes (the grader's own command line, nbgrader's), as an instructor
would, so the numbers include interpreter and torch start-up. Comparing them with the time of one
`python -c "import torch"` taken in the same run keeps the ratio meaningful on a busy or slow machine.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "l10_convolutions"
SOLUTIONS = REPO / "solutions" / ASSIGNMENT
BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
STUBS = REPO / "assignments" / ASSIGNMENT
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")


def _bin(name: str) -> list[str]:
    """A console command of this interpreter's environment (.venv/bin/NAME), else one on PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return [str(local)]
    found = shutil.which(name)
    return [found] if found else []


def _environment() -> dict[str, str]:
    """This environment with the interpreter's bin folder first on PATH: nbgrader runs `alembic` from PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _seconds(command: list[str], **kwargs) -> float:
    """Wall time of a command that must succeed (RuntimeError with its output's tail otherwise)."""
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_environment(), **kwargs)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = done.stdout.decode(errors="replace")[-2000:]
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{tail}")
    return seconds


def import_torch_seconds(repeats: int = 5, warm: bool = True) -> list[float]:
    """Wall times of fresh `python -c "import torch"` runs with this interpreter (after one untimed run)."""
    if warm:
        _seconds([sys.executable, "-c", "import torch"])  # the file cache
    return [_seconds([sys.executable, "-c", "import torch"]) for _ in range(repeats)]


def make_submissions(folder: Path, count: int) -> dict[str, int]:
    """``count`` submission folders s00, s01, ... in ``folder``: copies of the reference solutions, some with
    modules of the bundled buggy example or an untouched stub. Returns how many of each kind."""
    kinds = {"reference": 0, "buggy conv_numpy.py": 0, "buggy filters.py + shapes.py": 0,
             "whole buggy example": 0, "conv_torch.py left as the stub": 0}
    for i in range(count):
        student = folder / f"s{i:02d}"
        student.mkdir(parents=True)
        source = {module: SOLUTIONS for module in MODULES}
        if i % 10 == 3:
            source, kind = {module: BUGGY for module in MODULES}, "whole buggy example"
        elif i % 10 == 7:
            source["conv_torch"], kind = STUBS, "conv_torch.py left as the stub"
        elif i % 5 == 1:
            source["conv_numpy"], kind = BUGGY, "buggy conv_numpy.py"
        elif i % 5 == 2:
            source["filters"] = source["shapes"] = BUGGY
            kind = "buggy filters.py + shapes.py"
        else:
            kind = "reference"
        for module, origin in source.items():
            shutil.copyfile(origin / f"{module}.py", student / f"{module}.py")
        shutil.copyfile(SOLUTIONS / "answers.yaml", student / "answers.yaml")
        kinds[kind] += 1
    return {kind: n for kind, n in kinds.items() if n}


@dataclass(frozen=True)
class GradeAll:
    """One timed `autograder grade-all`."""

    submissions: int
    seconds: float
    jobs: int
    kinds: dict[str, int]
    failed: str = ""
    """Non-empty when the command failed: the first line of the error and its output's last lines."""

    @property
    def per_submission(self) -> float:
        return self.seconds / self.submissions


def grade_all_seconds(count: int, work: Path) -> GradeAll:
    """Wall time of one `autograder grade-all` over ``count`` generated submissions (default executor and jobs)."""
    submissions = work / "submissions"
    kinds = make_submissions(submissions, count)
    command = _bin("autograder") or [sys.executable, "-c", "import sys; from autograder.cli import main; "
                                                           "sys.exit(main(sys.argv[1:]))"]
    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        seconds = _seconds(command + ["--course", str(REPO), "grade-all", str(submissions), "--out",
                                      str(work / "grades"), "--assignment", ASSIGNMENT], cwd=work)
    except RuntimeError as error:
        return GradeAll(count, 0.0, jobs, kinds, failed=_summary(error))
    return GradeAll(count, seconds, jobs, kinds)


def _summary(error: RuntimeError) -> str:
    lines = str(error).splitlines()
    return f"{lines[0]}: {' | '.join(lines[-3:])[-300:]}"


@dataclass(frozen=True)
class Nbgrader:
    """nbgrader autograde on the equivalent notebooks, or why it was not measured."""

    submissions: int = 0
    seconds: float = 0.0
    skipped: str = ""
    """Non-empty when not measured: the reason."""

    @property
    def per_submission(self) -> float:
        return self.seconds / self.submissions


def nbgrader_seconds(count: int, work: Path) -> Nbgrader:
    """`autograder nbgrader build` -> `nbgrader generate_assignment` -> ``count`` submissions (the source
    notebooks, i.e. the solutions) -> time `nbgrader autograde` on all of them."""
    nbgrader = _bin("nbgrader")
    if not nbgrader:
        return Nbgrader(skipped="nbgrader is not installed (pip install 'inf721-autograder[nbgrader]')")
    autograder = _bin("autograder")
    if not autograder:
        return Nbgrader(skipped="the `autograder` command is not installed")
    probe = subprocess.run(autograder + ["nbgrader", "build", "--help"], capture_output=True, cwd=REPO,
                           env=_environment())
    if probe.returncode != 0:
        return Nbgrader(skipped="`autograder nbgrader build` does not exist in this version of the grader")
    course = work / "nbgrader-course"
    try:
        _seconds(autograder + ["--course", str(REPO), "nbgrader", "build", ASSIGNMENT, "--out", str(course)],
                 cwd=REPO)
        _seconds(nbgrader + ["generate_assignment", ASSIGNMENT, "--force"], cwd=course)
        notebooks = sorted((course / "source" / ASSIGNMENT).glob("*.ipynb"))
        if not notebooks:
            return Nbgrader(skipped=f"`autograder nbgrader build` wrote no notebooks in source/{ASSIGNMENT}/")
        for i in range(count):
            submitted = course / "submitted" / f"nb{i:02d}" / ASSIGNMENT
            submitted.mkdir(parents=True)
            for notebook in notebooks:
                shutil.copyfile(notebook, submitted / notebook.name)
        seconds = _seconds(nbgrader + ["autograde", ASSIGNMENT, "--force"], cwd=course)
    except RuntimeError as error:
        return Nbgrader(skipped=f"failed: {_summary(error)}")
    return Nbgrader(count, seconds)


def measure(submissions: int = 50, nbgrader_submissions: int = 5, import_repeats: int = 5,
            keep: Path | None = None) -> tuple[float, GradeAll, Nbgrader]:
    """import torch, grade-all and nbgrader timings, in a temporary folder (or ``keep``, left in place).
    `import torch` is the median of ``import_repeats`` runs before grading and as many after, so that it sees
    the machine as busy as the gradings did."""
    work = Path(tempfile.mkdtemp(prefix="autograder-bench-")) if keep is None else keep
    try:
        imports = import_torch_seconds(import_repeats)
        graded = grade_all_seconds(submissions, work / "grade-all")
        nb = nbgrader_seconds(nbgrader_submissions, work / "nbgrader")
        imports += import_torch_seconds(import_repeats, warm=False)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return statistics.median(imports), graded, nb
