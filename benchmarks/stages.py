"""Where a grading's time goes: `python -m benchmarks.stages` grades generated submissions one after another in
this process, as one job of `grade-all` does (autograder.batch.jobs.grade_job), with a timer on each stage.

    python -m benchmarks.stages                    # 10 submissions (the grading benchmark's mix), one untimed first
    python -m benchmarks.stages --submissions 20 --reference-only
    python -m benchmarks.stages --profile FILE     # also a cProfile of the timed gradings (pstats format)

Each stage is a function of the grader wrapped for the run: its calls, its wall time and the CPU time of the
host's thread that ran it (time.thread_time: the grader's own work, not the worker's), inclusive of the stages
it calls (indented below it). The last lines add the host process's CPU time (all its threads: the disk watch
included), the workers' CPU time as the kernel counts it, and the wall time, per submission. Wall time on a
loaded machine includes waiting for a core; the CPU times move much less (docs/benchmark.md).
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]

STAGES = (
    # (name, module, attribute path, depth in the table)
    ("load the course (once, cached)", "autograder.batch.jobs", "_course", 0),
    ("answers.yaml questions", "autograder.pipeline", "grade_questions", 0),
    ("cases (expand_assignment)", "autograder.pipeline", "expand_assignment", 0),
    ("read the modules", "autograder.pipeline", "read_modules", 0),
    ("static scans", "autograder.pipeline", "_static_scans", 0),
    ("reference expected values", "autograder.pipeline", "ReferenceTruth.expected", 0),
    ("sandbox (run_calls)", "autograder.pipeline", "run_calls", 0),
    ("copy the submission into scratch", "autograder.sandbox.host", "copy_submission", 1),
    ("start a worker (fork from the pool)", "autograder.sandbox.host", "_Session._start", 1),
    ("start the baseline worker", "autograder.sandbox.host", "_Session._baseline_worker", 1),
    ("awaiting answers (Worker.receive)", "autograder.sandbox.process", "Worker.receive", 1),
    ("graded calls (_call)", "autograder.sandbox.host", "_Session._call", 1),
    ("speed timings (_timed)", "autograder.sandbox.host", "_Session._timed", 1),
    ("finish a worker", "autograder.sandbox.process", "Worker.finish", 1),
    ("kill strays after a worker", "autograder.sandbox.host", "kill_strays", 1),
    ("scans of /proc (sandbox_processes)", "autograder.sandbox.host", "sandbox_processes", 2),
    ("scans of /proc in speed (sandbox_cpu)", "autograder.sandbox.speed", "sandbox_cpu", 2),
    ("disk watch checks (all threads)", "autograder.sandbox.disk", "Watch.check", 2),
    ("verdicts (judge)", "autograder.pipeline", "judge", 0),
    ("diagnoses", "autograder.pipeline", "diagnose_exercise", 0),
    ("results.json + run.json", "autograder.batch.jobs", "GradingRun.to_dict", 0),
)


@dataclass
class Clock:
    calls: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    by_key: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """Wall seconds by exercise (graded calls and timings)."""
    worker_by_key: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    """The worker's CPU seconds (the kernel's count) by exercise."""


def _timed(clock: Clock, function: Callable, key: Callable | None = None) -> Callable:
    from autograder.sandbox.process import process_cpu

    def wrapper(*args, **kwargs):
        worker = args[1] if key is not None else None
        worker_cpu = process_cpu(worker.pid) if worker is not None else None
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent = time.perf_counter() - wall
            clock.calls += 1
            clock.wall += spent
            clock.cpu += time.thread_time() - cpu
            if key is not None:
                clock.by_key[key(*args, **kwargs)] += spent
                after = process_cpu(worker.pid)
                if worker_cpu is not None and after is not None:
                    clock.worker_by_key[key(*args, **kwargs)] += after - worker_cpu
    return wrapper


def instrument() -> dict[str, Clock]:
    """Wrap every stage of STAGES where the grader looks it up; the clocks, by stage name."""
    clocks = {}
    for name, module_name, path, _ in STAGES:
        module = importlib.import_module(module_name)
        *owners, attribute = path.split(".")
        owner = module
        for part in owners:
            owner = getattr(owner, part)
        if owner is module and module_name == "autograder.batch.jobs" and attribute == "_course":
            continue  # lru_cache'd: timed as part of the first, untimed grading
        clock = clocks[name] = Clock()
        key = (lambda self, worker, call, *rest, **kw: call.exercise) if attribute in ("_call", "_timed") else None
        setattr(owner, attribute, _timed(clock, getattr(owner, attribute), key))
    return clocks


def _worker_cpu() -> list[float]:
    """Wrap Worker.finish to read each worker's CPU time (the kernel's count) just before it is killed."""
    from autograder.sandbox import process

    seen: list[float] = []
    finish = process.Worker.finish

    def finishing(self):
        seen.append(process.process_cpu(self.pid) or 0.0)
        return finish(self)

    process.Worker.finish = finishing
    return seen


def jobs(folder: Path, count: int, reference_only: bool):
    from autograder.batch.jobs import Job
    from benchmarks.grading import MODULES, SOLUTIONS, make_submissions

    if reference_only:
        for i in range(count):
            student = folder / f"s{i:02d}"
            student.mkdir(parents=True)
            for module in MODULES:
                (student / f"{module}.py").write_bytes((SOLUTIONS / f"{module}.py").read_bytes())
            (student / "answers.yaml").write_bytes((SOLUTIONS / "answers.yaml").read_bytes())
    else:
        make_submissions(folder, count)
    for student in sorted(folder.iterdir()):
        files = tuple(sorted((p.name, p.read_bytes()) for p in student.iterdir()))
        yield Job(student.name, files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--reference-only", action="store_true", help="every submission a copy of the reference")
    parser.add_argument("--profile", help="write a cProfile of the timed gradings here")
    args = parser.parse_args(argv)

    from autograder.batch.jobs import grade_job
    from benchmarks.__main__ import load

    print(f"# {args.submissions} submissions, {'reference only' if args.reference_only else 'grading mix'}, "
          f"pid {os.getpid()}, {load()}")
    with tempfile.TemporaryDirectory(prefix="autograder-stages-") as work:
        every = list(jobs(Path(work) / "submissions", args.submissions + 1, args.reference_only))
        started = time.perf_counter()
        grade_job(str(REPO), "l10_convolutions", every[0])  # untimed: loads the course, starts the warm pool
        print(f"first grading (course load, warm pool start): {time.perf_counter() - started:.2f} s wall")
        clocks = instrument()
        workers = _worker_cpu()
        profiler = cProfile.Profile() if args.profile else None
        wall, cpu = time.perf_counter(), time.process_time()
        scores = []
        if profiler:
            profiler.enable()
        for job in every[1:]:
            run = grade_job(str(REPO), "l10_convolutions", job)["run"]
            scores.append(sum(c["score"] for e in run["exercises"] for c in e["cases"]))
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = args.submissions
    print(f"scores: {sorted(set(round(s, 2) for s in scores))}\n")
    print(f"| {'stage':<44} | calls/sub | wall s/sub | host CPU s/sub | worker CPU s/sub |")
    print(f"|{'-' * 46}|-----------|------------|----------------|------------------|")
    for name, _, _, depth in STAGES:
        clock = clocks.get(name)
        if clock is None:
            continue
        worker = sum(clock.worker_by_key.values())
        print(f"| {'  ' * depth + name:<44} | {clock.calls / n:9.1f} | {clock.wall / n:10.3f} | {clock.cpu / n:14.3f} "
              f"| {f'{worker / n:.3f}' if clock.worker_by_key else '':>16} |")
        for key, seconds in sorted(clock.by_key.items(), key=lambda item: -item[1]):
            print(f"| {'  ' * (depth + 1) + key:<44} | {'':9} | {seconds / n:10.3f} | {'':14} "
                  f"| {clock.worker_by_key.get(key, 0.0) / n:16.3f} |")
    print(f"| {'host process CPU (all threads)':<44} | {'':9} | {'':10} | {cpu / n:14.3f} | {'':16} |")
    print(f"| {'workers CPU (kernel count, all workers)':<44} | {len(workers) / n:9.1f} | {'':10} | {'':14} "
          f"| {sum(workers) / n:16.3f} |")
    print(f"| {'wall per submission':<44} | {'':9} | {wall / n:10.3f} | {'':14} | {'':16} |")
    print(f"\n{load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
