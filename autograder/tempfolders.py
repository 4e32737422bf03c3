"""The grader's temporary folders, and the removal of those whose maker is gone.

Every folder the grader makes for a grading (a worker's scratch folder and the host's copy of the submission's
files, a baseline worker's folder, the warm pool's runtime, a grade-all job's copy of a submission) is made here,
in the system's temporary folder, named `autograder-*`, with a marker file `HELD`, and stays locked (an advisory
`flock` on the folder itself, through a descriptor that no child inherits) for as long as the process that made
it holds it. Its maker removes it when the grading is done. A maker killed with SIGKILL, or a machine stopped
mid-grading, cannot: the folders stay, with a submission's code and data in them. So each grading command starts
with `sweep()`, which removes the marked folders that nobody holds any more (the kernel drops a dead process's
locks) and leaves every one in use alone, whoever's it is. A folder whose marker is younger than GRACE_SECONDS is
never touched (the marker is made once the lock is held, so this is a margin only), nor anything without the
marker or not owned by this user. What cannot be removed (a mount point, an immutable file) keeps the marker.

Why a lock rather than a process id: a pid is reused, a lock dies with its holder, and a folder made by one
process and used by its forks (grade-all's job processes fork from a server) stays held while any of them holds
the descriptor.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import itertools
import logging
import os
import re
import secrets
import stat
import tempfile
import threading
import time
from pathlib import Path
from typing import Iterator

PREFIX = "autograder-"
HELD = ".autograder-held"
"""The marker file of a folder made here: `sweep` considers nothing else."""
GRACE_SECONDS = 60.0

logger = logging.getLogger(__name__)

_held: dict[str, int] = {}
_lock = threading.Lock()


def make(prefix: str = PREFIX) -> Path:
    """A new folder `<tmp>/<prefix>XXXXXXXX` (mode 0700, as mkdtemp's), marked and locked until `remove`. Where
    the file system takes no lock (flock on some network file systems needs a file open for writing), the folder
    is made unmarked: no sweep will ever touch it, and its maker still removes it."""
    if not prefix.startswith(PREFIX):
        raise ValueError(f"a grader's temporary folder is named {PREFIX}*, not {prefix}*")
    path = tempfile.mkdtemp(prefix=prefix)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new: nobody else can hold it yet
    except OSError:
        os.close(fd)
        logger.info("no lock on %s: left out of the sweeps", path, exc_info=True)
        return Path(path)
    with _lock:
        _held[path] = fd
    Path(path, HELD).touch(mode=0o644)
    return Path(path)


def remove(path: Path | str) -> None:
    """Remove a folder made by `make` (whatever a worker left in it, modes included) as far as it can be, and let
    go of its lock. Never raises: what stays keeps its marker, for a later sweep."""
    path = str(path)
    try:
        rmtree(Path(path))
    except Exception:  # noqa: BLE001 (a mount a worker made, a vanished folder: the next sweep's)
        logger.warning("could not remove %s: left for a later sweep", path, exc_info=True)
    finally:
        with _lock:
            fd = _held.pop(path, None)
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def folder(prefix: str = PREFIX) -> Iterator[Path]:
    """`make`, removed on leaving the block."""
    path = make(prefix)
    try:
        yield path
    finally:
        remove(path)


SWEEP_SECONDS = 5.0
"""The most one sweep spends removing (past it, what is left waits for the next command's sweep)."""


def sweep(root: Path | str | None = None, grace: float | None = None) -> list[Path]:
    """Remove the marked folders of `root` (the system's temporary folder) that no process holds any more and
    whose marker is older than `grace` seconds (GRACE_SECONDS); the folders removed. Cheap where there is nothing to
    remove (one listing of `root`, a stat per `autograder-*` folder: 1-12 ms beside 500 entries), at most
    about SWEEP_SECONDS where there is; never raises."""
    grace = GRACE_SECONDS if grace is None else grace
    base = Path(root or tempfile.gettempdir())
    removed: list[Path] = []
    now = time.time()
    deadline = time.monotonic() + SWEEP_SECONDS
    try:
        entries = [e for e in os.scandir(base) if e.name.startswith(PREFIX) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return removed
    mounts = None
    for entry in entries:
        if time.monotonic() > deadline:
            break
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            marker = os.lstat(os.path.join(entry.path, HELD))  # made once the lock is taken, never changed after
            if not stat.S_ISREG(marker.st_mode) or now - marker.st_mtime < grace:
                continue
            mounts = _mount_points() if mounts is None else mounts
            if os.path.realpath(entry.path) in mounts:
                continue  # something is mounted there: not a folder the grader made
            if _remove_unheld(entry, info, deadline):
                removed.append(Path(entry.path))
        except Exception:  # noqa: BLE001 (one folder's trouble, whatever it is, never stops a command)
            logger.info("could not sweep %s", entry.path, exc_info=True)
    return removed


def _remove_unheld(entry: os.DirEntry, info: os.stat_result, deadline: float) -> bool:
    """Remove the folder `entry` if nobody holds it and it is still the one `info` describes; True if removed."""
    fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: in use
            return False
        if not os.path.samestat(os.fstat(fd), info):
            return False
        _empty(fd, deadline)  # the folder behind the descriptor, wherever it is now
    finally:
        os.close(fd)
    try:
        os.rmdir(entry.path)  # only if empty: a folder put in its place meanwhile is left alone
    except FileNotFoundError:
        pass
    return True


def rmtree(folder: Path, deadline: float | None = None) -> None:
    """Remove `folder` and everything in it, as `_empty` does (any depth, no link followed, no mount entered, the
    marker last); a link or a file where the folder was is removed itself. Raises OSError where something stays
    (TimeoutError past `deadline`, a `time.monotonic()` time)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.ENOTDIR):
            raise
        os.unlink(folder)  # without namespaces a worker can put a link (or a file) where its folder was
        return
    try:
        _empty(fd, deadline)
    finally:
        os.close(fd)
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        pass


def _empty(top: int, deadline: float | None = None) -> None:
    """Remove everything in the folder open at `top`, HELD last. Without recursion: every folder met is first
    moved into `top` under a name of its own and emptied from there, so two folders at most are open at once
    whatever the depth (a red team's 16 chains of 1,100 folders overflowed Python's recursive `shutil.rmtree`).
    The move is also the mount check: the kernel refuses to move a mount point (EBUSY), so nothing mounted in the
    tree (a worker with root's powers can bind-mount a folder of the machine there) is entered. Links are removed,
    never followed. Modes that refuse the removal (a worker's folder of mode 0) are changed inside the tree only.
    Raises OSError where something stays."""
    failures: list[str] = []
    pending: list[str] = []
    count = itertools.count()

    def tick() -> None:
        if deadline is not None and next(count) % 256 == 255 and time.monotonic() > deadline:
            raise TimeoutError(errno.ETIMEDOUT, "the sweep's time is up; the rest is the next sweep's")

    for name in _names(top):
        if name != HELD:
            tick()
            _remove_entry(top, name, top, pending, failures)
    while pending:
        name = pending.pop()
        tick()
        try:
            fd = _open_folder(top, name)
        except OSError as error:
            failures.append(f"{name}: {error}")
            continue
        try:
            for inner in _names(fd):
                tick()
                _remove_entry(fd, inner, top, pending, failures)
        finally:
            os.close(fd)
        try:
            os.rmdir(name, dir_fd=top)
        except OSError as error:
            failures.append(f"{name}: {error}")
    if failures:  # the marker stays with them: a later sweep tries again
        raise OSError(errno.ENOTEMPTY, f"{len(failures)} entries stay: " + "; ".join(failures[:3]))
    try:
        os.unlink(HELD, dir_fd=top)
    except FileNotFoundError:
        pass


def _remove_entry(parent: int, name: str, top: int, pending: list[str], failures: list[str]) -> None:
    """Unlink `name` of the folder open at `parent`, or, for a folder, move it into `top` (to `pending`) under a
    random name (nothing in the tree can have taken it); what cannot be removed goes to `failures`."""
    try:
        info = os.stat(name, dir_fd=parent, follow_symlinks=False)
        if not stat.S_ISDIR(info.st_mode):
            _retry_writable(parent, top, lambda: os.unlink(name, dir_fd=parent))
            return
        moved = f".autograder-removing-{secrets.token_hex(8)}"

        def move():
            try:
                os.rename(name, moved, src_dir_fd=parent, dst_dir_fd=top)
            except PermissionError as error:  # moving a folder to another parent needs write permission on it
                _make_writable(parent, name, top, error)
                os.rename(name, moved, src_dir_fd=parent, dst_dir_fd=top)

        _retry_writable(parent, top, move)
    except FileNotFoundError:
        return
    except OSError as error:  # EBUSY: a mount point, never entered; EPERM: an immutable entry
        failures.append(f"{name}: {error}")
        return
    pending.append(moved)


def _retry_writable(parent: int, top: int, action) -> None:
    """`action()`, and once more after making the folder open at `parent` writable where it was refused for
    want of permission (EACCES; never for EPERM, which no mode changes)."""
    try:
        action()
    except PermissionError as error:
        if error.errno != errno.EACCES:
            raise
        os.fchmod(parent, 0o700)
        action()


def _make_writable(parent: int, name: str, top: int, error: OSError) -> None:
    """Give the folder `name` of the folder open at `parent` mode 0700, by descriptor: only on EACCES, and only
    where it is on the same mount as `top` (the kernel checks permissions before it refuses to move a mount
    point: a mode changed by name would be the mounted folder's)."""
    if error.errno != errno.EACCES:
        raise error
    fd = os.open(name, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
    try:
        if _mount_id(fd) != _mount_id(top):
            raise OSError(errno.EBUSY, "a mount point", name)
        os.chmod(f"/proc/self/fd/{fd}", 0o700)  # the folder behind the descriptor, not a name looked up again
    finally:
        os.close(fd)


def _mount_id(fd: int) -> str | None:
    try:
        with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
            return next((line.split()[1] for line in info if line.startswith("mnt_id:")), None)
    except OSError:
        return None


def _open_folder(top: int, name: str) -> int:
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(name, flags, dir_fd=top)
    except PermissionError as error:  # a folder of mode 0, moved into `top` by `_remove_entry`
        _make_writable(top, name, top, error)
        return os.open(name, flags, dir_fd=top)


def _names(fd: int) -> list[str]:
    """The names in the folder open at `fd` (os.listdir reads a duplicate and leaves `fd` open)."""
    return os.listdir(fd)


def _mount_points() -> set[str]:
    """The mount points of this process's namespace (/proc/self/mountinfo's fifth field, unescaped)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as table:
            return {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
                    for line in table if len(line.split()) > 4}
    except OSError:
        return set()
