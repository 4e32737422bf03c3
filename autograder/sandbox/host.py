"""The grader's side of the sandbox: one worker process per submission, driven one request at a time, watched,
limited and restarted.

What runs is exactly what was read: the worker imports the submission's modules only from the texts the host
read and scanned (sent with each import request; the files on disk are not consulted), and only the modules of
its group (groups.py: the exercises that forbid nothing share one worker; those of one module and one list of
forbidden APIs have one of their own); workers run one after another, each in a fresh scratch folder holding
those module texts and the submission's data files (nothing Python imports from). The worker runs with
`python -I -S`, an environment with nothing from the grader's, only the interpreter's library folders on
`sys.path` (no repository path, no submission folder, no `.pth` hooks), resource limits, and its own process
group. The host sends one request
(import a module, call a function with its inputs) and sets its deadline on its own clock; the only thing it
takes from the worker is the answer to that request. A case that hangs is killed at its time limit; a worker
that crashes, exits or breaks the protocol is replaced for the remaining calls, so one bad case costs only
itself. Everything that comes back is decoded by the strict codec; speed cases are timed from outside
(speed.py), inputs changed in place are seen in shared memory (arguments.py).
"""
from __future__ import annotations

import json
import logging
import multiprocessing.util
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Mapping, Sequence

from autograder import codec, tempfolders
from autograder.intake import read_modules
from autograder.sandbox import answers, arguments, disk, groups as groups_, pool, speed, static, wire
from autograder.sandbox import isolation as isolation_
from autograder.sandbox.isolation import Isolation, Level, Policy
from autograder.sandbox.process import (STACK_SECONDS, Channels, Cold, OutputDrain, OverCpu, ProtocolBreak, Stopped,
                                        Timeout, Worker, kill_all, pipes, running, sandbox_processes, stop_sandbox)
from autograder.sandbox.protocol import Call, ModuleLoad, Outcome, OutcomeKind, SandboxReport
from autograder.sandbox.stack import Where, defined_at, student_frame
from autograder.sandbox.static.families import guarded

WORKER_SOURCE = Path(__file__).with_name("worker.py")
RUNTIME_SOURCES = (WORKER_SOURCE, Path(codec.__file__), Path(wire.__file__), isolation_.FILTER_SOURCE)
START_SECONDS = 120.0
"""How long the worker may take to start (importing torch on a loaded machine), not charged to any case."""
MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
FILE_LIMIT_BYTES = 64 * 2**20
"""RLIMIT_FSIZE of the worker: the largest file it may write."""
OPEN_FILES = 1024
"""RLIMIT_NOFILE of the worker: with RLIMIT_FSIZE, a bound on what files held open can take between two looks of
the disk watch (autograder.sandbox.disk)."""
log = logging.getLogger("autograder.sandbox")
ESCAPED = "another process of the submission, running beside the function (the grader cannot follow it there)"
MAX_SUBMISSION_FILES = 2000
MAX_SUBMISSION_DEPTH = 32
"""Folders nested in a submission folder (as batch/submissions.py's MAX_DEPTH): deeper is refused, not walked
(Python 3.11's os.walk recurses: 1,200 nested folders were a RecursionError, a grader error)."""
MAX_CRASHES = 3
"""After this many cases of one exercise killed the worker, its remaining cases are not run (each would cost a
worker restart, seconds with torch) and count as crashed too."""
SKIPPED_NAMES = {"__pycache__", ".git", ".ipynb_checkpoints", ".venv", "venv", "node_modules"}
CODE_SUFFIXES = (".py", ".pyw", ".pyc", ".pyo", ".pyd", ".so", ".pth")
"""Files Python can import or run (sources, bytecode, extension modules, path hooks): a submission's are never
copied into the worker's folder. Its modules are the texts the host read; a `test_*.py`, a helper module, a
package folder or a compiled `conv_torch.cpython-311-x86_64-linux-gnu.so` beside them is left out."""


class SubmissionError(Exception):
    """The submission folder cannot be used at all (missing, too large)."""


@dataclass(frozen=True)
class SandboxOptions:
    memory_mb: int = 4096
    output_kb: int = 64
    processes: int = 64
    """Processes and threads the worker's private uid may have at once (namespaces as root only)."""
    isolation: Policy = Policy.AUTO
    python: str = sys.executable
    warm_pool: bool = True
    """Fork workers from a server that has imported NumPy and torch (autograder.sandbox.pool)."""
    disk_mb: int = 256
    """What the worker may write in all (its folder and /tmp together): a size-limited file system with
    namespaces, the host's watch of the scratch folder without (autograder.sandbox.disk)."""
    grading_seconds: float | None = None
    """The whole grading's time budget (course.yaml's `sandbox.grading_seconds`), named in the messages."""
    deadline: float | None = None
    """time.monotonic() when that budget runs out: no call runs past it, and the calls left are not run."""


def run_calls(submission: Path, calls: list[Call], functions: dict[str, list[str]],
              options: SandboxOptions = SandboxOptions(),
              progress: Callable[[dict[str, Outcome], dict[str, ModuleLoad]], None] | None = None,
              sources: Mapping[str, str] | None = None,
              groups: Sequence[groups_.WorkerGroup] | None = None) -> SandboxReport:
    """Run every call against the submission's modules in sandboxed worker processes, one group of exercises
    (groups.py) after another. `sources` are the module texts the workers import (the pipeline's, as it read and
    scanned them; by default read here, within intake's cap); a module not among them cannot be imported.
    `groups` default to groups.plan over the calls. `progress` (the host's, never the student's) is given the
    outcomes and module loads so far each time a call is settled."""
    isolation = isolation_.choose(options.isolation, options.python)
    if sources is None:
        read = read_modules(submission, sorted({*functions, *(c.module for c in calls)}))
        sources = {m: s.text for m, s in read.items() if s.text is not None and not s.problem}
    if groups is None:
        groups = default_groups(calls, sources)
    scratch = tempfolders.make("autograder-")
    files = tempfolders.make("autograder-files-")  # the host's: never inside a worker's view
    try:
        copy_submission(submission, files / "data", data_only=True)
        runtime = scratch / "runtime"
        runtime.mkdir()
        for source in RUNTIME_SOURCES:
            shutil.copyfile(source, runtime / source.name)
        session = _Session(scratch, scratch / "work", runtime, functions, options, isolation, progress,
                           Modules(dict(sources), files / "data", tuple(groups)))
        return session.run(calls)
    finally:
        kill_strays(scratch)
        tempfolders.remove(scratch)
        tempfolders.remove(files)


@dataclass(frozen=True)
class Modules:
    """What a submission's workers may load: module texts as the host read and scanned them, the data files, and
    which exercises share a worker (groups.py)."""

    sources: Mapping[str, str]
    data: Path
    """The submission's files other than code (CODE_SUFFIXES), copied once, outside every worker's view."""
    groups: tuple[groups_.WorkerGroup, ...]


def default_groups(calls: Sequence[Call], sources: Mapping[str, str]) -> tuple[groups_.WorkerGroup, ...]:
    """The workers of `calls` where the caller gives none (the pipeline gives its own, the ones it scanned for)."""
    exercises = {c.exercise: groups_.Exercise(c.exercise, c.module, tuple(c.forbidden)) for c in calls}

    def imports(module: str, excused: frozenset[str]) -> list[str]:
        return [name for _, name in static.imported_modules(sources[module], excused)]

    return groups_.plan(exercises.values(), sources, imports)


def _wait_gone(killed: list[int], seconds: float = 5.0) -> list[int]:
    """Wait until the processes `killed` (SIGKILL sent) are gone or zombies; those still running after `seconds`."""
    deadline = time.monotonic() + seconds
    while killed and time.monotonic() < deadline:
        killed = [pid for pid in killed if running(pid)]
        if killed:
            time.sleep(0.005)
    return killed


def kill_strays(scratch: Path, uid: int | None = None) -> int:
    """Kill every process of the sandbox (`process.sandbox_processes`: the scratch folder's marker or working
    folder, the private uid), the worker included. Returns how many are still running after 5 s (0 normally).
    Linux only (reads /proc); elsewhere the process-group kill is all there is."""
    killed = stop_sandbox(scratch, uid)
    deadline = time.monotonic() + 5.0  # SIGKILL is delivered asynchronously: wait until they are gone
    while killed and time.monotonic() < deadline:
        killed = [pid for pid in killed if running(pid)]
        if killed:
            time.sleep(0.01)
    return len(killed)


def copy_submission(source: Path, target: Path, data_only: bool = False) -> None:
    """Copy the submission's regular files (no links, no caches), refusing oversized submissions; with
    `data_only`, none that Python imports or runs (CODE_SUFFIXES)."""
    if not source.is_dir():
        raise SubmissionError(f"{source}: the submission folder does not exist")
    total, count = 0, 0
    target.mkdir(parents=True)
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES and not os.path.islink(os.path.join(root, d)))
        relative = Path(root).relative_to(source)
        if dirs and len(relative.parts) >= MAX_SUBMISSION_DEPTH:
            raise SubmissionError(f"{source}: the submission's folders are nested more than {MAX_SUBMISSION_DEPTH} "
                                  "deep; submit only your .py files")
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file() or (data_only and is_code(name)):
                continue
            count += 1
            total += path.stat().st_size
            if count > MAX_SUBMISSION_FILES or total > MAX_SUBMISSION_BYTES:
                raise SubmissionError(f"{source}: the submission is larger than {MAX_SUBMISSION_FILES} files "
                                      f"or {MAX_SUBMISSION_BYTES // 2**20} MB; submit only your .py files")
            shutil.copyfile(path, target / relative / name)


def is_code(name: str) -> bool:
    """Whether Python could import or run a file of this name (CODE_SUFFIXES, versioned `.so.1` included)."""
    lower = name.lower()
    return lower.endswith(CODE_SUFFIXES) or ".so." in lower


def library_paths() -> list[str]:
    """The site-packages folders the worker may import from (the standard library it finds by itself).

    Added to `sys.path` directly, so their `.pth` files, which could put an editable install of the
    grader (and the repository) on the path, are not processed."""
    return isolation_.site_packages()


def worker_paths() -> list[str]:
    """`library_paths` as every worker's job names them (resolved): with the interpreter, the warm pool's key."""
    return [os.path.realpath(p) for p in library_paths()]


def prestart_pool(options: SandboxOptions, many: bool = False) -> None:
    """Start the warm pool's server now where the options use it (pool.prestart): its imports overlap the host's
    own work before the first worker is needed. `many`: for a whole class (pool.Zygote)."""
    if options.warm_pool:
        pool.prestart(options.python, worker_paths(), base_env(), many)


def share_pool(options: SandboxOptions):
    """(python, paths, socket) of this process's warm pool server, started now, for the processes this one starts
    to grade (pool.share, pool.attach); None where the options do not use it or it cannot start."""
    if not options.warm_pool:
        return None
    paths = worker_paths()
    control = pool.share(options.python, paths, base_env())
    return (options.python, paths, control) if control is not None else None


def base_env() -> dict[str, str]:
    """What every worker's environment holds: nothing of the grader's but the GPU selection."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    for key in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


class _Session:
    """One submission's grading run: workers started one after another until every call is settled."""

    def __init__(self, scratch: Path, work: Path, runtime: Path, functions: dict[str, list[str]],
                 options: SandboxOptions, isolation: Isolation, progress=None, modules: Modules | None = None):
        self.scratch, self.work, self.runtime = scratch, work, runtime
        self.loadable = modules if modules is not None else Modules({}, scratch / "no-data", ())
        self.group: groups_.WorkerGroup | None = None
        """The group whose worker runs now: the modules it may import, the rules its calls share."""
        self.functions, self.options, self.isolation = functions, options, isolation
        self.progress = progress
        self.outcomes: dict[str, Outcome] = {}
        self.modules: dict[str, ModuleLoad] = {}
        self.output = bytearray()
        self.dropped = 0
        self.starts = 0
        self.pooled = 0
        self.spent: dict[str, float] = {}
        """Seconds each exercise's cases have run, over every worker started: the exercise limit is for them all."""
        self.crashes: dict[str, int] = {}
        self.hangs: dict[str, tuple[str, Where | None]] = {}
        """Exercise -> the case that ran out of its time limit and where the student's code was (feedback only)."""
        self._where: Where | None = None
        self.baseline: Worker | None = None
        """The worker that runs speed cases' baselines (never student code): taken from `_BASELINES` (kept by an
        earlier grading of this process) or started at the first speed case, given back at the end."""
        self.others_seen: list[int] | None = None
        """The sandbox's other processes at the last look (`_others`), None before one."""

    def run(self, calls: list[Call]) -> SandboxReport:
        try:
            return self._run(calls)
        finally:
            if self.baseline is not None:
                if self.isolation.level is Level.PROCESS:
                    # The student's workers ran under the grader's own uid beside it: they could open its
                    # /proc/PID/mem (no seccomp rule covers an open) and change the next grading's baseline.
                    _end_baseline(self.baseline)
                else:  # a private uid in a namespace of its own: the baseline is out of the worker's reach
                    _BASELINES.give(self._baseline_key(), self.baseline)
                self.baseline = None

    def _run(self, calls: list[Call]) -> SandboxReport:
        # One group after another, each in workers of its own (groups.py); never two workers side by side.
        for group in self.loadable.groups:
            self.group = group
            self._run_group([c for c in calls if c.exercise in group.exercises])
        self.group = None
        for call in calls:
            if call.key not in self.outcomes:
                load = self.modules.get(call.module)
                message = load.message if load else "not run"
                self.outcomes[call.key] = Outcome(OutcomeKind.NOT_RUN, message=message)
        output = self.output.decode("utf-8", "replace")
        return SandboxReport(outcomes=self.outcomes, modules=self.modules, output=output,
                             output_dropped=self.dropped, starts=self.starts, pooled=self.pooled,
                             isolation=self.isolation)

    def _run_group(self, calls: list[Call]) -> None:
        """Workers for one group's calls, one after another, until every call is settled."""
        pending = [c for c in calls if c.key not in self.outcomes]
        while pending:
            if self._budget_left() <= 0:  # no worker is started past the budget
                for call in pending:
                    self._settle_without_running(call)
                break
            self.starts += 1
            settled = len(self.outcomes) + len(self.modules)
            self._run_worker(pending)
            pending = [c for c in pending if c.key not in self.outcomes and self._module_ok(c.module)]
            for call in pending:
                self._settle_without_running(call)
            self._report_progress()
            pending = [c for c in pending if c.key not in self.outcomes]
            if pending and len(self.outcomes) + len(self.modules) == settled:
                # A worker that stops without settling anything would loop forever.
                tail = self._output_tail()
                for call in pending:
                    self.outcomes[call.key] = Outcome(OutcomeKind.NOT_RUN, grader_fault=True,
                                                      message="the student's process stopped between calls",
                                                      traceback=tail)
                break

    def _report_progress(self) -> None:
        """Give `progress` the outcomes so far; its failure (the host's) is logged, never blamed on the worker."""
        if self.progress is None:
            return
        try:
            self.progress(dict(self.outcomes), dict(self.modules))
        except Exception:  # noqa: BLE001
            log.exception("autograder: reporting the grading's progress failed")

    def _budget_left(self) -> float:
        """Seconds until the grading's budget runs out (infinite without one)."""
        return float("inf") if self.options.deadline is None else self.options.deadline - time.monotonic()

    def _settle_without_running(self, call: Call) -> bool:
        """Settle a call when the grading's budget, its exercise's time or its crashes are used up; True when
        settled."""
        if self._budget_left() <= 0:
            self.outcomes[call.key] = _budget_out(self.options.grading_seconds, ran=False)
        elif self.spent.get(call.exercise, 0.0) >= call.exercise_seconds:
            self.outcomes[call.key] = _used_up(call, self.hangs.get(call.exercise))
        elif self.crashes.get(call.exercise, 0) >= MAX_CRASHES:
            self.outcomes[call.key] = Outcome(OutcomeKind.CRASHED, message=(
                f"not run: {call.function} crashed the process in {MAX_CRASHES} earlier cases"))
        return call.key in self.outcomes

    def _output_tail(self) -> str:
        """The end of what the worker printed: for staff when the worker failed in a way that is ours."""
        return self.output.decode("utf-8", "replace")[-2000:]

    def _module_ok(self, module: str) -> bool:
        load = self.modules.get(module)
        return load is None or load.ok

    def _run_worker(self, calls: list[Call]) -> None:
        """Start one worker and drive it through `calls` until they are all settled or it fails."""
        cuda = any(c.device == "cuda" for c in calls)
        self._fresh_folders()
        worker = self._start(self._job(calls, baseline=False), cuda, jailed=True)
        drain = OutputDrain(worker.process.stdout, max(self.options.output_kb * 1024 - len(self.output), 0))
        drain.start()
        arena = os.fstat(worker.arena.fd)
        others = _nobody if worker.alone else partial(sandbox_processes, self.scratch, worker.uid, worker.pid)
        watch = disk.Watch(self.scratch if self.isolation.level is Level.PROCESS else None, self.options.disk_mb,
                           worker.pid, others, {(arena.st_dev, arena.st_ino)})
        current: tuple[str, str] | None = None  # ("import", module), ("call", key) or ("timing", key)
        reason, detail = "done", ""
        try:
            ready = worker.receive(time.monotonic() + START_SECONDS)
            if ready.get("op") != "ready":
                raise ProtocolBreak("the first message was not 'ready'")
            imported: set[str] = set()  # by this worker: a replacement imports the modules again
            for call in calls:
                if call.key in self.outcomes or not self._module_ok(call.module):
                    continue
                if self._budget_left() <= 0:  # no import either: every call left says the budget ran out
                    self._settle_without_running(call)
                    continue
                if call.module not in imported:
                    current = ("import", call.module)
                    started = time.monotonic()
                    try:  # charged to the exercise that needs it: a replacement worker imports the module again
                        answer = worker.ask({"op": "import", "module": call.module,
                                             "functions": self.functions.get(call.module, []),
                                             "sources": self._sources()},
                                            max(min(self._import_seconds(calls, call.module),
                                                    self._budget_left()), 0.0), "imported")
                    finally:
                        self.spent[call.exercise] = self.spent.get(call.exercise, 0.0) + time.monotonic() - started
                    load = answers.module_load(call.module, answer)
                    if not load.ok and call.module in self.modules:
                        load = _failed_again(load)
                    if call.module not in self.modules or not load.ok:
                        self.modules[call.module] = load
                    imported.add(call.module)
                    current = None
                    if not load.ok:
                        continue
                if self._settle_without_running(call):
                    continue
                current = ("call", call.key)
                outcome = self._call(worker, call)
                if watch.check(self.others_seen):  # the processes _call found after the answer: one sweep of /proc
                    raise Stopped("over the disk quota")
                if call.timing is not None and outcome.kind is OutcomeKind.RETURNED:
                    self.outcomes[call.key] = outcome  # settled already, should the timing fail
                    current = ("timing", call.key)
                    outcome = self._timed(worker, call, outcome)
                self.outcomes[call.key] = outcome
                current = None
                self._report_progress()
                if outcome.timing_problem:  # a timing that ended early may leave the worker mid-call: replace it
                    raise Stopped("replaced after its timing ended early")
        except _Settled:
            reason = "done"
        except Timeout:
            reason = "timeout"
            if current is not None and current[0] == "call" and self._budget_left() > STACK_SECONDS:
                # where it was, read before the worker is stopped (never past the grading's time budget)
                files = {f"{m}.py" for m in self.functions} | {f"{c.module}.py" for c in calls}
                self._where = defined_at(student_frame(worker.stack(), files), self.loadable.sources)
        except Stopped:
            reason = "exited"
        except ProtocolBreak as error:
            reason, detail = "protocol", str(error)
        except speed.Interrupted as interrupted:
            reason = {Timeout: "timeout", Stopped: "exited"}.get(type(interrupted.cause), "protocol")
            detail = str(interrupted.cause)
        except Exception as error:  # noqa: BLE001 (an answer the host could not read is the worker's, never a grader error)
            log.exception("autograder: an answer of the worker could not be read")
            reason, detail = "protocol", f"an answer the grader could not read ({type(error).__name__})"
        finally:
            watch.stop()
            returncode = worker.finish()
            kill_strays(self.scratch, worker.uid)  # before draining: an escaped child may hold the output pipe open
            drain.join(timeout=5)
            self.output += drain.kept
            self.dropped += drain.dropped
        if watch.exceeded:
            reason, detail = "disk", watch.exceeded
        if reason != "done":
            self._blame(current, calls, reason, detail, returncode)

    def _call(self, worker: Worker, call: Call) -> Outcome:
        """One graded call: its inputs sent with it, its deadline on the host's clock, its inputs read back. A
        speed case's call is also bounded by CPU time (speed.bound): past it, it is too slow and is stopped there,
        settled (_Settled), so that the wall-clock limit, which depends on the machine's load, never decides it."""
        bound = self._speed_bound(call) if call.timing is not None else None
        budget = call.exercise_seconds - self.spent.get(call.exercise, 0.0)
        encoded, placed = arguments.encode(worker.arena, call.args, call.device)
        request = {"op": "call", "id": call.key, "module": call.module, "function": call.function, "args": encoded,
                   "forbid": list(guarded(call.forbidden)), "device": call.device}
        spill = arguments.spill_slot(worker.arena, encoded)
        if spill is not None:
            request["spill"] = spill
        # Another process of the sandbox running beside a call that forbids APIs is where the worker's guards do
        # not reach: a forbidden use, seen by the host before the call and after its answer. Then every process
        # the call left running is killed, so that no helper started by one exercise serves another.
        escaped = bool(call.forbidden) and bool(self._others(worker))
        started = time.monotonic()
        try:
            answer = worker.ask(request, max(min(call.case_seconds, budget, self._budget_left()), 0.0), "result",
                                cpu_seconds=bound[0] if bound else None)
        except OverCpu as over:
            self.outcomes[call.key] = Outcome(
                OutcomeKind.TIMEOUT, message=f"stopped after {over.seconds:.2f} s of CPU time, certainly more than "
                f"{call.timing.max_ratio:g} times the baseline's", seconds=over.seconds,
                timing=(over.seconds, bound[1]), timing_ratios=(over.seconds / bound[1],))
            raise _Settled() from None
        finally:
            self.spent[call.exercise] = self.spent.get(call.exercise, 0.0) + time.monotonic() - started
        left = self._others(worker)
        escaped = escaped or (bool(call.forbidden) and bool(left))
        # SIGKILL lands when the process is next scheduled: the next call's look must not find it still running
        _wait_gone(kill_all(left))
        mutated = arguments.changed_in_place(worker.arena, placed)
        outcome = answers.outcome(answer, call, mutated, time.monotonic() - started,
                                  arguments.spilled(worker.arena, spill) if spill is not None else None)
        return replace(outcome, forbidden=(*outcome.forbidden, ESCAPED)) if escaped else outcome

    def _speed_bound(self, call: Call) -> tuple[float, float] | None:
        """speed.bound for a speed case's call, measured on the baseline worker; None where the baseline cannot
        run (the timing that follows says so)."""
        baseline = self._baseline_worker()
        if baseline is None:
            return None

        def ask(target: Worker, request: dict, seconds: float) -> dict:
            return target.ask(request, seconds, "result")

        shapes = self._bound_key(call)
        if shapes in baseline.bounds:  # measured by an earlier grading on this worker: the same call, the same answer
            return baseline.bounds[shapes]
        try:
            bound = speed.bound(baseline, call.timing.baseline, list(call.timing.args), call.args,
                                call.timing.max_ratio, secrets.randbits(64), ask)
        except (Timeout, Stopped, ProtocolBreak):
            self._drop_baseline()
            return None
        if bound is not None:
            baseline.bounds[shapes] = bound
        return bound

    @staticmethod
    def _bound_key(call: Call) -> tuple:
        """What a speed bound depends on: the baseline, how it is called, the limit, the inputs' shapes."""
        return (call.timing.baseline, tuple(call.timing.args), call.timing.max_ratio, speed.shapes(call.args))

    def _sources(self) -> dict[str, str]:
        """The module texts the running worker may import: its group's, exactly as the host read them."""
        loadable = self.group.modules if self.group is not None else ()
        return {m: self.loadable.sources[m] for m in loadable if m in self.loadable.sources}

    def _fresh_folders(self) -> None:
        """The worker's folder as the submission gave it (its data files, and its modules as read by the host)
        and an empty temporary folder: nothing an earlier worker wrote there reaches the next one."""
        for folder in (self.work, self.scratch / "tmp"):
            _remove(folder)
        if self.loadable.data.is_dir():
            shutil.copytree(self.loadable.data, self.work, symlinks=True,
                            ignore=lambda _, names: [n for n in names if is_code(n)])
        else:
            self.work.mkdir()
        for module, text in self.loadable.sources.items():
            (self.work / f"{module}.py").write_text(text, encoding="utf-8", errors="replace")
        (self.scratch / "tmp").mkdir()

    def _others(self, worker: Worker) -> list[int]:
        """The live processes of the sandbox other than the worker (kept in `others_seen` for the disk watch).
        None, without reading /proc, where the kernel refuses the worker new processes (`Worker.alone`): each
        sweep reads every process of the machine, and one ran before and after every graded call."""
        self.others_seen = [] if worker.alone else \
            sandbox_processes(self.scratch, worker.uid, exclude=worker.pid, live_only=True)
        return self.others_seen

    def _timed(self, worker: Worker, call: Call, outcome: Outcome) -> Outcome:
        """The speed case's timing (speed.py), against a baseline worker that never runs student code."""
        timing = call.timing
        baseline = self._baseline_worker()
        if baseline is None:
            return replace(outcome, timing=None, timing_problem="the baseline worker could not start",
                           grader_fault=True)
        positional = list(timing.args)
        if baseline.bounds.get(self._bound_key(call)) is None:
            # The bound's rounds (speed.bound, on this worker, before the graded call) did not show the baseline
            # returning on these shapes: one call on the case's own inputs says whether it runs here at all (a
            # grader error), before the student's function is timed against it. Where they did, this probe (its
            # output sent back whole: megabytes) would tell nothing new.
            probe = {"op": "call", "id": "baseline-probe", "target": timing.baseline, "positional": positional,
                     "args": arguments.encode(baseline.arena, call.args, None)[0]}
            try:
                answer = baseline.ask(probe, call.case_seconds, "result")
            except (Timeout, Stopped, ProtocolBreak) as error:
                self._drop_baseline()
                return replace(outcome, grader_fault=True, message=f"the baseline {timing.baseline} failed: {error}")
            if answer.get("kind") != "returned":
                self._drop_baseline()
                return replace(outcome, grader_fault=True, message=(
                    f"{timing.baseline}, the speed case's baseline, cannot be run here "
                    f"({answer.get('kind')}: {answers.text(answer.get('error', {}), 'message', 300)})"))

        def ask(target: Worker, request: dict, seconds: float) -> dict:
            try:
                return target.ask(request, seconds, "result")
            except (Timeout, Stopped, ProtocolBreak) as error:
                if target is baseline:
                    raise _BaselineFailed(str(error)) from None
                raise speed.Interrupted(error) from None

        seed = secrets.randbits(64)  # unpredictable: inputs derived from public data could be computed in advance
        request = {"op": "call", "module": call.module, "function": call.function,
                   "forbid": list(guarded(call.forbidden)), "device": None, "positional": []}
        try:
            measured = speed.measure(worker, baseline, self.scratch, request, timing.baseline, positional, call.args,
                                     timing.max_ratio, timing.repeats, max(call.case_seconds, 5.0), seed, ask)
        except _BaselineFailed as error:
            self._drop_baseline()
            return replace(outcome, grader_fault=True, message=f"the baseline {timing.baseline} failed: {error}")
        except speed.Interrupted as interrupted:
            if isinstance(interrupted.cause, Timeout):  # a timed run that did not finish in time: too slow
                self.outcomes[call.key] = replace(outcome, timing=(float("inf"), 1.0))
            else:
                self.outcomes[call.key] = replace(outcome, timing=None, timing_problem=(
                    "your process stopped or broke the grading protocol during the timed runs"))
            raise
        if measured.student is None:
            return replace(outcome, timing=None, timing_problem=measured.problem)
        return replace(outcome, timing=(measured.student, measured.baseline), timing_ratios=measured.ratios)

    def _baseline_worker(self) -> Worker | None:
        if self.baseline is None:
            self.baseline = _BASELINES.take(self._baseline_key())
        if self.baseline is None:
            try:
                worker = self._start(self._job([], baseline=True), cuda=False, jailed=False)
                ready = worker.receive(time.monotonic() + START_SECONDS)
                if ready.get("op") != "ready":
                    _end_baseline(worker)
                    raise ProtocolBreak("the baseline worker did not say ready")
            except (Timeout, Stopped, ProtocolBreak, OSError):
                return None
            self.baseline = worker
        return self.baseline

    def _drop_baseline(self) -> None:
        """A baseline that failed a request is ended, never kept for another grading."""
        if self.baseline is not None:
            _end_baseline(self.baseline)
            self.baseline = None

    def _baseline_key(self) -> tuple:
        """What a kept baseline worker must share with this grading's to serve it: the interpreter, the library
        paths, the pool or not, and the limits (its job names no folder of the submission's)."""
        job = self._job([], baseline=True)
        return (self.options.python, tuple(job["paths"]), job["refuse_processes"], self.options.warm_pool,
                tuple(sorted(self._rlimits(False).items())))

    def _job(self, calls: list[Call], baseline: bool) -> dict:
        """The worker's set-up: folders, library paths, and the course's forbidden APIs with their families
        (static/families.py, derived here once per list); never a call."""
        paths = worker_paths()
        return {"work": str(self.work), "paths": paths, "baseline": baseline,
                "refuse_processes": not isolation_.process_filter(self.options.python),
                "needs_torch": baseline or any(c.needs_torch or c.timing is not None for c in calls),
                "forbidden": sorted({name for c in calls for name in guarded(c.forbidden)})}

    def _start(self, job: dict, cuda: bool, jailed: bool) -> Worker:
        """A worker, forked from the warm pool where it can be, else a fresh interpreter. `jailed` is False only
        for the baseline worker, which never runs student code (and is not marked as part of the sandbox, so its
        CPU time is not counted as the student's)."""
        limits = self._rlimits(cuda)
        (host_request, worker_request), (worker_response, host_response) = pipes()
        arena = wire.Arena()
        name = "baseline" if job["baseline"] else "worker"
        # The baseline worker lives outside the scratch folder: kill_strays, run after each student worker, would
        # otherwise end it, and the student's CPU count (marker) must not include it.
        folder = self.scratch / "tmp" if jailed else tempfolders.make("autograder-baseline-")
        cwd = self.work if jailed else folder
        env = _worker_env(self.scratch, folder, marked=jailed)
        visible = isolation_.visible_paths(self.options.python, job["paths"])
        owned = [self.work, self.scratch / "tmp"]
        isolation = self.isolation if jailed else Isolation(Level.PROCESS)
        job_path = self.scratch / f"{name}-job.json"
        try:
            if self.options.warm_pool:
                try:
                    server = pool.zygote(self.options.python, job["paths"], base_env())
                    jail = isolation_.jail_config(isolation, self.scratch, env, self.work, visible, owned,
                                                  self.options.processes, self.options.disk_mb)
                    job_path.write_text(json.dumps({**job, "fds": _fds(pool.CHANNELS)}), encoding="utf-8")
                    try:
                        process = server.spawn(job_path, cwd, env, limits, jail,
                                               [worker_request, worker_response, arena.fd])
                    except pool.PoolError as error:
                        pool.discard(server, str(error))
                        raise
                    self.pooled += 1
                    return Worker(process, host_request, host_response, arena,
                                  isolation_.private_uid(isolation, process.pid), alone=job["refuse_processes"],
                                  home=None if jailed else folder)
                except pool.PoolError:
                    pass  # logged by the pool; this worker starts cold
            channels = Channels(worker_request, worker_response, arena.fd)
            job_path.write_text(json.dumps({**job, "fds": _fds(channels)}), encoding="utf-8")
            argv = isolation_.command(
                isolation, self.scratch,
                [self.options.python, "-I", "-S", "-B", str(self.runtime / "worker.py"), str(job_path)], env,
                self.work, visible=visible, owned=owned, processes=self.options.processes,
                disk_mb=self.options.disk_mb)
            popen = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, pass_fds=(worker_request, worker_response, arena.fd),
                                     start_new_session=True, preexec_fn=partial(_limit, limits))
            process = Cold(popen)
            return Worker(process, host_request, host_response, arena, isolation_.private_uid(isolation, process.pid),
                          alone=job["refuse_processes"], home=None if jailed else folder)
        except BaseException:
            for fd in (host_request, host_response):
                os.close(fd)
            arena.close()
            if not jailed:
                tempfolders.remove(folder)
            raise
        finally:
            os.close(worker_request)
            os.close(worker_response)

    def _rlimits(self, cuda: bool) -> dict[str, int | str]:
        """The worker's resource limits. Memory is an address-space limit (RLIMIT_AS), except in a worker that
        runs CUDA cases: CUDA reserves tens of GB of address space when it starts and fails under RLIMIT_AS, so
        there the limit is on data (RLIMIT_DATA: heap and private writable mappings, what NumPy and torch's CPU
        tensors allocate; not the GPU's memory)."""
        return {"memory": self.options.memory_mb * 2**20,
                "file": min(FILE_LIMIT_BYTES, self.options.disk_mb * 2**20),
                "memory_kind": "data" if cuda else "address space", "open_files": OPEN_FILES}

    def _import_seconds(self, calls: list[Call], module: str) -> float:
        return max((c.case_seconds for c in calls if c.module == module), default=10.0)

    def _blame(self, current, calls: list[Call], reason: str, detail: str, returncode: int | None) -> None:
        """Settle the import, call or timing that was in flight when the worker failed."""
        what = _stop_reason(reason, detail, returncode, self.options.memory_mb, self.options.disk_mb)
        if current is None:
            if not self.outcomes and not self.modules:
                tail = self._output_tail()
                for call in calls:  # it died before running anything of the student's: our fault, not theirs
                    self.outcomes[call.key] = Outcome(OutcomeKind.NOT_RUN, message=f"the student's process {what} "
                                                      "before any of its code ran", traceback=tail,
                                                      grader_fault=True)
            return
        kind, name = current
        if kind == "import":
            verb = "took longer than its time limit" if reason == "timeout" else what
            if reason == "timeout" and self._budget_left() <= 0:
                verb = f"was stopped: {_budget_out(self.options.grading_seconds, ran=True).message}"
            self.modules[name] = ModuleLoad(name, False, message=f"importing {name}.py {verb}")
            return
        if kind == "timing":
            return  # the case's value was settled before its timing began (_timed)
        call = next(c for c in calls if c.key == name)
        if reason == "timeout" and self._budget_left() <= 0:
            self.outcomes[name] = _budget_out(self.options.grading_seconds, ran=True)
            return
        if reason == "timeout":
            limit = min(call.case_seconds, call.exercise_seconds)
            exhausted = self.spent.get(call.exercise, 0.0) >= call.exercise_seconds
            scope = f"the exercise's time limit of {call.exercise_seconds:g} s" if exhausted \
                else f"the time limit of {limit:g} s"
            where, self._where = self._where, None
            at = (f"; it was still running {where.function} ({where.file}, defined at line {where.line}): look for a "
                  f"loop in it that never ends") if where else ""
            self.outcomes[name] = Outcome(OutcomeKind.TIMEOUT, message=f"{scope} exceeded{at}",
                                          hidden_message=f"{scope} exceeded")
            self.hangs[call.exercise] = (call.key.split("/", 1)[-1], where)
            return
        kind_ = OutcomeKind.PROTOCOL if reason == "protocol" else OutcomeKind.CRASHED
        self.outcomes[name] = Outcome(kind_, message=f"the process {what}" if kind_ is OutcomeKind.CRASHED else what)
        self.crashes[call.exercise] = self.crashes.get(call.exercise, 0) + 1


class _BaselineFailed(Exception):
    pass


KEPT_BASELINES = 4
"""Baseline workers kept idle per kind in one grader process (one per grading at a time: a thread pool's)."""


class _Baselines:
    """Baseline workers kept between the gradings of this process. A baseline worker never runs student code and
    holds nothing of a submission (the library's function, the speed case's own arguments, random inputs); one
    started per grading cost a fork, an exit, torch's first call and the bound's rounds (docs/benchmark.md). A
    grading takes one (or starts one), gives it back at its end; one that failed a request is ended instead
    (`_Session._drop_baseline`). Only workers of the warm pool are kept (a cold one's files are in its grading's
    scratch folder). Ended with the process (multiprocessing's finalizers, which run at exit in the main process
    and in a process pool's job processes alike)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: dict[tuple, list[Worker]] = {}
        self._owner = os.getpid()
        multiprocessing.util.Finalize(self, self.close, exitpriority=10)

    def take(self, key: tuple) -> Worker | None:
        with self._lock:
            idle = self._idle.get(key, []) if self._owner == os.getpid() else []
            while idle:
                worker = idle.pop()
                if _running(worker.pid):
                    worker.arena.end = 0  # its regions are reused, as a speed case's rounds reuse theirs
                    return worker
                _end_baseline(worker)
        return None

    def give(self, key: tuple, worker: Worker) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if self._owner == os.getpid() and isinstance(worker.process, pool.WarmProcess) \
                    and len(idle) < KEPT_BASELINES and _running(worker.pid):
                idle.append(worker)
                return
        _end_baseline(worker)

    def close(self) -> None:
        with self._lock:
            workers = [w for idle in self._idle.values() for w in idle] if self._owner == os.getpid() else []
            self._idle.clear()
        for worker in workers:
            _end_baseline(worker)


def _running(pid: int) -> bool:
    """Whether process `pid` exists and has not exited (a zombie has: its status waits for the pool's reaping)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X", b"x")


def _end_baseline(worker: Worker) -> None:
    worker.finish()
    if worker.home is not None:
        tempfolders.remove(worker.home)


_BASELINES = _Baselines()


class _Settled(Exception):
    """The call in flight is settled (too slow by CPU time), but the worker is mid-call: replace it."""


def _remove(folder: Path) -> None:
    """Remove a folder a worker may have written (without namespaces, with modes that refuse it)."""
    tempfolders.rmtree(folder)


def _nobody() -> list[int]:
    """The other processes of a worker that cannot make any (Worker.alone)."""
    return []


def _fds(channels: Channels) -> dict[str, int]:
    return {"request": channels.request, "response": channels.response, "arena": channels.arena}


def _worker_env(scratch: Path, folder: Path, marked: bool = True) -> dict[str, str]:
    env = {**base_env(), "HOME": str(folder), "TMPDIR": str(folder)}
    if marked:
        env["AUTOGRADER_SCRATCH"] = str(scratch)
    return env


def _limit(limits: dict) -> None:
    """A cold worker's resource limits (Session._rlimits), set in the child between fork and exec."""
    _die_with_parent()
    kind = resource.RLIMIT_DATA if limits["memory_kind"] == "data" else resource.RLIMIT_AS
    resource.setrlimit(kind, (limits["memory"], limits["memory"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file"], limits["file"]))
    files = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], limits["open_files"])
    resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))


def _die_with_parent() -> None:
    """Linux: have the kernel kill the worker if the grader dies first (killed, out of memory, ^C twice)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop_reason(reason: str, detail: str, returncode: int | None, memory_mb: int, disk_mb: int) -> str:
    if reason == "protocol":
        return f"the worker broke the grading protocol ({detail[:200]}); it was stopped and replaced"
    if reason == "disk":
        return f"wrote more than the disk limit of {disk_mb} MB ({detail}) and was stopped"
    if reason == "timeout":
        return "took too long"
    if returncode is not None and returncode < 0:
        number = -returncode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        hint = f" (possibly the memory limit of {memory_mb} MB)" if number in (signal.SIGABRT, signal.SIGBUS) else ""
        return f"crashed with signal {number} ({name}){hint}"
    return f"exited with status {returncode} (sys.exit or os._exit?)"


def _failed_again(load: ModuleLoad) -> ModuleLoad:
    """A module that imported before and fails in a replacement worker: its error text (and what it printed) is
    the student's code's choice, made after earlier cases, hidden ones among them, could leave their inputs in the
    folder for it to read, so the student reads only that it happened (docs/security.md, "What a hidden case
    tells")."""
    return replace(load, message=f"{load.module}.py imported the first time but could not be imported again in a new "
                                 "process (after a crash or a time-out); its error is not shown", traceback="",
                   stdout="")


def _budget_out(seconds: float | None, ran: bool) -> Outcome:
    """A call stopped (`ran`) or never started because the grading's time budget ran out."""
    budget = f"the grading's time budget of {seconds:g} s" if seconds else "the grading's time budget"
    when = "during this case" if ran else "before this case (not graded)"
    return Outcome(OutcomeKind.TIMEOUT, message=f"{budget} ran out {when}: the earlier cases used it up")


def _used_up(call: Call, hang: tuple[str, Where | None] | None = None) -> Outcome:
    """A call not run because its exercise's time was used up; `hang`: the case that ran out of time, and where."""
    if hang is not None:
        case, where = hang
        at = f" (still running {where.function}, {where.file} line {where.line})" if where else ""
        used_up = f"and used up the exercise's time limit of {call.exercise_seconds:g} s"
        return Outcome(OutcomeKind.TIMEOUT, message=f"not run: case {case} did not finish{at} {used_up}",
                       hidden_message=f"not run: case {case} did not finish {used_up}")
    return Outcome(OutcomeKind.TIMEOUT, message=f"the exercise's time limit of {call.exercise_seconds:g} s "
                                                "was used up by earlier cases")
