"""Launches the student's worker inside Linux namespaces: a private view of the file system, no network, and a
user of its own. Standalone (standard library only), run by the host as

    python -I -S jail.py CONFIG.json -- PROGRAM ARG...

It sets the jail up while it still has the privileges to, then replaces itself with PROGRAM (the worker), which
starts with none of them. CONFIG (written by `autograder.sandbox.isolation`) holds:

    mode        "root": the grader runs as root; the worker gets a private uid (no capabilities), which is also
                what the process-count limit (RLIMIT_NPROC) counts.
                "user": an unprivileged grader; a user namespace maps the grader's own uid, and the worker, not
                uid 0 inside it, keeps no capabilities after exec.
    owned       paths (the submission copy, its temporary folder) given to the worker's private uid, which is
                UID_BASE + the worker's pid (mode "root" only): unique among running workers, no real account.
    visible     read-only paths the worker may see (system folders, the interpreter, site-packages).
    writable    paths it may write (the scratch folder with the submission copy); same path inside and out.
    processes   RLIMIT_NPROC for the private uid (mode "root" only).
    disk_mb     where set, each writable path is a copy on a tmpfs of this size (and /tmp, /dev/shm at most
                this size): what the worker writes in all is bounded, not only file by file (RLIMIT_FSIZE).

The new root is an empty tmpfs holding only those paths, a fresh /tmp, /dev and a /proc that shows only the
worker's own processes (hidepid). What the worker can write (its folder, /tmp, /dev/shm) is mounted noexec: no file
the submission brings or writes can be mapped as code (a red team loaded a shared object named `payload.bin`). Everything else, the course repository and its solutions included, does not
exist for the worker. A network namespace with no interfaces up refuses every connection.
`python -I -S jail.py --probe MODE` exits 0 when MODE can be set up here, and prints why not otherwise.
"""
import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import tempfile

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWNET = \
    0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = \
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_READ, PR_CAPBSET_DROP = 1, 38, 23, 24
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, PR_SET_DUMPABLE = 47, 4, 4
CAPABILITY_VERSION_3 = 0x20080522
EXIT_SETUP_FAILED = 125
UID_BASE = 1_000_000

_libc = ctypes.CDLL(None, use_errno=True)


class JailError(Exception):
    pass


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise JailError(f"{what}: {os.strerror(errno)}")


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode() if source else None, target.encode(),
                       fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                       data.encode() if data else None), f"mount {source or fstype} on {target}")


def _unshare(flags, what):
    _check(_libc.unshare(ctypes.c_int(flags)), f"unshare({what})")


def _write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def _enter_namespaces(mode):
    """New mount, network, IPC and UTS namespaces (and a user namespace when not root)."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if mode == "user":
        uid, gid = os.getuid(), os.getgid()
        _unshare(flags | CLONE_NEWUSER, "user, mount, network")
        _write("/proc/self/setgroups", "deny")
        # The grader's uid keeps its number inside, except root, which becomes 1000: a worker that is not uid 0
        # in its namespace loses every capability at exec, so it cannot undo the mounts below.
        _write("/proc/self/uid_map", f"{uid or 1000} {uid} 1")
        _write("/proc/self/gid_map", f"{gid or 1000} {gid} 1")
    else:
        _unshare(flags, "mount, network")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing done here propagates to the host


def _bind(source, root, writable, executable=True):
    target = root + source
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if writable else MS_RDONLY) | (0 if executable else MS_NOEXEC)
    try:
        _mount(None, target, None, flags)
    except JailError:  # a mount with locked flags (nodev, noexec) in a user namespace: keep them
        _mount(None, target, None, flags | MS_NODEV)


def _build_root(config, root):
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    disk_mb = config.get("disk_mb")
    # A fresh /tmp and /dev/shm first: a visible path under /tmp (a virtualenv made there) is bound on top of it,
    # not hidden by it.
    for name in ("/tmp", "/dev/shm"):
        os.makedirs(root + name, exist_ok=True)
        size = min(64, int(disk_mb)) if disk_mb else 64
        _mount("tmpfs", root + name, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={size}m,mode=1777")
    for path in config["visible"]:
        if os.path.exists(path):
            _bind(path, root, writable=False)
    os.makedirs(root + "/dev", exist_ok=True)
    for device in ("null", "zero", "full", "random", "urandom", "tty"):
        if os.path.exists("/dev/" + device):
            _bind("/dev/" + device, root, writable=True)
    for device in sorted(os.listdir("/dev")):  # GPUs: CUDA needs its device files (and /sys, below)
        if device.startswith("nvidia"):
            _bind("/dev/" + device, root, writable=True)
    if os.path.isdir("/sys"):
        _bind("/sys", root, writable=False)
    os.symlink("/proc/self/fd", root + "/dev/fd")
    os.makedirs(root + "/proc", exist_ok=True)
    if config["mode"] == "root":
        _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    else:  # procfs cannot be mounted without a PID namespace here; the host's, read-only
        _bind("/proc", root, writable=False)
    for path in config["writable"]:
        if disk_mb:
            _copy_to_tmpfs(path, root, int(disk_mb))
        else:
            _bind(path, root, writable=True, executable=False)
    _mount(None, root, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _copy_to_tmpfs(path, root, disk_mb):
    """`path` inside the jail as a copy on a tmpfs of `disk_mb` MB (the jail's own root, built inside it, left out):
    the worker's writes fill that file system and stop there ("No space left on device")."""
    target = root + path
    os.makedirs(target, exist_ok=True)
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={disk_mb}m,mode=755")
    for name in os.listdir(path):
        source = os.path.join(path, name)
        if os.path.realpath(source) == os.path.realpath(root) or root.startswith(source + os.sep):
            continue
        if os.path.isdir(source) and not os.path.islink(source):
            shutil.copytree(source, os.path.join(target, name), symlinks=True)
        elif os.path.isfile(source):
            shutil.copy2(source, os.path.join(target, name))


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _drop_bounding_set():
    """No capability can be gained again, even by exec'ing a set-uid program (needs CAP_SETPCAP: call first)."""
    for number in range(64):
        if _libc.prctl(PR_CAPBSET_READ, number, 0, 0, 0) == 1:
            _check(_libc.prctl(PR_CAPBSET_DROP, number, 0, 0, 0), f"prctl(CAPBSET_DROP, {number})")


def _drop_capabilities():
    """Clear the ambient, effective, permitted and inheritable sets. exec would clear them for a worker that is
    not uid 0, but a worker forked by the warm pool is never exec'd: without this it would keep, in its user
    namespace, the capabilities to unmount its view or leave its chroot."""
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)  # EINVAL on kernels without ambient sets
    header, data = _CapHeader(CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset(no capabilities)")


def _drop_privileges(config):
    _drop_bounding_set()
    if config["mode"] == "root":
        uid = UID_BASE + os.getpid()
        for top in config["owned"]:
            for folder, _, files in os.walk(top):
                for path in [folder, *(os.path.join(folder, name) for name in files)]:
                    os.lchown(path, uid, uid)
        processes = int(config["processes"])
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
        # A process left by an earlier worker that had this pid (pids wrap) would share this worker's uid:
        # kill(-1) as that uid ends every such process before any student code runs.
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _drop_capabilities()
    # Changing uid made the process non-dumpable (its /proc files root's); exec undoes that, a fork does not.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(DUMPABLE)")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")
    # Changing credentials cleared the parent-death signal the host set: the worker still dies with the grader.
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")


def enter(config):
    """Everything up to the exec: namespaces, the new root, chroot, the worker's own uid."""
    root = config["root"]
    _enter_namespaces(config["mode"])
    os.makedirs(root, exist_ok=True)
    _build_root(config, root)
    os.chroot(root)
    os.chdir("/")
    _drop_privileges(config)


def main(argv):
    if len(argv) == 3 and argv[1] == "--probe":
        scratch = tempfile.mkdtemp(prefix="autograder-probe-")
        try:
            pid = os.fork()
            if pid == 0:
                try:
                    enter({"mode": argv[2], "root": scratch + "/root", "visible": [], "writable": [],
                           "owned": [], "processes": 64})
                    os._exit(0)
                except BaseException as error:  # noqa: BLE001 (reported to the parent, then gone)
                    os.write(2, f"{error}\n".encode())
                    os._exit(1)
            _, status = os.waitpid(pid, 0)
            return 0 if status == 0 else 1
        finally:
            os.rmdir(scratch + "/root") if os.path.isdir(scratch + "/root") else None
            os.rmdir(scratch)
    if len(argv) < 4 or argv[2] != "--":
        sys.stderr.write("usage: jail.py CONFIG.json -- PROGRAM ARG...\n")
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        config = json.load(handle)
    try:
        enter(config)
    except (JailError, OSError) as error:
        sys.stderr.write(f"autograder jail: could not set up the sandbox: {error}\n")
        return EXIT_SETUP_FAILED
    os.chdir(config["cwd"])
    os.execve(argv[3], argv[3:], config["env"])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
