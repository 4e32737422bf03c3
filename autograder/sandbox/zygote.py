"""The warm pool's fork server: imports NumPy and torch once, then forks one fresh worker per submission.

Standalone (standard library, plus the modules it preloads), like worker.py and jail.py beside it in a private
runtime folder; the host (`autograder.sandbox.pool`) starts it as

    python -I -S -B zygote.py CONTROL_FD SETTINGS.json

SETTINGS holds `paths` (site-packages to import from), `preload` (module names), `warm_up` and `collapse` (see
`warm_up` and `collapse_memory`). It imports the preloads, loads the
worker, the codec and the jail, says `{"ready": ...}` on the control socket (a Unix SOCK_SEQPACKET socket) and
then serves requests, one datagram each: a JSON object plus five file descriptors, in this order:

    reply     a socket of this request only: the child's pid goes back on it, then its exit status
    output    the write end of the pipe for the child's stdout and stderr
    request   the read end of the worker's request pipe (becomes fd 3 in the child)
    response  the write end of its response pipe (fd 4)
    arena     its shared-memory arena (fd 5)

The object says `job` (the worker's job file), `cwd`, `env`, `limits` (memory and file size in bytes, and whether
the memory limit is on the address space or on data, as host.py's _rlimits explains) and
`jail` (the jail's configuration, or null for process isolation only). The child starts a session of its own,
dies with this process, takes its limits, enters the jail (namespaces, new root, private uid), and runs the
worker: isolation is set up in the child, after the fork, exactly as jail.py does before exec'ing a cold worker.

When the host writes anything on `reply` (or closes it), the child's process group is killed, the child reaped
and its status sent back: a return code as subprocess gives it (negative: killed by that signal). The child
is reaped only then, so its pid cannot be reused while the host may still signal it. This process holds
nothing of the grader's: no course, no solutions, no grader modules; its children inherit only that.
"""
import ctypes
import fcntl
import gc
import importlib.util
import json
import os
import resource
import select
import shutil
import signal
import socket
import sys
import traceback

RUNTIME = os.path.dirname(os.path.abspath(__file__))
FIRST_CHANNEL_FD = 3
CHANNEL_COUNT = 3
MAX_REQUEST = 1 << 20
PR_SET_PDEATHSIG = 1
EXIT_SETUP_FAILED = 125
MARK = "AUTOGRADER_SCRATCH"
MARK_ROOM = 1024


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(RUNTIME, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _child(request, channels, output, worker, jail):
    """In the forked child: never returns."""
    try:
        os.setsid()
        _die_with_parent()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        # Move the channels out of the way first: one of them may already sit where another is going.
        moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 64) for fd in channels]
        for number, fd in enumerate(moved, FIRST_CHANNEL_FD):
            os.dup2(fd, number)
        os.closerange(FIRST_CHANNEL_FD + len(channels), os.sysconf("SC_OPEN_MAX"))
        limits = request["limits"]
        kind = resource.RLIMIT_DATA if limits["memory_kind"] == "data" else resource.RLIMIT_AS
        resource.setrlimit(kind, (limits["memory"], limits["memory"]))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file"], limits["file"]))
        files = min(resource.getrlimit(resource.RLIMIT_NOFILE)[1], limits.get("open_files", 1024))
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
        os.environ.clear()
        os.environ.update(request["env"])
        if MARK in request["env"]:
            _mark(request["env"])
        if request["jail"] is not None:
            jail.enter(request["jail"])
        os.chdir(request["cwd"])
    except BaseException as error:  # noqa: BLE001 (reported on the output pipe, which the host keeps for staff)
        os.write(2, f"autograder zygote: could not set up the sandbox: {error}\n".encode())
        os._exit(EXIT_SETUP_FAILED)
    try:
        worker.run(request["job"])
    except BaseException:  # noqa: BLE001 (worker.run ends with os._exit; reaching here is the worker's bug)
        os.write(2, traceback.format_exc().encode())
    os._exit(EXIT_SETUP_FAILED)


def _mark(env):
    """Write the scratch marker (AUTOGRADER_SCRATCH=...) into this process's original environment block, the bytes
    /proc/PID/environ shows: a forked child keeps the block it was forked with, not os.environ, and the host
    finds processes that left the worker's group (setsid, a double fork) by that marker. The zygote was started
    with a placeholder of MARK_ROOM characters there."""
    marker = f"{MARK}={env[MARK]}".encode()
    fields = open("/proc/self/stat", "rb").read().rsplit(b")", 1)[1].split()
    start, end = int(fields[47]), int(fields[48])  # env_start and env_end: fields 50 and 51 of proc(5)
    with open("/proc/self/mem", "r+b", buffering=0) as memory:
        memory.seek(start)
        block = memory.read(end - start)
        at = block.find(f"{MARK}=".encode())
        room = block.find(b"\0", at) - at if at >= 0 else -1
        if at < 0 or len(marker) > room:
            raise OSError(f"no room for the scratch marker in the environment block ({len(marker)} > {room})")
        memory.seek(start + at)
        memory.write(marker.ljust(room, b"\0"))


def warm_up():
    """Run once, here, the first calls nearly every worker makes (a convolution, unfold and a matrix product, a
    backward pass and an optimizer step, NumPy's padding and sliding windows): torch and NumPy build state on
    first use (dispatch caches, kernels' set-up, the autograd engine), which every child would otherwise build
    again for itself. Built here, it is shared by every child (measured: 5-10 ms less CPU per worker). No random
    number is drawn (a child's generators stay as a fresh interpreter's), no thread is started (one-thread
    settings; `main` checks), nothing of it is kept. A failure costs only the saving."""
    try:
        import numpy
        import torch
        import torch.nn.functional as F

        for dtype in (torch.float32, torch.float64):  # learn_filter's cases come in both
            x = torch.ones(2, 3, 8, 8, dtype=dtype)
            w = torch.ones(4, 3, 3, 3, dtype=dtype, requires_grad=True)
            optimizer = torch.optim.SGD([w], lr=0.1, momentum=0.9)
            with torch.enable_grad():
                for _ in range(2):
                    optimizer.zero_grad()
                    direct = F.conv2d(x, w, padding=1)
                    columns = F.unfold(x, 3, padding=1)  # im2col, a student's own convolution
                    built = (w.reshape(4, -1) @ columns).reshape(2, 4, 8, 8)
                    loss = ((direct - 1) ** 2).mean() + torch.mean((built - direct) ** 2)
                    loss.backward()
                    optimizer.step()
        a = numpy.ones((6, 6))
        numpy.lib.stride_tricks.sliding_window_view(numpy.pad(a, 1), (3, 3)).sum(axis=(2, 3))
        numpy.tensordot(a, a, 1)
    except Exception:  # noqa: BLE001
        pass


MADV_COLLAPSE = 25
HUGE_PAGE = 2 << 20


def collapse_memory():
    """Back this process's anonymous memory (the heap and the allocator's arenas: about 150 MB of Python objects once
    torch is imported) with 2 MB pages, now, before any fork (madvise MADV_COLLAPSE, Linux 6.1). A fork copies one
    page-table entry per page it shares with the child, and the child's exit frees them: 37,000 entries of 4 KB
    pages cost 6-9 ms of CPU in this process and 8-10 ms in each child; with the heap in 2 MB pages, 1.5-2 ms and
    3 ms (measured on the grading machine, docs/benchmark.md). A child that writes to a shared 2 MB page splits it
    and copies only the 4 KB it wrote, as before. Once per server, 0.4 s of CPU: only for a server that forks for
    a whole class (`grade-all`). Best effort: a kernel without it, or a range it refuses, stays as it was."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        with open("/proc/self/maps", encoding="ascii") as maps:
            ranges = [line.split() for line in maps]
    except (OSError, AttributeError):
        return
    for fields in ranges:
        if fields[1] != "rw-p" or (len(fields) > 5 and fields[5] != "[heap]"):
            continue  # private anonymous memory and the heap only: files, stacks and the like stay as they are
        start, end = (int(value, 16) for value in fields[0].split("-"))
        for chunk in range(-(-start // HUGE_PAGE) * HUGE_PAGE, end // HUGE_PAGE * HUGE_PAGE, HUGE_PAGE):
            if libc.madvise(chunk, HUGE_PAGE, MADV_COLLAPSE) != 0 and ctypes.get_errno() != 11:
                break  # EAGAIN (busy, try the next) aside, the kernel refuses this whole range


def load_process_filter(worker):
    """The seccomp filter's module, its binding and libseccomp, loaded once here, before the runtime folder is
    removed; each child builds and loads the filter (worker.py) where the host asks for it."""
    try:
        worker.load_process_filter()._seccomp()
    except Exception:  # noqa: BLE001 (no binding here: the host's probe says so too, and asks no child for it)
        pass


def _status(raw):
    return -os.WTERMSIG(raw) if os.WIFSIGNALED(raw) else os.WEXITSTATUS(raw)


def _finish(pid):
    """Kill the child's process group (strays that stayed in it included) and reap the child."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _, raw = os.waitpid(pid, 0)
    return _status(raw)


def _send(sock, message):
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        pass  # the host is gone or stopped waiting: nothing to tell


def serve(control, worker, jail):
    children = {}  # reply socket -> pid
    while True:
        readable, _, _ = select.select([control, *children], [], [])
        for sock in readable:
            if sock is control:
                try:
                    data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 2 + CHANNEL_COUNT)
                except OSError:
                    data, fds = b"", []
                if not data:  # the host closed the pool
                    for pid in children.values():
                        _finish(pid)
                    return
                if len(fds) != 2 + CHANNEL_COUNT:
                    for fd in fds:
                        os.close(fd)
                    continue
                reply_fd, output, *channels = fds
                reply = socket.socket(fileno=reply_fd)
                try:
                    request = json.loads(data)
                except ValueError as error:
                    _send(reply, {"error": f"bad request: {error}"})
                    for fd in (output, *channels):
                        os.close(fd)
                    reply.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    control.close()
                    reply.close()
                    _child(request, channels, output, worker, jail)
                for fd in (output, *channels):
                    os.close(fd)
                children[reply] = pid
                _send(reply, {"pid": pid})
            else:
                try:
                    sock.recv(64)  # read the request: closing with it unread would reset the host's end
                except OSError:
                    pass
                pid = children.pop(sock)
                status = _finish(pid)
                _send(sock, {"status": status})
                sock.close()


def main(argv):
    _die_with_parent()
    control = socket.socket(fileno=int(argv[1]))
    with open(argv[2], encoding="utf-8") as handle:
        settings = json.load(handle)
    sys.path[:] = sys.path + [p for p in settings["paths"] if p not in sys.path]
    loaded = []
    for name in settings["preload"]:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except ImportError:
            pass
    if settings.get("warm_up") and "torch" in loaded:
        warm_up()
    worker = _load("_autograder_worker", "worker.py")
    worker.load_codec()
    worker.load_wire()
    jail = _load("_autograder_jail", "jail.py")
    load_process_filter(worker)
    worker.index_namespaces()
    shutil.rmtree(RUNTIME, ignore_errors=True)  # all loaded: nothing is left behind if the grader is killed
    threads = len(os.listdir("/proc/self/task"))  # forking is safe with one; the host refuses more
    # Everything loaded so far (torch, NumPy: millions of objects) moves to the collector's permanent generation:
    # a collection in a child never walks it, so its pages stay shared with this process instead of being copied
    # on write in every child (the gc module's advice for fork without exec).
    gc.collect()
    gc.freeze()
    if settings.get("collapse"):
        collapse_memory()
    control.send(json.dumps({"ready": loaded, "pid": os.getpid(), "threads": threads}).encode())
    if threads != 1:  # a fork copies one thread: a lock another one held would never be released in the child.
        return 1      # The host refuses it too; a process the control socket was shared with never asks.
    serve(control, worker, jail)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
