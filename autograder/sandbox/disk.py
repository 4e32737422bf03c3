"""The disk quota of a worker, where the kernel does not enforce it: the host watches.

With namespaces the worker's folders are a tmpfs of `disk_mb` (jail.py) and the kernel stops the writes. Files
that live in no folder escape any folder's size, though: an anonymous `memfd` (or an unlinked file) held open is
memory that neither the tmpfs nor RLIMIT_AS counts (a red team held 6 GB that way). So at every level a thread of
the host adds up the files the worker's processes hold open that have no name left, and, without namespaces, what
the scratch folder holds (allocated blocks, so sparse files count for what they use), a few times a second, and
kills the worker's process group once that is more than `disk_mb`, or more than
MAX_ENTRIES files and folders, and looks again after each answer, before taking it; the case in flight is then
settled as "wrote more than the disk limit". Between two looks a worker can write at most what the disk takes in
POLL_SECONDS, and RLIMIT_FSIZE bounds each file.
"""
from __future__ import annotations

import os
import signal
import stat
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.2
MAX_ENTRIES = 20_000


def usage(folder: Path, limit_entries: int = MAX_ENTRIES) -> tuple[int, int]:
    """(bytes allocated, entries) under `folder`, counting at most `limit_entries + 1` entries."""
    total, entries = 0, 0
    stack = [str(folder)]
    while stack and entries <= limit_entries:
        try:
            with os.scandir(stack.pop()) as listing:
                for entry in listing:
                    entries += 1
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += getattr(info, "st_blocks", 0) * 512 or info.st_size
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    if entries > limit_entries:
                        break
        except OSError:
            continue
    return total, entries


def unnamed_open_files(pids: list[int], ignore: set[tuple[int, int]]) -> int:
    """Bytes allocated to the files with no name left (memfds, unlinked files) that processes `pids` hold open,
    each counted once; `ignore` holds (device, inode) of files that are the host's (the arena)."""
    seen, total = set(ignore), 0
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds[:MAX_ENTRIES]:
            try:
                info = os.stat(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            key = (info.st_dev, info.st_ino)
            if key in seen or not stat.S_ISREG(info.st_mode) or info.st_nlink:
                continue
            seen.add(key)
            total += getattr(info, "st_blocks", 0) * 512 or info.st_size
    return total


class Watch:
    """Watches worker `pid` (and the other processes `others()` returns) while it runs; kills its process group
    when what it holds is more than `disk_mb`. `folder` is the scratch folder to measure as well (process
    isolation), or None (a tmpfs in the jail bounds it)."""

    def __init__(self, folder: Path | None, disk_mb: int, pid: int, others, ignore: set[tuple[int, int]]):
        self.folder, self.limit, self.pid = folder, disk_mb * 2**20, pid
        self.others, self.ignore = others, ignore
        self.exceeded = ""
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """A look every POLL_SECONDS at least: none where the host has just looked (after an answer), since each
        look reads /proc for the sandbox's processes."""
        while True:
            wait = self._last + POLL_SECONDS - time.monotonic()
            if wait > 0:
                if self._stop.wait(wait):
                    return
            elif self.check():
                return

    def check(self, others: list[int] | None = None) -> bool:
        """Measure now (the host also does after each answer, so a burst between two looks is not missed), with
        `others`, the sandbox's other processes, where the host has just found them; True, with the worker
        killed, when it holds too much."""
        self._last = time.monotonic()
        if self.exceeded:
            return True
        size, entries = usage(self.folder) if self.folder is not None else (0, 0)
        size += unnamed_open_files([self.pid, *(self.others() if others is None else others)], self.ignore)
        if size <= self.limit and entries <= MAX_ENTRIES:
            return False
        self.exceeded = f"more than {MAX_ENTRIES} files" if entries > MAX_ENTRIES else f"{size // 2**20} MB written"
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return True

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
