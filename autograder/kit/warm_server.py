"""The student kit's check server: the warm pool's fork server (autograder/sandbox/zygote.py) kept between one
`autograder check` and the next, so that a check forks its worker from a process that has imported NumPy, torch
and torch._dynamo instead of importing them again (autograder/kit/warm.py starts it and connects to it).

Standalone (standard library, plus the modules it preloads), started detached, in a session of its own, as

    python -I -S -B warm_server.py SETTINGS.json

SETTINGS holds `name` (a Linux abstract Unix socket name), `key` (what the server was built from), `paths`
(site-packages to import from), `preload` (imported before the first check is served), `later` (imported while
no check is connected: torch._dynamo, which only an optimizer step needs, off every check's critical path) and
`idle` (seconds without a connection after which the server exits).

It binds the name first: a second server started for the same name exits at once, and the check that started it
connects to the first. It accepts connections from processes of its own uid only (SO_PEERCRED). Each connection
is one check's control socket, served exactly as zygote.py serves its one: a `{"ready": ...}` hello, then one
datagram per worker, each forked child set up by zygote.py's own `_child` (session, limits, environment, jail)
before the worker runs. When a connection closes (the check ended, or died), the children it asked for are killed
and reaped. `stop` (a datagram with no file descriptors) ends the server and its children. The server holds
nothing of the grader's or of any kit: no course, no case, no submission; a child inherits only that.
"""
import importlib
import importlib.util
import json
import os
import select
import shutil
import socket
import struct
import sys
import time

RUNTIME = os.path.dirname(os.path.abspath(__file__))
CHANNEL_COUNT = 3
MAX_REQUEST = 1 << 20
STOP = b"stop"


def _load(name, filename):
    spec = importlib.util.spec_from_file_location(name, os.path.join(RUNTIME, filename))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _import(names):
    loaded = []
    for name in names:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except ImportError:
            pass
    return loaded


def _threads():
    return len(os.listdir("/proc/self/task"))  # forking is safe with one; the host refuses more


def _peer_uid(sock):
    _, uid, _ = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return uid


class Server:
    def __init__(self, listener, settings, zygote, worker, jail, loaded):
        self.listener, self.settings = listener, settings
        self.zygote, self.worker, self.jail = zygote, worker, jail
        self.loaded = loaded
        self.later = list(settings.get("later", []))
        self.controls = {}  # control socket -> set of its children's reply sockets
        self.children = {}  # reply socket -> (pid, control socket)
        self.idle_since = time.monotonic()
        self.served = False
        """Whether a check has come and gone: the first one is served before anything `later` is imported."""

    def hello(self):
        return {"ready": self.loaded, "pid": os.getpid(), "threads": _threads(), "key": self.settings["key"]}

    def serve(self):
        while True:
            if self.served and not self.controls and self.later:  # between checks: nobody waits for it
                try:
                    for name in self.later:
                        importlib.import_module(name)
                except Exception:  # noqa: BLE001 (half imported: children must not inherit that; stop serving)
                    self._stop()
                    return
                self.loaded += self.later
                self.later = []
                continue
            timeout = None if self.controls else max(0.0, self.settings["idle"] - (time.monotonic() - self.idle_since))
            readable, _, _ = select.select([self.listener, *self.controls, *self.children], [], [], timeout)
            if not readable and not self.controls:
                return
            for sock in readable:
                if sock is self.listener:
                    self._accept()
                elif sock in self.controls:
                    if self._request(sock) == STOP:
                        self._stop()
                        return
                elif sock in self.children:
                    self._reap(sock)

    def _accept(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        try:
            if _peer_uid(conn) != os.getuid():
                conn.close()
                return
            conn.send(json.dumps(self.hello()).encode())
        except OSError:
            conn.close()
            return
        self.controls[conn] = set()

    def _request(self, control):
        zygote = self.zygote
        try:
            data, fds, _, _ = socket.recv_fds(control, MAX_REQUEST, 2 + CHANNEL_COUNT)
        except OSError:
            data, fds = b"", []
        if data == STOP and not fds:
            return STOP
        if not data:  # the check is over (or died): its children go with it
            self._drop(control)
            return None
        if len(fds) != 2 + CHANNEL_COUNT:
            for fd in fds:
                os.close(fd)
            return None
        reply_fd, output, *channels = fds
        reply = socket.socket(fileno=reply_fd)
        try:
            request = json.loads(data)
        except ValueError as error:
            zygote._send(reply, {"error": f"bad request: {error}"})
            for fd in (output, *channels):
                os.close(fd)
            reply.close()
            return None
        pid = os.fork()
        if pid == 0:
            self._close_all_but(reply)
            reply.close()
            sys.modules.pop("_autograder_zygote", None)
            zygote._child(request, channels, output, self.worker, self.jail)
        for fd in (output, *channels):
            os.close(fd)
        self.children[reply] = (pid, control)
        self.controls[control].add(reply)
        zygote._send(reply, {"pid": pid})
        return None

    def _reap(self, reply):
        try:
            reply.recv(64)  # read the request: closing with it unread would reset the host's end
        except OSError:
            pass
        pid, control = self.children.pop(reply)
        self.controls.get(control, set()).discard(reply)
        status = self.zygote._finish(pid)
        self.zygote._send(reply, {"status": status})
        reply.close()

    def _drop(self, control):
        for reply in self.controls.pop(control, set()):
            pid, _ = self.children.pop(reply)
            self.zygote._finish(pid)
            reply.close()
        control.close()
        self.served = True
        if not self.controls:
            self.idle_since = time.monotonic()

    def _stop(self):
        for control in list(self.controls):
            self._drop(control)
        self.listener.close()

    def _close_all_but(self, keep):
        """In a forked child: the server's sockets are not the child's (zygote._child closes every other fd too)."""
        for sock in (self.listener, *self.controls, *self.children):
            if sock is not keep:
                sock.close()


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        settings = json.load(handle)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        listener.bind("\0" + settings["name"])
    except OSError:  # another server holds the name: the check that started this one connects to it
        shutil.rmtree(RUNTIME, ignore_errors=True)
        return 0
    listener.listen(16)
    sys.path[:] = sys.path + [p for p in settings["paths"] if p not in sys.path]
    zygote = _load("_autograder_zygote", "zygote.py")
    loaded = _import(settings["preload"])
    worker = zygote._load("_autograder_worker", "worker.py")
    worker.load_codec()
    worker.load_wire()
    jail = zygote._load("_autograder_jail", "jail.py")
    zygote.load_process_filter(worker)
    shutil.rmtree(RUNTIME, ignore_errors=True)  # all loaded: nothing is left behind
    Server(listener, settings, zygote, worker, jail, loaded).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
