"""The grader's side of the sandbox: one worker process per submission, watched, limited and restarted.

The submission is copied into a fresh scratch folder; the worker runs there with `python -I -S`, an
environment with nothing from the grader's, only the interpreter's library folders on `sys.path` (no
repository path, no `.pth` hooks), resource limits, and its own process group. A case that hangs is killed
at its time limit; a worker that crashes or exits is restarted for the remaining calls, so one bad case
costs only itself. Everything that comes back is decoded by the strict codec.
"""
from __future__ import annotations

import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from autograder import codec
from autograder.sandbox import isolation as isolation_
from autograder.sandbox import pool
from autograder.sandbox.isolation import Isolation, Policy
from autograder.sandbox.protocol import Call, ModuleLoad, Outcome, OutcomeKind, SandboxReport

WORKER_SOURCE = Path(__file__).with_name("worker.py")
CODEC_SOURCE = Path(codec.__file__)
START_SECONDS = 120.0
"""How long the worker may take to start (importing torch on a loaded machine), not charged to any case."""
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
FILE_LIMIT_BYTES = 64 * 2**20
"""RLIMIT_FSIZE of the worker: the largest file it may write."""
TIMING_MARGIN_SECONDS = 0.1
"""CPU time of a speed case the worker's reported timings need not account for (clock ticks of 10 ms, encoding
and sending the result)."""
MAX_SUBMISSION_FILES = 2000
MAX_CRASHES = 3
"""After this many cases of one exercise killed the worker, its remaining cases are not run (each would cost a
worker restart, seconds with torch) and count as crashed too."""
SKIPPED_NAMES = {"__pycache__", ".git", ".ipynb_checkpoints", ".venv", "venv", "node_modules"}


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


def run_calls(submission: Path, calls: list[Call], functions: dict[str, list[str]],
              options: SandboxOptions = SandboxOptions()) -> SandboxReport:
    """Run every call against the submission's modules in a sandboxed worker process."""
    isolation = isolation_.choose(options.isolation, options.python)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-"))
    try:
        work = scratch / "work"
        copy_submission(submission, work)
        runtime = scratch / "runtime"
        runtime.mkdir()
        shutil.copyfile(WORKER_SOURCE, runtime / "worker.py")
        shutil.copyfile(CODEC_SOURCE, runtime / "codec.py")
        (scratch / "tmp").mkdir()
        session = _Session(scratch, work, runtime, functions, options, isolation)
        return session.run(calls)
    finally:
        kill_strays(scratch)
        shutil.rmtree(scratch, ignore_errors=True)


def kill_strays(scratch: Path, uid: int | None = None) -> int:
    """Kill every process still marked as started from this scratch folder: children that left the worker's
    process group (setsid, a double fork) keep the marker in their environment or their working folder, and,
    where the worker had a private uid, that uid. Returns how many are still running after 5 s (0 normally).
    Linux only (reads /proc); elsewhere the process-group kill is all there is."""
    marker = f"AUTOGRADER_SCRATCH={scratch}".encode()
    killed: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            owned = uid is not None and entry.stat().st_uid == uid
            environ = b"" if owned else (entry / "environ").read_bytes()
            cwd = "" if owned else os.readlink(entry / "cwd")
        except OSError:
            continue
        if owned or marker in environ.split(b"\0") or cwd == str(scratch) or cwd.startswith(f"{scratch}{os.sep}"):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.monotonic() + 5.0  # SIGKILL is delivered asynchronously: wait until they are gone
    while killed and time.monotonic() < deadline:
        killed = [pid for pid in killed if _running(pid)]
        if killed:
            time.sleep(0.01)
    return len(killed)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def copy_submission(source: Path, target: Path) -> None:
    """Copy the submission's regular files (no links, no caches), refusing oversized submissions."""
    if not source.is_dir():
        raise SubmissionError(f"{source}: the submission folder does not exist")
    total, count = 0, 0
    target.mkdir(parents=True)
    for root, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES and not os.path.islink(os.path.join(root, d)))
        relative = Path(root).relative_to(source)
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file():
                continue
            count += 1
            total += path.stat().st_size
            if count > MAX_SUBMISSION_FILES or total > MAX_SUBMISSION_BYTES:
                raise SubmissionError(f"{source}: the submission is larger than {MAX_SUBMISSION_FILES} files "
                                      f"or {MAX_SUBMISSION_BYTES // 2**20} MB; submit only your .py files")
            shutil.copyfile(path, target / relative / name)


def library_paths() -> list[str]:
    """The site-packages folders the worker may import from (the standard library it finds by itself).

    Added to `sys.path` directly, so their `.pth` files, which could put an editable install of the
    grader (and the repository) on the path, are not processed."""
    paths = [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    paths += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    return list(dict.fromkeys(p for p in paths if os.path.isdir(p)))


def base_env() -> dict[str, str]:
    """What every worker's environment holds: nothing of the grader's but the GPU selection."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    for key in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _worker_env(scratch: Path) -> dict[str, str]:
    return {**base_env(), "HOME": str(scratch / "tmp"), "TMPDIR": str(scratch / "tmp"),
            "AUTOGRADER_SCRATCH": str(scratch)}


class _OutputDrain(threading.Thread):
    """Reads one of the worker's pipes to the end, keeping only the first `limit` bytes."""

    def __init__(self, stream, limit: int):
        super().__init__(daemon=True)
        self.stream, self.limit = stream, limit
        self.kept = bytearray()
        self.dropped = 0

    def run(self) -> None:
        while chunk := self.stream.read(65536):
            room = self.limit - len(self.kept)
            self.kept += chunk[:max(room, 0)]
            self.dropped += max(0, len(chunk) - max(room, 0))


class _Session:
    def __init__(self, scratch: Path, work: Path, runtime: Path, functions: dict[str, list[str]],
                 options: SandboxOptions, isolation: Isolation):
        self.scratch, self.work, self.runtime = scratch, work, runtime
        self.functions, self.options, self.isolation = functions, options, isolation
        self.outcomes: dict[str, Outcome] = {}
        self.modules: dict[str, ModuleLoad] = {}
        self.output = bytearray()
        self.dropped = 0
        self.starts = 0
        self.pooled = 0
        self.spent: dict[str, float] = {}
        self.crashes: dict[str, int] = {}
        """Seconds each exercise's cases have run, over every worker started: the exercise limit is for them all."""

    def run(self, calls: list[Call]) -> SandboxReport:
        pending = list(calls)
        while pending:
            self.starts += 1
            settled = len(self.outcomes) + len(self.modules)
            self._run_worker(pending)
            pending = [c for c in pending if c.key not in self.outcomes and self._module_ok(c.module)]
            for call in pending:
                if self.spent.get(call.exercise, 0.0) >= call.exercise_seconds:
                    self.outcomes[call.key] = _used_up(call)
                elif self.crashes.get(call.exercise, 0) >= MAX_CRASHES:
                    self.outcomes[call.key] = Outcome(OutcomeKind.CRASHED, message=(
                        f"not run: {call.function} crashed the process in {MAX_CRASHES} earlier cases"))
            pending = [c for c in pending if c.key not in self.outcomes]
            if pending and len(self.outcomes) + len(self.modules) == settled:
                # A worker that stops between calls without settling anything would loop forever.
                tail = self._output_tail()
                for call in pending:
                    self.outcomes[call.key] = Outcome(OutcomeKind.NOT_RUN, grader_fault=True,
                                                      message="the student's process stopped between calls",
                                                      traceback=tail)
                break
        for call in calls:
            if call.key not in self.outcomes:
                load = self.modules.get(call.module)
                message = load.message if load else "not run"
                self.outcomes[call.key] = Outcome(OutcomeKind.NOT_RUN, message=message)
        output = self.output.decode("utf-8", "replace")
        return SandboxReport(outcomes=self.outcomes, modules=self.modules, output=output,
                             output_dropped=self.dropped, starts=self.starts, pooled=self.pooled,
                             isolation=self.isolation)

    def _output_tail(self) -> str:
        """The end of what the worker printed: for staff when the worker failed in a way that is ours."""
        return self.output.decode("utf-8", "replace")[-2000:]

    def _module_ok(self, module: str) -> bool:
        load = self.modules.get(module)
        return load is None or load.ok

    def _run_worker(self, calls: list[Call]) -> None:
        read_fd, write_fd = os.pipe()
        paths = library_paths()
        job = {"channel_fd": write_fd, "work": str(self.work), "paths": [os.path.realpath(p) for p in paths],
               "needs_torch": any(c.needs_torch for c in calls),
               "functions": self.functions,
               "calls": [{"id": c.key, "exercise": c.exercise, "module": c.module, "function": c.function,
                          "args": {k: codec.encode(v) for k, v in c.args.items()},
                          "forbidden": list(c.forbidden), "device": c.device,
                          "timing": None if c.timing is None else {
                              "baseline": c.timing.baseline, "args": list(c.timing.args),
                              "repeats": c.timing.repeats, "max_ratio": c.timing.max_ratio},
                          "exercise_seconds": max(c.exercise_seconds - self.spent.get(c.exercise, 0.0), 0.0)}
                         for c in calls]}
        by_key = {c.key: c for c in calls}
        limit = self.options.output_kb * 1024
        try:
            process = self._start(job, write_fd)
        finally:
            os.close(write_fd)
        uid = isolation_.private_uid(self.isolation, process.pid)
        drain = _OutputDrain(process.stdout, max(limit - len(self.output), 0))
        drain.start()
        current: tuple[str, str] | None = None  # ("start", call key) or ("import", module)
        cpu_at_start: float | None = None
        deadline = time.monotonic() + START_SECONDS
        spent = self.spent
        started_at = 0.0
        reason = "crashed"
        try:
            for message in self._messages(read_fd, lambda: deadline):
                event = message.get("event")
                if event == "ready":
                    deadline = float("inf")
                elif event == "import":
                    module = str(message.get("module"))
                    current, deadline = ("import", module), time.monotonic() + self._import_seconds(calls, module)
                elif event == "imported":
                    self._record_import(message)
                    current, deadline = None, float("inf")
                elif event == "start" and message.get("id") in by_key:
                    call = by_key[message["id"]]
                    budget = call.exercise_seconds - spent.get(call.exercise, 0.0)
                    started_at = time.monotonic()
                    cpu_at_start = _cpu_seconds(process.pid) if call.timing is not None else None
                    current, deadline = ("start", call.key), started_at + max(min(call.case_seconds, budget), 0.0)
                elif event == "result" and message.get("id") in by_key:
                    call = by_key[message["id"]]
                    timed = current == ("start", call.key)
                    spent[call.exercise] = spent.get(call.exercise, 0.0) + (time.monotonic() - started_at if timed
                                                                            else 0.0)
                    cpu = _cpu_seconds(process.pid) if timed and call.timing is not None else None
                    used = cpu - cpu_at_start if cpu is not None and cpu_at_start is not None else None
                    self.outcomes[call.key] = _outcome(message, call, used)
                    current, deadline = None, float("inf")
                elif event == "done":
                    reason = "done"
                    break
            else:
                reason = "exited"
        except _Timeout:
            reason = "timeout"
            if current is not None and current[0] == "start":
                call = by_key[current[1]]
                spent[call.exercise] = spent.get(call.exercise, 0.0) + time.monotonic() - started_at
        except _Overflow as overflow:
            reason = f"overflow:{overflow}"
        finally:
            returncode = process.finish()
            kill_strays(self.scratch, uid)  # before draining: an escaped child may hold the output pipe open
            os.close(read_fd)
            drain.join(timeout=5)
            self.output += drain.kept
            self.dropped += drain.dropped
        if reason != "done":
            self._blame(current, calls, reason, returncode, spent)

    def _start(self, job: dict, write_fd: int):
        """The worker: forked from the warm pool where it can be, else a fresh interpreter."""
        limits = self._rlimits(cuda=any(call["device"] == "cuda" for call in job["calls"]))
        job_path = self.scratch / "job.json"
        env = _worker_env(self.scratch)
        visible = isolation_.visible_paths(self.options.python, job["paths"])
        owned = [self.work, self.scratch / "tmp"]
        if self.options.warm_pool:
            try:
                server = pool.zygote(self.options.python, job["paths"], base_env())
                jail = isolation_.jail_config(self.isolation, self.scratch, env, self.work, visible, owned,
                                              self.options.processes)
                job_path.write_text(json.dumps({**job, "channel_fd": pool.CHANNEL_FD}), encoding="utf-8")
                try:
                    process = server.spawn(job_path, self.work, env, limits, jail, write_fd)
                except pool.PoolError as error:
                    pool.discard(server, str(error))
                    raise
                self.pooled += 1
                return process
            except pool.PoolError:
                pass  # logged by the pool; this worker starts cold
        job_path.write_text(json.dumps({**job, "channel_fd": write_fd}), encoding="utf-8")
        argv = isolation_.command(
            self.isolation, self.scratch,
            [self.options.python, "-I", "-S", "-B", str(self.runtime / "worker.py"), str(job_path)], env, self.work,
            visible=visible, owned=owned, processes=self.options.processes)
        return _Cold(subprocess.Popen(argv, cwd=self.work, env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(write_fd,),
                                      start_new_session=True, preexec_fn=partial(_limit, limits)))

    def _rlimits(self, cuda: bool) -> dict[str, int | str]:
        """The worker's resource limits. Memory is an address-space limit (RLIMIT_AS), except in a worker that
        runs CUDA cases: CUDA reserves tens of GB of address space when it starts and fails under RLIMIT_AS, so
        there the limit is on data (RLIMIT_DATA: heap and private writable mappings, what NumPy and torch's CPU
        tensors allocate; not the GPU's memory)."""
        return {"memory": self.options.memory_mb * 2**20, "file": FILE_LIMIT_BYTES,
                "memory_kind": "data" if cuda else "address space"}

    def _import_seconds(self, calls: list[Call], module: str) -> float:
        return max((c.case_seconds for c in calls if c.module == module), default=10.0)

    def _messages(self, fd: int, deadline):
        """JSON messages from the channel until EOF; raises _Timeout when the current deadline passes."""
        selector = selectors.DefaultSelector()
        selector.register(fd, selectors.EVENT_READ)
        buffer = bytearray()
        try:
            while True:
                remaining = deadline() - time.monotonic()
                if remaining <= 0:
                    raise _Timeout()
                if not selector.select(timeout=min(remaining, 1.0)):
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    return
                buffer += chunk
                while (newline := buffer.find(b"\n")) >= 0:
                    line, buffer = bytes(buffer[:newline]), buffer[newline + 1:]
                    try:
                        message = json.loads(line)
                    except ValueError:
                        continue  # not a message of ours: the student wrote to the channel
                    if isinstance(message, dict):
                        yield message
                if len(buffer) > MAX_MESSAGE_BYTES:
                    raise _Overflow(f"a result larger than {MAX_MESSAGE_BYTES // 2**20} MB")
        finally:
            selector.close()

    def _record_import(self, message: dict) -> None:
        module = str(message.get("module"))
        if message.get("ok"):
            functions = message.get("functions") if isinstance(message.get("functions"), dict) else {}
            self.modules[module] = ModuleLoad(module, True, functions={str(k): (str(v) if v is not None else None)
                                                                        for k, v in functions.items()},
                                              stdout=str(message.get("stdout", ""))[:8000])
        else:
            error = message.get("error") if isinstance(message.get("error"), dict) else {}
            self.modules[module] = ModuleLoad(module, False, message=_import_message(module, error),
                                              traceback=str(error.get("traceback", ""))[:8000],
                                              stdout=str(message.get("stdout", ""))[:8000])

    def _blame(self, current, calls: list[Call], reason: str, returncode: int | None,
               spent: dict[str, float]) -> None:
        """Settle the call or import that was running when the worker stopped without finishing."""
        what = _stop_reason(reason, returncode, self.options.memory_mb)
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
            self.modules[name] = ModuleLoad(name, False, message=f"importing {name}.py {verb}")
            return
        call = next(c for c in calls if c.key == name)
        if reason == "timeout":
            limit = min(call.case_seconds, call.exercise_seconds)
            exhausted = spent.get(call.exercise, 0.0) >= call.exercise_seconds  # the time of this case included
            scope = f"the exercise's time limit of {call.exercise_seconds:g} s" if exhausted \
                else f"the time limit of {limit:g} s"
            self.outcomes[name] = Outcome(OutcomeKind.TIMEOUT, message=f"{scope} exceeded")
        else:
            self.outcomes[name] = Outcome(OutcomeKind.CRASHED, message=f"the process {what}")
            self.crashes[call.exercise] = self.crashes.get(call.exercise, 0) + 1


def _limit(limits: dict) -> None:
    """A cold worker's resource limits (Session._rlimits), set in the child between fork and exec."""
    _die_with_parent()
    kind = resource.RLIMIT_DATA if limits["memory_kind"] == "data" else resource.RLIMIT_AS
    resource.setrlimit(kind, (limits["memory"], limits["memory"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file"], limits["file"]))


def _die_with_parent() -> None:
    """Linux: have the kernel kill the worker if the grader dies first (killed, out of memory, ^C twice)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Timeout(Exception):
    pass


class _Overflow(Exception):
    pass


class _Cold:
    """A worker started as a fresh interpreter, with the warm pool's WarmProcess interface."""

    def __init__(self, popen: subprocess.Popen):
        self.popen, self.pid, self.stdout = popen, popen.pid, popen.stdout

    def finish(self) -> int | None:
        """Kill the worker's process group and reap it; its return code."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.popen.wait()


def _stop_reason(reason: str, returncode: int | None, memory_mb: int) -> str:
    if reason.startswith("overflow:"):
        return f"sent {reason.removeprefix('overflow:')} and was stopped"
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


def _import_message(module: str, error: dict) -> str:
    location = error.get("location")
    where = f"{location[0]}, line {location[1]}" if isinstance(location, list) and len(location) == 2 \
        else f"{module}.py"
    return f"{module}.py could not be imported ({where}): {error.get('type', 'Error')}: {error.get('message', '')}"


def _used_up(call: Call) -> Outcome:
    return Outcome(OutcomeKind.TIMEOUT, message=f"the exercise's time limit of {call.exercise_seconds:g} s "
                                                "was used up by earlier cases")


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the kernel has counted for process `pid` so far; None where /proc cannot say."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14, 15
    except (OSError, IndexError, ValueError):
        return None


def _timing(data, cpu: float | None) -> tuple[float, float] | None:
    """(student, baseline) median CPU seconds of a speed case, or None where they are missing or do not add up.

    The worker times the runs in the student's process, which the student's code could tamper with; the host
    reads from the kernel how much CPU time that process used between the call's start and its result (`cpu`).
    Reported times that account for less than half of it (plus a margin for clock ticks and for sending the
    result) are not believed: a slow function reported as fast."""
    if not isinstance(data, dict):
        return None
    values = [data.get(k) for k in ("student", "baseline", "total")]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < float("inf") for v in values):
        return None
    student, baseline, total = (float(v) for v in values)
    if cpu is not None and cpu > 2 * total + TIMING_MARGIN_SECONDS:
        return None
    return student, baseline


def _outcome(message: dict, call: Call, cpu: float | None = None) -> Outcome:
    kind = message.get("kind")
    common = {"seconds": float(message.get("seconds", 0.0) or 0.0), "stdout": str(message.get("stdout", ""))[:8000],
              "mutated": tuple(str(m) for m in message.get("mutated", []) if isinstance(m, str)),
              "forbidden": tuple(str(f) for f in message.get("forbidden", []) if isinstance(f, str))}
    if kind == "returned":
        try:
            value = codec.decode(message.get("value"))
        except (codec.CodecError, ValueError, TypeError, RecursionError) as error:
            return Outcome(OutcomeKind.RAISED, error_type="ReturnValueError",
                           message=f"the returned value could not be read: {error}", **common)
        timing = _timing(message.get("timing"), cpu) if call.timing is not None else None
        return Outcome(OutcomeKind.RETURNED, value=value, timing=timing, **common)
    if kind == "raised":
        error = message.get("error") if isinstance(message.get("error"), dict) else {}
        mro = tuple(str(n) for n in error.get("mro", []))
        return Outcome(OutcomeKind.RAISED, error_type=str(error.get("type", "Exception")), error_mro=mro,
                       message=str(error.get("message", ""))[:2000], traceback=str(error.get("traceback", ""))[:8000],
                       **common)
    if kind == "missing":
        return Outcome(OutcomeKind.MISSING, message=f"{call.module}.py has no function {call.function}")
    if kind == "grader_error":
        return Outcome(OutcomeKind.NOT_RUN, message=str(message.get("message", ""))[:2000], grader_fault=True)
    if kind == "skipped":
        return _used_up(call)
    return Outcome(OutcomeKind.RAISED, error_type="ProtocolError", message="malformed result")

