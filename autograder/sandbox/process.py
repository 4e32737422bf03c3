"""One worker process as the host drives it: started (warm or cold), asked one request at a time on its own clock,
its CPU time read from the kernel, and finished.

The host writes requests on one pipe and reads answers on another (frames of wire.py). `ask` sends a request and
returns the one answer that belongs to it, or raises: `Timeout` when the deadline (set here, on the host's clock,
when the request is sent) passes, `Stopped` when the worker closed its end (it exited or crashed), and
`ProtocolBreak` for anything that is not a well-formed answer to the request in flight (a forged message, a
wrong id, a frame above the size bound). The worker is replaced after any of them.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import wire

MAX_ANSWER_BYTES = 64 * 2**20
"""The largest answer a worker may send (a returned value is a few MB at most in this course)."""
CPU_POLL_SECONDS = 0.02
"""How often a request with a CPU-time bound reads the worker's CPU clock."""


class Timeout(Exception):
    pass


class Stopped(Exception):
    pass


class ProtocolBreak(Exception):
    """The worker sent something that is not the answer to the request in flight."""


class OverCpu(Exception):
    """The worker used more CPU time on the request in flight than it was allowed (a speed case's call that is
    certain to be too slow): it is replaced, like after a timeout."""

    def __init__(self, seconds: float):
        super().__init__(f"{seconds:.3f} s of CPU time")
        self.seconds = seconds


STACK_SECONDS = 0.5
"""How long the host waits for a timed-out worker's stack dump (Worker.stack)."""
STACK_BYTES = 16384


@dataclass(frozen=True)
class Channels:
    """The worker's ends of its pipes and arena, as the numbers it finds them at."""

    request: int
    response: int
    arena: int


class Worker:
    """A started worker: its process (WarmProcess or Cold), the host's ends of its pipes, and its arena."""

    def __init__(self, process, request_fd: int, response_fd: int, arena: wire.Arena, uid: int | None,
                 alone: bool = False, home: Path | None = None):
        self.process, self.pid, self.uid = process, process.pid, uid
        self.home = home
        """A folder of the worker's own, removed after it (the baseline worker's HOME), or None."""
        self.bounds: dict = {}
        """A baseline worker's speed bounds measured so far, by call (host._Session._speed_bound)."""
        self.alone = alone
        """The kernel refuses this worker new processes (process_filter.py, installed before it said `ready`): it
        has no other process to look for in /proc while it runs (its end still sweeps: host.kill_strays)."""
        self.request_fd, self.response_fd, self.arena = request_fd, response_fd, arena
        self._selector = selectors.DefaultSelector()
        self._selector.register(response_fd, selectors.EVENT_READ)

    def send(self, message: dict) -> None:
        try:
            wire.write_frame(self.request_fd, message)
        except (BrokenPipeError, OSError) as error:
            raise Stopped(str(error)) from None

    def receive(self, deadline: float, limit: int = MAX_ANSWER_BYTES, cpu_seconds: float | None = None) -> dict:
        """The next frame, read before `deadline` (time.monotonic()); linear in its size and bounded by `limit`.
        With `cpu_seconds`, raises OverCpu as soon as the worker has used more CPU time than that meanwhile (read
        from the kernel every CPU_POLL_SECONDS): a verdict that does not wait for the wall clock, whatever the
        machine's load."""
        budget = None if cpu_seconds is None else ((self.cpu() or 0.0), cpu_seconds)
        header = self._read(wire.HEADER, deadline, budget)
        try:
            length = wire.frame_length(header, limit)
            return wire.unpack(self._read(length, deadline))
        except wire.WireError as error:
            raise ProtocolBreak(str(error)) from None

    def ask(self, message: dict, seconds: float, op: str, cpu_seconds: float | None = None) -> dict:
        """Send `message`; the answer with `op` and the same id (if it has one), read within `seconds` (and
        `cpu_seconds` of the worker's CPU time, where given)."""
        self.send(message)
        answer = self.receive(time.monotonic() + seconds, cpu_seconds=cpu_seconds)
        if answer.get("op") != op or ("id" in message and answer.get("id") != message["id"]):
            raise ProtocolBreak(f"expected the answer to {message.get('op')} {message.get('id', '')}".rstrip()
                                + f", got a message {str(answer.get('op'))[:40]!r}")
        return answer

    def _read(self, count: int, deadline: float, cpu: tuple[float, float] | None = None) -> bytes:
        data = bytearray()
        while len(data) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Timeout()
            if not self._selector.select(timeout=min(remaining, 1.0 if cpu is None else CPU_POLL_SECONDS)):
                if cpu is not None:
                    used = (self.cpu() or 0.0) - cpu[0]
                    if used > cpu[1]:
                        raise OverCpu(used)
                continue
            chunk = os.read(self.response_fd, min(count - len(data), 1 << 20))
            if not chunk:
                raise Stopped("the worker closed its channel")
            data += chunk
        return bytes(data)

    def stack(self, seconds: float = STACK_SECONDS, limit: int = STACK_BYTES) -> str:
        """Feedback only: ask the worker (SIGUSR2, faulthandler's dump, autograder.sandbox.stack) where it is,
        and read what comes on its response channel within `seconds`, at most `limit` bytes. Only after a
        timeout, just before the worker is stopped: the channel's protocol is over by then. "" when nothing comes."""
        try:
            os.kill(self.pid, signal.SIGUSR2)
        except OSError:
            return ""
        data = bytearray()
        deadline = time.monotonic() + seconds
        while len(data) < limit:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(timeout=min(remaining, 0.1 if data else remaining)):
                break  # nothing more within the time, or a pause after the dump
            try:
                chunk = os.read(self.response_fd, limit - len(data))
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")

    def cpu(self) -> float | None:
        """The worker's CPU seconds (process_cpu), its clock alone where it cannot start processes."""
        return process_cpu(self.pid, children=not self.alone)

    def finish(self) -> int | None:
        self._selector.close()
        for fd in (self.request_fd, self.response_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.arena.close()
        return self.process.finish()


class Cold:
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


def pipes() -> tuple[tuple[int, int], tuple[int, int]]:
    """(host's request write end, worker's request read end), (worker's response write end, host's read end)."""
    request_read, request_write = os.pipe()
    response_read, response_write = os.pipe()
    return (request_write, request_read), (response_write, response_read)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int, children: bool = True) -> float | None:
    """CPU seconds of process `pid` (all its threads, those that ended included) plus its reaped children's, as the
    kernel counts them: the process CPU clock (nanoseconds) where it can be read, the tick counts of /proc/PID/stat
    otherwise (a zombie). `children=False` for a process that cannot have any (Worker.alone): its clock alone,
    without reading /proc (a microsecond instead of twenty; hundreds of reads per grading)."""
    if not children:
        try:
            return time.clock_gettime(((~pid) << 3) | 2)
        except OSError:
            pass  # gone, or a zombie: its tick counts below
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own, children = (int(fields[11]) + int(fields[12])), (int(fields[13]) + int(fields[14]))
    except (OSError, IndexError, ValueError):
        return None
    try:
        seconds = time.clock_gettime(((~pid) << 3) | 2)  # CPUCLOCK_SCHED of the whole process: clock_getcpuclockid
    except OSError:
        seconds = own / CLOCK_TICKS
    return seconds + children / CLOCK_TICKS


def sandbox_cpu(pid: int, scratch: Path, uid: int | None) -> float:
    """CPU seconds used so far by the worker `pid` and every other process of its sandbox (`sandbox_processes`).
    The worker is a child subreaper, so orphaned descendants are reaped into its children's time."""
    others = sandbox_processes(scratch, uid, exclude=pid)
    return (process_cpu(pid) or 0.0) + sum(process_cpu(other) or 0.0 for other in others)


def sandbox_processes(scratch: Path, uid: int | None, exclude: int | None = None, live_only: bool = False) -> list[int]:
    """The processes of a worker's sandbox: marked by its scratch folder (in their environment, or working in it),
    or owned by its private uid; children that left the worker's process group (setsid, a double fork) included.
    `exclude` leaves one out (the worker itself), `live_only` leaves out zombies. Linux only (reads /proc).

    A sweep runs after every graded call and a few times a second, over every process of the machine, so the
    processes found outside the sandbox are remembered per scratch folder (`_Outside`) and not read again: a
    process outside it cannot come in, since whatever the sandbox starts inherits its uid, working folder and
    environment from the first instant. A process is known by its pid and the inode number of its /proc folder,
    which the kernel gives anew to a new process that reuses the pid."""
    marker = f"AUTOGRADER_SCRATCH={scratch}".encode()
    folder = str(scratch)
    outside = _outside(folder)
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        pid = int(name)
        if pid == exclude:
            continue
        try:
            info = os.stat(f"/proc/{name}")
            if not (uid is not None and info.st_uid == uid):
                known = (pid, info.st_ino)
                if known in outside:
                    continue
                with open(f"/proc/{name}/environ", "rb") as handle:
                    environ = handle.read()
                cwd = os.readlink(f"/proc/{name}/cwd")
                if marker not in environ.split(b"\0") and cwd != folder and not cwd.startswith(folder + os.sep):
                    outside.add(known)
                    continue
        except OSError:
            continue
        if not live_only or running(pid):
            found.append(pid)
    return found


class _Outside:
    """The processes found outside each recent sandbox, by scratch folder (a few sandboxes run at once: one per
    thread of a threaded grade-all); the oldest folder is forgotten first."""

    KEEP = 32

    def __init__(self):
        self.lock = threading.Lock()
        self.sets: dict[str, set[tuple[int, int]]] = {}

    def __call__(self, folder: str) -> set[tuple[int, int]]:
        with self.lock:
            found = self.sets.pop(folder, None)
            found = set() if found is None else found
            self.sets[folder] = found  # the most recent last
            while len(self.sets) > self.KEEP:
                del self.sets[next(iter(self.sets))]
            return found


_outside = _Outside()


def running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


MAX_SWEEPS = 200


def stop_sandbox(scratch: Path, uid: int | None) -> list[int]:
    """Freeze every process of the sandbox (SIGSTOP: a stopped process can neither fork nor exec), sweep after
    sweep of /proc until one finds none it had not frozen, then SIGKILL them all; the pids that were killed.
    One sweep is not enough: a chain of forks in a session of its own (each process forks and exits) outran
    single sweeps. Where the seccomp filter holds (process_filter.py) the worker has no other process to find."""
    frozen: list[int] = []
    for _ in range(MAX_SWEEPS):
        new = [pid for pid in sandbox_processes(scratch, uid) if pid not in frozen]
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
            except (ProcessLookupError, PermissionError):
                continue
            frozen.append(pid)
    if uid is not None and frozen:  # none found (always, under the seccomp filter): no fork of the grader needed
        kill_uid(uid)
    return kill_all(frozen)


def kill_uid(uid: int) -> None:
    """SIGKILL every process of `uid` (a worker's private uid) at once: a helper that takes that uid sends
    kill(-1), which the kernel delivers to all of them in one pass that a fork cannot outrun. Root only."""
    if os.geteuid() != 0:
        return
    pid = os.fork()
    if pid == 0:  # only async-signal-safe calls here: the grader has other threads
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)
        except BaseException:  # noqa: BLE001 (ESRCH: none left; anything else: the sweeps did what they could)
            pass
        os._exit(0)
    os.waitpid(pid, 0)


def kill_all(pids: list[int]) -> list[int]:
    """SIGKILL each of `pids`; those that were there to be killed."""
    killed = []
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        except (ProcessLookupError, PermissionError):
            pass
    return killed


class OutputDrain(threading.Thread):
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
