"""The worker's seccomp filter (autograder/sandbox/process_filter.py): does the kernel refuse every way of making a
process, running a program or signalling another process that a student's code can reach (Python's modules,
ctypes' raw syscalls), while threads, torch's thread pools and training still work?"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.sandbox import Call, SandboxOptions, run_calls
from autograder.sandbox import isolation as isolation_
from autograder.sandbox.isolation import Level, Policy, choose

FILTER = Path(isolation_.FILTER_SOURCE)
REFUSED = isolation_.process_filter()
pytestmark = pytest.mark.skipif(bool(REFUSED), reason=f"no seccomp filter on this machine: {REFUSED}")

ATTEMPTS = r'''
import ctypes, errno, fcntl, json, os, sys, threading
sys.path.insert(0, sys.argv[1])
import process_filter
process_filter.install()
libc = ctypes.CDLL(None, use_errno=True)
parent = os.getppid()
results = {}

def attempt(name, action):
    try:
        value = action()
    except OSError as error:
        results[name] = errno.errorcode.get(error.errno, str(error.errno))
        return
    except Exception as error:
        results[name] = type(error).__name__
        return
    results[name] = "allowed" if value is None or value is True else value

def raw(number, *args):
    def call():
        result = libc.syscall(number, *[ctypes.c_long(a) for a in args])
        return errno.errorcode.get(ctypes.get_errno(), "?") if result == -1 else "allowed"
    return call

def process():
    import multiprocessing
    p = multiprocessing.get_context("fork").Process(target=int)
    p.start()

def pty_fork():
    import pty
    pid, fd = pty.fork()
    if pid == 0:
        os._exit(0)

def popen():
    import subprocess
    subprocess.Popen(["/bin/true"])

def thread():
    box = []
    worker = threading.Thread(target=lambda: box.append(os.getpid()))
    worker.start()
    worker.join()
    return box == [os.getpid()]

attempt("os.fork", os.fork)
attempt("posix.fork", __import__("posix").fork)
attempt("os.posix_spawn", lambda: os.posix_spawn("/bin/true", ["true"], {}))
attempt("subprocess.Popen", popen)
attempt("pty.fork", pty_fork)
attempt("multiprocessing fork", process)
attempt("os.execv", lambda: os.execv("/bin/true", ["true"]))
attempt("syscall fork", raw(57))
attempt("syscall vfork", raw(58))
attempt("syscall clone(SIGCHLD)", raw(56, 17, 0, 0, 0, 0))
attempt("syscall clone(CLONE_VM|CLONE_VFORK)", raw(56, 0x100 | 0x4000 | 17, 0, 0, 0, 0))
attempt("syscall clone3", raw(435, 0, 0))
attempt("syscall execveat", raw(322, -100, 0, 0, 0, 0))
attempt("syscall io_uring_setup", raw(425, 1, 0))
attempt("kill(parent, 0)", lambda: os.kill(parent, 0))
attempt("kill(-1, 0)", lambda: os.kill(-1, 0))
attempt("kill(parent + 2**32, 0)", raw(62, parent + 2**32, 0))
attempt("tgkill(parent)", raw(234, parent, parent, 0))
attempt("tkill(parent)", raw(200, parent, 0))
attempt("pidfd_open(parent)", lambda: os.pidfd_open(parent))
attempt("ptrace(PEEKDATA, parent)", raw(101, 2, parent, 0, 0))
attempt("process_vm_readv(parent)", raw(310, parent, 0, 0, 0, 0, 0))
attempt("fcntl(F_SETOWN, parent)", lambda: fcntl.fcntl(sys.stdin.fileno(), fcntl.F_SETOWN, parent))
attempt("fcntl(F_SETOWN + 2**32)", raw(72, 0, 8 + 2**32, parent))
attempt("memfd_create", lambda: os.memfd_create("held"))
attempt("shmget", raw(29, 0, 4096, 0o1600))  # IPC_PRIVATE | IPC_CREAT
attempt("shmat", raw(30, 0, 0, 0))
attempt("shmctl", raw(31, 0, 0, 0))
attempt("msgget", raw(68, 0, 0o1600))
attempt("msgsnd", raw(69, 0, 0, 0, 0))
attempt("semget", raw(64, 0, 1, 0o1600))
attempt("semop", raw(65, 0, 0, 0))
_queue = ctypes.create_string_buffer(b"/autograder-held")
attempt("mq_open", lambda: (lambda r: errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "allowed")(
    libc.syscall(240, _queue, ctypes.c_long(0o100 | 2), ctypes.c_long(0o600), None)))  # O_CREAT | O_RDWR
attempt("mq_unlink", lambda: (lambda r: errno.errorcode.get(ctypes.get_errno(), "?") if r == -1 else "allowed")(
    libc.syscall(241, _queue)))
attempt("thread", thread)
attempt("kill(self, 0)", lambda: os.kill(os.getpid(), 0))
attempt("signal to itself", lambda: __import__("signal").pthread_kill(threading.get_ident(), 0))
attempt("pipe", lambda: [os.close(fd) for fd in os.pipe()] and True)
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def attempts():
    done = subprocess.run([sys.executable, "-c", ATTEMPTS, str(FILTER.parent)], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", [
    "os.fork", "posix.fork", "os.posix_spawn", "subprocess.Popen", "pty.fork", "multiprocessing fork", "os.execv",
    "syscall fork", "syscall vfork", "syscall clone(SIGCHLD)", "syscall clone(CLONE_VM|CLONE_VFORK)",
    "syscall execveat", "kill(parent, 0)", "kill(-1, 0)", "kill(parent + 2**32, 0)", "tgkill(parent)",
    "tkill(parent)", "pidfd_open(parent)", "ptrace(PEEKDATA, parent)", "process_vm_readv(parent)",
    "fcntl(F_SETOWN, parent)", "fcntl(F_SETOWN + 2**32)", "memfd_create",
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "semget", "semop", "mq_open", "mq_unlink"])
def test_the_kernel_refuses_it(attempts, name):
    """Is each way to a new process, another program, or another process's signals and memory refused (EPERM)?
    System V IPC too: a red team held 3 GB in shmget segments, outside RLIMIT_AS and every folder's size, and
    without an IPC namespace (isolation: process) they outlived the grading; POSIX message queues likewise (a
    queue in /dev/mqueue stays after its process)."""
    assert attempts[name] == "EPERM", attempts


@pytest.mark.parametrize("name", ["syscall clone3", "syscall io_uring_setup"])
def test_it_looks_unimplemented(attempts, name):
    """clone3 (whose flags seccomp cannot read) and io_uring answer ENOSYS, so that glibc and libraries fall back?"""
    assert attempts[name] == "ENOSYS", attempts


@pytest.mark.parametrize("name", ["thread", "kill(self, 0)", "signal to itself", "pipe"])
def test_threads_and_the_worker_itself_are_unaffected(attempts, name):
    assert attempts[name] == "allowed", attempts


def test_a_syscall_of_another_abi_kills_the_process():
    """An x32 syscall number (the x86-64 ABI with bit 30 set), which a rule for the native numbers would not match:
    does the kernel kill the process (SIGSYS) instead of running it?"""
    if os.uname().machine != "x86_64":
        pytest.skip("x32 exists on x86-64 only")
    script = (f"import ctypes, sys; sys.path.insert(0, {str(FILTER.parent)!r}); import process_filter; "
              "process_filter.install(); ctypes.CDLL(None).syscall(0x40000000 | 57); print('ran')")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -31 and "ran" not in done.stdout, (done.returncode, done.stdout, done.stderr)


def submission(tmp_path: Path, source: str) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "m.py").write_text(textwrap.dedent(source))
    return folder


TORCH = """
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    def train():
        torch.set_num_threads(4)  # an intra-op pool of 4 threads (OpenMP): threads are allowed
        x = torch.randn(2, 3, 64, 64)
        weight = torch.zeros(4, 3, 3, 3, requires_grad=True)
        target = torch.nn.functional.conv2d(x, torch.randn(4, 3, 3, 3))
        optimizer = torch.optim.Adam([weight], lr=0.1)
        losses = []
        for _ in range(20):
            optimizer.zero_grad()
            loss = (torch.nn.functional.conv2d(x, weight) - target).pow(2).mean()
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
        return [losses[0], losses[-1], torch.get_num_threads()]

    def loader():
        data = DataLoader(TensorDataset(torch.randn(8, 2)), batch_size=2, num_workers=2)
        return len(list(data))
"""


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
def test_torch_trains_under_the_filter_and_a_data_loader_with_workers_fails_at_once(tmp_path, warm_pool):
    """Does torch run its thread pools and an optimiser under the filter, and does a DataLoader with num_workers > 0
    (processes) fail with a clear error at once rather than hang?"""
    folder = submission(tmp_path, TORCH)
    calls = [Call(key=f"{f}/case", exercise=f, module="m", function=f, args={}, case_seconds=60.0,
                  exercise_seconds=60.0) for f in ("train", "loader")]
    report = run_calls(folder, calls, {"m": ["train", "loader"]}, SandboxOptions(warm_pool=warm_pool))
    trained, loaded = report.outcomes["train/case"], report.outcomes["loader/case"]
    assert trained.kind.value == "returned", trained
    first, last, threads = trained.value
    assert last < first / 2 and threads == 4, trained.value
    assert loaded.kind.value == "raised" and loaded.error_type == "PermissionError", loaded
    assert loaded.seconds < 30, "a refused process is an error at once, not a hang"


FORKS = """
    import ctypes, os, posix, signal

    def forks():
        tried = {}
        for name, start in (("os.fork", os.fork), ("posix.fork", posix.fork),
                            ("raw fork", lambda: ctypes.CDLL(None, use_errno=True).syscall(57))):
            try:
                tried[name] = "ran" if start() >= 0 else "refused"
            except PermissionError:
                tried[name] = "refused"
        return tried
"""


@pytest.mark.parametrize("policy", [Policy.AUTO, Policy.PROCESS])
@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
def test_the_worker_cannot_fork_at_any_level(tmp_path, policy, warm_pool):
    """Is the filter in place in the student's worker, forked from the warm pool or started fresh, in namespaces
    and without?"""
    if policy is Policy.AUTO and choose(Policy.AUTO).level is Level.PROCESS:
        pytest.skip("this machine refuses namespaces")
    folder = submission(tmp_path, FORKS)
    call = Call(key="forks/case", exercise="forks", module="m", function="forks", args={})
    outcome = run_calls(folder, [call], {"m": ["forks"]},
                        SandboxOptions(warm_pool=warm_pool, isolation=policy)).outcomes["forks/case"]
    assert outcome.value == {"os.fork": "refused", "posix.fork": "refused", "raw fork": "refused"}, outcome


FORGERY = """
    import os, posix, signal, time
    import numpy as np

    def _slow(a, b):
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass
        return a + b

    def forged(a, b):
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # helpers reaped by the kernel: their CPU time counted nowhere
        try:
            read, write = os.pipe()
            if posix.fork() == 0:
                data = _slow(a, b).tobytes()
                while data:
                    data = data[os.write(write, data):]
                os._exit(0)
        except OSError:
            return _slow(a, b)  # refused: the work is done here, on the worker's clock
        os.close(write)
        chunks = []
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
        return np.frombuffer(b"".join(chunks), dtype=a.dtype).reshape(a.shape)
"""


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
def test_a_speed_forgery_with_forked_helpers_is_timed_on_the_worker(tmp_path, warm_pool):
    """The red team's speed forgery without the static scan (the sandbox alone): the work of every call done in a
    helper started with posix.fork, SIGCHLD ignored so that the helper is reaped by the kernel and its CPU time is
    counted nowhere (it passed a 20x-slow loop 6 times of 6). With the kernel refusing the fork, is the work's CPU
    time the worker's, and the function far over the limit?"""
    import numpy as np

    from autograder.sandbox.protocol import Timing

    folder = submission(tmp_path, FORGERY)
    a = np.ones((100, 100))
    call = Call(key="forged/case", exercise="forged", module="m", function="forged", args={"a": a, "b": a},
                case_seconds=10.0, exercise_seconds=30.0, timing=Timing("numpy.add", ("a", "b"), 5, 10.0))
    outcome = run_calls(folder, [call], {"m": ["forged"]}, SandboxOptions(warm_pool=warm_pool)).outcomes["forged/case"]
    assert outcome.timing is not None, outcome
    # 50 ms of CPU per call, all of it counted (without the filter the helpers' share was not: about 11 ms here)
    assert outcome.timing[0] >= 0.04 and outcome.timing[0] / outcome.timing[1] > 10, outcome.timing
