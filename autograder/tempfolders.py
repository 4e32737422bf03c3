"""The grader's temporary folders, and the removal of those whose maker is gone.

Every folder the grader makes for a grading (a worker's scratch folder and the host's copy of the submission's
files, a baseline worker's folder, the warm pool's runtime, a grade-all job's copy of a submission) is made here,
in the system's temporary folder, named `autograder-*`, with a marker file `HELD`, and stays locked (an advisory
`flock` on the folder itself, through a descriptor that no child inherits) for as long as the process that made
it holds it. Its maker removes it when the grading is done. A maker killed with SIGKILL, or a machine stopped
mid-grading, cannot: the folders stay, with a submission's code and data in them. So each grading command starts
with `sweep()`, which removes the marked folders that nobody holds any more (the kernel drops a dead process's
locks) and leaves every one in use alone, whoever's it is. A folder younger than GRACE_SECONDS is never touched
(it may be between its making and its lock), nor anything without the marker or not owned by this user.

Why a lock rather than a process id: a pid is reused, a lock dies with its holder, and a folder made by one
process and used by its forks (grade-all's job processes fork from a server) stays held while any of them holds
the descriptor.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
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

_held: dict[str, int] = {}
_lock = threading.Lock()


def make(prefix: str = PREFIX) -> Path:
    """A new folder `<tmp>/<prefix>XXXXXXXX` (mode 0700, as mkdtemp's), marked and locked until `remove`."""
    if not prefix.startswith(PREFIX):
        raise ValueError(f"a grader's temporary folder is named {PREFIX}*, not {prefix}*")
    path = tempfile.mkdtemp(prefix=prefix)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new: nobody else can hold it yet
    with _lock:
        _held[path] = fd
    Path(path, HELD).touch(mode=0o644)
    return Path(path)


def remove(path: Path | str) -> None:
    """Remove a folder made by `make` (whatever a worker left in it, modes included) as far as it can be, and let
    go of its lock."""
    path = str(path)
    try:
        rmtree(Path(path))
    except OSError:
        pass  # what is left is the next sweep's (none holds it)
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


def sweep(root: Path | str | None = None, grace: float | None = None) -> list[Path]:
    """Remove the marked folders of `root` (the system's temporary folder) that no process holds any more and
    that are older than `grace` seconds (GRACE_SECONDS); the folders removed. Cheap (one listing of `root`, a stat
    per `autograder-*` entry: 1-12 ms beside 500 entries), never raises."""
    grace = GRACE_SECONDS if grace is None else grace
    base = Path(root or tempfile.gettempdir())
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < grace:
                continue
            marker = os.lstat(os.path.join(entry.path, HELD))
        except OSError:
            continue
        if not stat.S_ISREG(marker.st_mode):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: in use
            os.close(fd)
            continue
        try:
            if os.path.samestat(os.fstat(fd), info):  # still the folder that was looked at
                rmtree(Path(entry.path))
                removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def rmtree(folder: Path) -> None:
    """Remove a folder a worker may have written (without namespaces, with modes that refuse its removal); raises
    OSError where it cannot."""
    def writable_again(function, path, _):
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
        function(path)

    if folder.is_symlink():  # without namespaces a worker can put a link where its folder was
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder, onerror=writable_again)
