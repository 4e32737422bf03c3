"""The student kit's check server, host side: find the server that keeps the warm pool's imports between one
`check` and the next (warm_server.py), or start it, and hand it to the sandbox as this process's fork server.

A check connects to the server of its set-up: the name (a Linux abstract socket) is made from the user's uid and a
key over everything the server was built from (its code and the sandbox's, the interpreter, the library folders
and their contents' modification times, the worker environment, the preloads), so a server started before the
kit's `.venv` changed, or by another version of the package, is never used: the check starts a new one, and the
old one exits when idle. Only processes of the same uid are served (SO_PEERCRED, checked on both ends), and the
workers are forked and set up exactly as the sandbox's own pool forks them (autograder/sandbox/pool.py); the
check's advice comes out the same, only sooner. The grade of record never uses it: `grade` and `grade-all` run
in the course repository, with the sandbox's own pool.

Where it cannot be used (not Linux, `AUTOGRADER_CHECK_SERVER=0`, `CI` set, or the server does not answer), the
check starts the sandbox's own pool as before.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder.sandbox import pool

SERVER_SOURCE = Path(__file__).with_name("warm_server.py")
PRELOAD = ("numpy", "torch")
LATER = ("torch._dynamo",)
"""Imported by the server while no check is connected: what the first optimizer step imports (0.7 s here)."""
IDLE_SECONDS = 600.0
"""A server with no check for this long exits (and its memory, about 0.5 GB with torch, is given back)."""
CONNECT_SECONDS = 5.0
"""How long a check that started a server tries to connect to it (the server binds before importing anything)."""
SWITCH = "AUTOGRADER_CHECK_SERVER"
log = logging.getLogger("autograder.sandbox")


class SharedServer(pool.Zygote):
    """A connection to the check server, used by the sandbox as a pool.Zygote (`spawn` is the same protocol)."""

    def __init__(self, control: socket.socket, hello: dict):
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.control = control
        self.pid = int(hello["pid"])
        self.preloaded = tuple(hello["ready"])
        self.runtime = None
        self.log_path = None

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return self.control.fileno() >= 0

    def close(self) -> None:
        self.control.close()  # the server kills and reaps this check's children when its connection closes

    def _log_tail(self) -> str:
        return "the kit's check server"


def enabled() -> bool:
    """Whether checks use the server here: Linux (abstract sockets, SO_PEERCRED, /proc), not switched off, and not
    on CI, where each job runs one check and nothing would be reused."""
    return sys.platform.startswith("linux") and os.environ.get(SWITCH, "1") != "0" and not os.environ.get("CI")


def runtime_files() -> list[Path]:
    """What the server runs: the warm pool's runtime files, the codec and the server itself."""
    from autograder import codec

    sandbox = Path(pool.__file__).parent
    return [*(sandbox / name for name in pool.RUNTIME_FILES), Path(codec.__file__), SERVER_SOURCE]


def key(python: str, paths: list[str], env: dict[str, str]) -> str:
    """What the server is built from: a server with another key is another version, never used."""
    digest = hashlib.sha256()
    for path in runtime_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    interpreter = os.stat(os.path.realpath(python))
    stamps = [(p, os.stat(p).st_mtime_ns) for p in paths if os.path.isdir(p)]
    digest.update(json.dumps([os.path.realpath(python), interpreter.st_ino, interpreter.st_mtime_ns, stamps,
                              sorted(env.items()), PRELOAD, LATER]).encode())
    return digest.hexdigest()[:32]


def name(server_key: str) -> str:
    return f"inf721-autograder-check-{os.getuid()}-{server_key}"


def connect(python: str, paths: list[str], env: dict[str, str], start: bool = True) -> SharedServer | None:
    """The check server for this set-up, started if `start` and none answers; None where there is none."""
    try:
        server_key = key(python, paths, env)
        address = "\0" + name(server_key)
        control = _dial(address)
        if control is None and start:
            process = _launch(python, paths, env, server_key)
            deadline = time.monotonic() + CONNECT_SECONDS
            while control is None and time.monotonic() < deadline:
                control = _dial(address)
                if control is None:
                    if process.poll() is not None and _dial(address) is None:
                        process = _launch(python, paths, env, server_key)  # the one it lost to had just exited
                    time.sleep(0.005)
    except OSError as error:  # an interpreter or folder that cannot be read, no room for the server's files
        log.info("autograder: the kit's check server cannot be used (%s)", error)
        return None
    if control is None:
        return None
    try:
        control.settimeout(pool.START_SECONDS)
        hello = json.loads(control.recv(4096) or b"{}")
    except (OSError, ValueError):
        hello = {}
    if not (isinstance(hello.get("ready"), list) and isinstance(hello.get("pid"), int)
            and hello.get("key") == server_key and hello.get("threads") == 1):
        control.close()
        log.info("autograder: the kit's check server did not answer as expected (%s)", hello)
        return None
    return SharedServer(control, hello)


def stop(python: str, paths: list[str], env: dict[str, str], seconds: float = 10.0) -> bool:
    """Stop this set-up's check server, if one runs; True when one was stopped."""
    server = connect(python, paths, env, start=False)
    if server is None:
        return False
    try:
        server.control.send(b"stop")
    except OSError:
        pass
    deadline = time.monotonic() + seconds
    while server.alive() and time.monotonic() < deadline:
        if _reap(server.pid):
            break
        time.sleep(0.01)
    server.close()
    return True


def _dial(address: str) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        sock.connect(address)
        _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                        struct.calcsize("3i")))
    except OSError:
        sock.close()
        return None
    if uid != os.getuid():  # someone else holds the name: not ours to use
        sock.close()
        return None
    return sock


def _launch(python: str, paths: list[str], env: dict[str, str], server_key: str) -> subprocess.Popen:
    runtime = Path(tempfile.mkdtemp(prefix="autograder-check-server-"))
    for path in runtime_files():
        shutil.copyfile(path, runtime / path.name)
    settings = runtime / "settings.json"
    settings.write_text(json.dumps({"name": name(server_key), "key": server_key, "paths": paths,
                                    "preload": list(PRELOAD), "later": list(LATER), "idle": IDLE_SECONDS}),
                        encoding="utf-8")
    env = {**env, pool.MARK: "_" * pool.MARK_ROOM}  # room for each child's scratch marker (zygote.py's _mark)
    process = subprocess.Popen(
        [python, "-I", "-S", "-B", str(runtime / SERVER_SOURCE.name), str(settings)], cwd="/", env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _launched.append(process)
    return process


_launched: list[subprocess.Popen] = []
"""Servers this process started: reaped when they exit (`stop`), so that none stays a zombie of a long process."""


def _reap(pid: int) -> bool:
    for process in _launched:
        if process.pid == pid:
            return process.poll() is not None
    return False


def main(argv: list[str] | None = None) -> int:
    """`python -m autograder.kit.warm stop`: stop the check server of this interpreter's set-up."""
    from autograder.sandbox import host

    args = sys.argv[1:] if argv is None else argv
    if args != ["stop"]:
        print("usage: python -m autograder.kit.warm stop", file=sys.stderr)
        return 2
    paths = [os.path.realpath(p) for p in host.library_paths()]
    stopped = stop(sys.executable, paths, host.base_env())
    print("the check server stopped" if stopped else "no check server runs for this set-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
