# module: conv_torch
# A red team (issue 21, no /proc sweep around a call of a worker the kernel keeps alone): the host no longer looks
# for other processes of the sandbox around a forbidding call, so a computation must not be done by any process
# the worker can reach. Under the seccomp filter it makes none; this asks the ones that already run: every Unix
# socket a daemon listens on (D-Bus, systemd, Docker, containerd, X11, at's spool), by path and in the abstract
# namespace (the scan refuses exec and spawn; tests/sandbox/test_process_filter.py has the kernel refuse them).
# Anything reached could compute F.conv2d for the forbidding call; the function raises if anything answered, so
# the test's "full marks" means the sandbox reached nothing.
import socket as _socket

_reference = conv2d_forward_torch
_PATHS = ("/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket", "/run/systemd/private",
          "/run/systemd/notify", "/run/systemd/journal/stdout", "/var/run/docker.sock", "/run/docker.sock",
          "/run/containerd/containerd.sock", "/tmp/.X11-unix/X0", "/run/user/0/bus", "/var/spool/cron/atjobs",
          "/run/snapd.socket", "/run/postgresql/.s.PGSQL.5432", "/var/run/mysqld/mysqld.sock", "/dev/log")
_ABSTRACT = ("\0/tmp/.X11-unix/X0", "\0/org/freedesktop/systemd1/notify", "\0dbus-session")
_reached = []


def _ask_outside():
    for address in _PATHS + _ABSTRACT:
        for kind in (_socket.SOCK_STREAM, _socket.SOCK_DGRAM):
            client = _socket.socket(_socket.AF_UNIX, kind)
            try:
                client.settimeout(0.5)
                client.connect(address)
                _reached.append(address)
            except OSError:
                pass
            finally:
                client.close()


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if not _reached and not getattr(_ask_outside, "done", False):
        _ask_outside()
        _ask_outside.done = True
    if _reached:
        raise RuntimeError(f"reached outside the sandbox: {_reached}")
    return _reference(x, weight, bias, stride, padding)
