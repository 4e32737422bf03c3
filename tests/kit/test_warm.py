"""The kit's check server (autograder/kit/warm.py, warm_server.py): is it reused by later checks, never used when
it is of another version or another user's, are a check's workers forked from it and gone when the check ends or
dies, and does it stop when asked or idle?"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder.kit import warm
from autograder.sandbox import Call, OutcomeKind, SandboxOptions, pool, run_calls
from autograder.sandbox.host import base_env, library_paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check server is Linux only")
PATHS = [os.path.realpath(p) for p in library_paths()]


@pytest.fixture
def server():
    """A check server for this interpreter, stopped afterwards (also when the test failed). The warm pools that
    earlier tests of this process started are stopped first: `pool.adopt` adopts only where none runs."""
    pool.shutdown()
    warm.stop(sys.executable, PATHS, base_env())
    started = warm.connect(sys.executable, PATHS, base_env())
    assert started is not None
    yield started
    started.close()
    warm.stop(sys.executable, PATHS, base_env())


def _gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if warm._reap(pid):
            return True
        time.sleep(0.02)
    return False


def _submission(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "m.py").write_text(textwrap.dedent(source))
    return folder


def _call(function: str, seconds: float = 20.0) -> Call:
    return Call(key=f"{function}/case", exercise=function, module="m", function=function, args={},
                case_seconds=seconds, exercise_seconds=seconds)


def test_a_later_check_connects_to_the_server_the_first_one_started(server):
    """Does a second connection find the same server (same pid) with NumPy and torch imported and one thread?"""
    again = warm.connect(sys.executable, PATHS, base_env(), start=False)
    try:
        assert again is not None and again.pid == server.pid
        assert {"numpy", "torch"} <= set(again.preloaded)
        assert again.alive()
    finally:
        again.close()


def test_the_workers_of_a_check_are_forked_from_the_server_and_grade_as_usual(server, tmp_path):
    """Through the sandbox (pool.adopt), is the worker a child of the server, and is its answer the same as with
    a cold worker?"""
    folder = _submission(tmp_path, """
        import os
        import numpy as np
        def parent():
            return [os.getppid(), int(np.arange(4).sum())]
    """)
    adopted = pool.adopt(sys.executable, PATHS, lambda: server)
    try:
        assert adopted is server
        report = run_calls(folder, [_call("parent")], {"m": ["parent"]})
    finally:
        pool.discard(server, "the test is over")
    assert report.pooled == 1
    ppid, total = report.outcomes["parent/case"].value
    assert total == 6
    cold = run_calls(folder, [_call("parent")], {"m": ["parent"]}, SandboxOptions(warm_pool=False))
    assert cold.outcomes["parent/case"].value[1] == total
    jailed = ppid == 0  # in the jail's pid namespace the parent is not visible
    assert jailed or ppid == server.pid


def test_a_server_of_another_version_is_never_used(server, tmp_path, monkeypatch):
    """When the code the server was built from changes (another package version), does a check no longer find
    the running server, while the old one still runs?"""
    before = warm.key(sys.executable, PATHS, base_env())
    changed = tmp_path / "worker.py"
    changed.write_text("# another version\n")
    files = warm.runtime_files()
    monkeypatch.setattr(warm, "runtime_files", lambda: [*files, changed])
    assert warm.key(sys.executable, PATHS, base_env()) != before
    assert warm.connect(sys.executable, PATHS, base_env(), start=False) is None
    assert server.alive()


def test_a_process_of_another_user_gets_no_answer(server):
    """Does the server hang up on a connection from another uid (SO_PEERCRED), so that nobody else can have it
    fork processes as this user?"""
    if os.getuid() != 0:
        pytest.skip("needs root to connect as another user")
    address = "\0" + warm.name(warm.key(sys.executable, PATHS, base_env()))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # another user: no exec, only a socket
        try:
            os.setuid(65534)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            sock.connect(address)
            sock.settimeout(10)
            os.write(write, repr(sock.recv(4096)).encode())
        except BaseException as error:  # noqa: BLE001 (reported to the test through the pipe)
            os.write(write, f"error {error!r}".encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as answer:
        assert answer.read().decode() == "b''"
    assert server.alive()


def test_a_checks_workers_die_with_it(server, tmp_path):
    """When the check process is killed while its worker runs, are the worker and everything under it killed by
    the server, which keeps running for the next check?"""
    folder = _submission(tmp_path, """
        import time
        def hang():
            time.sleep(60)
    """)
    script = textwrap.dedent(f"""
        import sys
        from autograder.kit import warm
        from autograder.sandbox import Call, pool, run_calls
        from autograder.sandbox.host import base_env
        paths = {PATHS!r}
        pool.adopt(sys.executable, paths, lambda: warm.connect(sys.executable, paths, base_env(), start=False))
        from pathlib import Path
        hang = Call(key="hang/case", exercise="hang", module="m", function="hang", args={{}}, case_seconds=60.0,
                    exercise_seconds=60.0)
        run_calls(Path({str(folder)!r}), [hang], {{"m": ["hang"]}})
    """)
    check = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers:
        assert check.poll() is None, check.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "no worker forked from the server"
        time.sleep(0.2)  # the worker is forked, then set up, then runs hang
        workers = _descendants(server.pid)
    time.sleep(1.0)
    workers = _descendants(server.pid)
    check.send_signal(signal.SIGKILL)
    check.wait()
    assert all(_gone(pid) for pid in workers), workers
    assert server.alive()


def _descendants(pid: int) -> list[int]:
    """The processes under `pid` (seen from outside any pid namespace)."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return children + [d for child in children for d in _descendants(child)]


def test_the_server_stops_when_asked_and_when_idle(monkeypatch):
    """Does `stop` end a running server, and does a server nobody connects to exit after its idle time?"""
    warm.stop(sys.executable, PATHS, base_env())
    first = warm.connect(sys.executable, PATHS, base_env())
    assert first is not None
    first.close()
    assert warm.stop(sys.executable, PATHS, base_env())
    assert _gone(first.pid)
    monkeypatch.setattr(warm, "IDLE_SECONDS", 1.0)
    idle = warm.connect(sys.executable, PATHS, base_env())
    assert idle is not None
    idle.close()
    assert _gone(idle.pid, seconds=30.0)
    assert warm.connect(sys.executable, PATHS, base_env(), start=False) is None


def test_no_server_where_it_is_switched_off(monkeypatch):
    """Is the server off with AUTOGRADER_CHECK_SERVER=0 and on CI (one check per job: nothing to keep warm)?"""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(warm.SWITCH, "0")
    assert not warm.enabled()
    monkeypatch.setenv(warm.SWITCH, "1")
    assert warm.enabled()
    monkeypatch.setenv("CI", "true")
    assert not warm.enabled()


def test_a_worker_that_kills_the_server_loses_only_its_own_case(server, tmp_path, monkeypatch):
    """Without the jail and without the seccomp filter (monkeypatched off here; with it, the kill is refused:
    tests/sandbox/test_process_filter.py) a worker can signal its parent, the server: does the check still settle
    every case (the killed one crashed, the next one run by a worker started without the server), and does the
    next check start a new server?"""
    from autograder.sandbox import isolation
    from autograder.sandbox.isolation import Policy

    monkeypatch.setattr(isolation, "process_filter", lambda python=None: "off for this test")

    folder = _submission(tmp_path, """
        import os, signal
        def kill_parent():
            os.kill(os.getppid(), signal.SIGKILL)
            import time
            time.sleep(30)
        def fine():
            return 7
    """)
    pool.adopt(sys.executable, PATHS, lambda: server)
    try:
        report = run_calls(folder, [_call("kill_parent"), _call("fine")], {"m": ["kill_parent", "fine"]},
                           SandboxOptions(isolation=Policy.PROCESS))
    finally:
        pool.shutdown()
    assert report.outcomes["kill_parent/case"].kind in (OutcomeKind.CRASHED, OutcomeKind.TIMEOUT)
    assert report.outcomes["fine/case"].value == 7
    assert _gone(server.pid)
    again = warm.connect(sys.executable, PATHS, base_env())
    try:
        assert again is not None and again.pid != server.pid
    finally:
        again.close()
