"""The warm pool: workers forked from a process that has already imported NumPy and torch.

A fresh interpreter that imports torch costs seconds before any student code runs; a fork of one that already
has costs milliseconds. Each grader process keeps one fork server (`zygote.py`, standalone, started with
`python -I -S` like a cold worker: no grader module, no course, no repository path in it) and asks it for one
child per worker start. The child sets up everything a cold worker gets (its own session, resource limits, the
jail's namespaces, root and private uid, an empty environment) after the fork and before the student's first
line runs, so isolation is the same, and a child that crashes, hangs or fills its memory takes nothing else with
it: it is a separate process under the same limits, killed with its whole process group when its worker ends.

Where the pool cannot be used (the server does not start, a request fails), `host` starts workers cold and says
so once on the `autograder.sandbox` logger. `sandbox.warm_pool: false` in course.yaml turns it off.
"""
from __future__ import annotations

import atexit
import json
import logging
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

from autograder import tempfolders
from autograder.sandbox.process import Channels

CHANNELS = Channels(request=3, response=4, arena=5)
"""Where a forked child finds its request pipe, its response pipe and its arena (zygote.py puts them there)."""
PRELOAD = ("numpy", "torch", "torch._dynamo")
"""Imported once by the server. torch._dynamo is what the first optimizer step imports (measured 1.3 s, in every
submission's learn_filter); it starts no thread with the worker environment's one-thread settings."""
START_SECONDS = 120.0
REPLY_SECONDS = 30.0
FINISH_SECONDS = 60.0
RUNTIME_FILES = ("zygote.py", "worker.py", "jail.py", "wire.py", "process_filter.py")
MARK, MARK_ROOM = "AUTOGRADER_SCRATCH", 1024

log = logging.getLogger("autograder.sandbox")


class PoolError(Exception):
    """The warm pool cannot start a worker; the host starts it cold instead."""


class WarmProcess:
    """A worker forked by the zygote, with what the host needs of a subprocess: pid, stdout, finish()."""

    def __init__(self, pid: int, reply: socket.socket, stdout):
        self.pid, self.stdout = pid, stdout
        self._reply = reply
        self.returncode: int | None = None

    def finish(self) -> int | None:
        """Kill the worker's process group, wait until it is reaped; its return code (negative: a signal)."""
        if self.returncode is None:
            try:
                self._reply.settimeout(FINISH_SECONDS)
                self._reply.send(b"finish")
                message = json.loads(self._reply.recv(4096) or b"{}")
                status = message.get("status")
                self.returncode = int(status) if isinstance(status, int) else None
            except (OSError, ValueError):
                self.returncode = None  # the zygote died: its children die with it (PDEATHSIG)
            finally:
                self._reply.close()
        return self.returncode


class Zygote:
    """One fork server, owned by the process that started it."""

    def __init__(self, python: str, paths: list[str], env: dict[str, str], many: bool = False):
        """`many`: the server will fork for many gradings (a class): its memory is put in huge pages before the
        first fork (zygote.py's collapse_memory: 0.4 s once, 10-15 ms of CPU less per worker)."""
        from autograder import codec

        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.runtime = tempfolders.make("autograder-pool-")
        here = Path(__file__).parent
        for name in RUNTIME_FILES:
            shutil.copyfile(here / name, self.runtime / name)
        shutil.copyfile(codec.__file__, self.runtime / "codec.py")
        settings = self.runtime / "settings.json"
        settings.write_text(json.dumps({"paths": paths, "preload": list(PRELOAD), "warm_up": True, "collapse": many}),
                            encoding="utf-8")
        env = {**env, MARK: "_" * MARK_ROOM}  # room for each child's scratch marker (zygote.py's _mark)
        self.control, remote = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log_path = self.runtime / "zygote.log"
        with remote, open(self.log_path, "wb") as log_file:
            self.process = subprocess.Popen(
                [python, "-I", "-S", "-B", str(self.runtime / "zygote.py"), str(remote.fileno()), str(settings)],
                cwd=self.runtime, env=env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                pass_fds=(remote.fileno(),), start_new_session=True)
        self.control.settimeout(START_SECONDS)
        self.preloaded: tuple[str, ...] | None = None
        """What the server imported, once it said so (`ready`); None while it is still importing."""
        self._answered = False

    def ready(self) -> None:
        """Wait until the server has imported its preloads and said so (at once after the first time); PoolError,
        with the server stopped, where it did not. The server starts importing as soon as it is constructed:
        `prestart` constructs it early, so that its imports run while the host does its own work."""
        if self.preloaded is not None:
            return
        try:
            ready = json.loads(self.control.recv(4096) or b"{}")
        except (OSError, ValueError) as error:
            ready = {"error": str(error)}
        if "ready" not in ready:
            self.close()
            raise PoolError(f"the warm pool did not start ({ready.get('error', 'it exited')}): {self._log_tail()}")
        if ready.get("threads") != 1:  # a fork copies one thread: locks another one held would never be released
            self.close()
            raise PoolError(f"the warm pool's server runs {ready.get('threads')} threads after importing "
                            f"{', '.join(PRELOAD)}; forking it is not safe")
        self.preloaded = tuple(ready["ready"])

    def alive(self) -> bool:
        return self.process.poll() is None

    def _reply_seconds(self) -> float:
        return REPLY_SECONDS

    def spawn(self, job: Path, cwd: Path, env: dict[str, str], limits: dict[str, int], jail: dict | None,
              channels: list[int]) -> WarmProcess:
        """Fork a worker for `job`. `channels` are its ends of the request and response pipes and its arena, which
        the child finds at CHANNELS (the caller closes its copies)."""
        request = json.dumps({"job": str(job), "cwd": str(cwd), "env": env, "limits": limits, "jail": jail})
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        read_fd, write_fd = os.pipe()
        try:
            try:
                with self.lock:
                    socket.send_fds(self.control, [request.encode()], [theirs.fileno(), write_fd, *channels])
            finally:  # in flight, the kernel holds them: a server that dies with the request unread closes them,
                theirs.close()  # and the recv below ends at once instead of at its time-out
                os.close(write_fd)
            mine.settimeout(self._reply_seconds())
            reply = json.loads(mine.recv(4096) or b"{}")
            self._answered = True
        except (OSError, ValueError) as error:
            mine.close()
            os.close(read_fd)
            raise PoolError(f"the warm pool did not answer: {error}") from None
        if not isinstance(reply.get("pid"), int):
            mine.close()
            os.close(read_fd)
            raise PoolError(f"the warm pool refused a worker: {reply.get('error', reply)}")
        return WarmProcess(reply["pid"], mine, os.fdopen(read_fd, "rb"))

    def close(self) -> None:
        self.control.close()  # the zygote kills its children and exits when its control socket closes
        if self.preloaded is None:  # never asked here (still importing, or shared with other processes, done)
            self.process.kill()     # its children, if any, die with it (PR_SET_PDEATHSIG)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        tempfolders.remove(self.runtime)

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:].strip() or "no output"
        except OSError:
            return "no output"


class Attached(Zygote):
    """The fork server of the process that started this one (`grade-all`'s, which `share`s it with its job
    processes), reached through this process's copy of its control socket. The server reads one request (one
    datagram) at a time and answers each on the request's own socket, so several processes can ask it at once.
    Nobody here waits for its `ready`: the first answer may take the server's start (START_SECONDS) and the
    server refuses to serve where forking it is not safe (zygote.py). A request that fails makes this process
    discard it and start a server of its own, as any pool failure does."""

    def __init__(self, control: socket.socket):
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.control = control
        self.preloaded = ()
        self.runtime = None
        self.log_path = None
        self._answered = False

    def ready(self) -> None:
        pass

    def alive(self) -> bool:
        return self.control.fileno() >= 0

    def close(self) -> None:
        self.control.close()  # the server ends when every copy of its control socket is closed

    def _reply_seconds(self) -> float:
        return REPLY_SECONDS if self._answered else START_SECONDS + REPLY_SECONDS

    def _log_tail(self) -> str:
        return "the warm pool of the process that started this one"


_zygotes: dict[tuple[int, str, tuple[str, ...]], Zygote] = {}
_broken: dict[tuple[int, str, tuple[str, ...]], str] = {}
_lock = threading.Lock()


def zygote(python: str, paths: list[str], env: dict[str, str]) -> Zygote:
    """This process's fork server for `python` and `paths`, ready: started on first use (or by `prestart`) and
    again if it died. Raises PoolError where it cannot start (and, after that, at once: the host goes cold for
    good)."""
    key = (os.getpid(), python, tuple(paths))  # a forked grader process never shares its parent's server
    with _lock:
        server = _started(key, python, paths, env)
        try:
            server.ready()
        except PoolError as error:
            _zygotes.pop(key, None)
            _broken[key] = str(error)
            log.warning("autograder: %s; workers start cold (a fresh interpreter each)", error)
            raise
        return server


def prestart(python: str, paths: list[str], env: dict[str, str], many: bool = False) -> Zygote | None:
    """Start this process's fork server now, without waiting for its imports (seconds: NumPy, torch), so that
    they run on another core while this process reads the course, draws the cases and imports torch itself;
    `zygote` waits for it where a worker is first needed. None where it cannot start (the first worker says why).
    `many`: it will serve a whole class (Zygote)."""
    key = (os.getpid(), python, tuple(paths))
    with _lock:
        try:
            return _started(key, python, paths, env, many)
        except PoolError:
            return None


def _started(key, python: str, paths: list[str], env: dict[str, str], many: bool = False) -> Zygote:
    """The server of `key`, started if there is none or it died; PoolError where it is broken for good. Called
    with _lock held."""
    if key in _broken:
        raise PoolError(_broken[key])
    server = _zygotes.get(key)
    if server is not None and server.alive():
        return server
    if server is not None:
        log.warning("autograder: the warm pool's server exited (%s); starting a new one", server._log_tail())
        server.close()
    try:
        try:
            server = Zygote(python, paths, env, many)
        except OSError as error:
            raise PoolError(f"the warm pool cannot start ({error})") from None
    except PoolError as error:
        _broken[key] = str(error)
        log.warning("autograder: %s; workers start cold (a fresh interpreter each)", error)
        raise
    _zygotes[key] = server
    return server


def share(python: str, paths: list[str], env: dict[str, str]) -> socket.socket | None:
    """This process's fork server (started now where none runs), as the socket to hand to the processes this one
    starts to grade (`grade-all`'s jobs, which `attach` it): one server's imports for the whole class instead
    of one per job process. None where it cannot start: each job process then tries its own."""
    server = prestart(python, paths, env, many=True)
    return server.control if server is not None else None


def attach(python: str, paths: list[str], control: socket.socket) -> None:
    """In a process started with a `share`d server's socket: use that server for `python` and `paths`."""
    adopt(python, paths, lambda: Attached(control))


def adopt(python: str, paths: list[str], connect) -> Zygote | None:
    """Make `connect()` (a Zygote, or None) this process's fork server for `python` and `paths` where none runs
    yet: the student kit's check server, kept between checks (autograder/kit/warm.py). The server in use."""
    key = (os.getpid(), python, tuple(paths))
    with _lock:
        server = _zygotes.get(key)
        if server is None:
            server = connect()
            if server is not None:
                _zygotes[key] = server
        return server


def discard(server: Zygote, reason: str) -> None:
    """Stop a server that failed a request; the next worker starts a new one."""
    log.warning("autograder: %s; restarting the warm pool", reason)
    with _lock:
        for key, value in list(_zygotes.items()):
            if value is server:
                del _zygotes[key]
    server.close()


@atexit.register
def shutdown() -> None:
    """Stop this process's servers (and with them any worker still running)."""
    with _lock:
        mine = [key for key in _zygotes if key[0] == os.getpid()]
        servers = [_zygotes.pop(key) for key in mine]
    for server in servers:
        server.close()
