"""The disk quota of a worker that has no jail (process isolation): the host watches its scratch folder.

With namespaces the worker's folders are a tmpfs of `disk_mb` (jail.py) and the kernel stops the writes. Without,
a thread of the host measures what the scratch folder holds (allocated blocks, so sparse files count for what they
use) a few times a second and kills the worker's process group once it holds more than `disk_mb`, or more than
MAX_ENTRIES files and folders, and looks again after each answer, before taking it; the case in flight is then
settled as "wrote more than the disk limit". Between two looks a worker can write at most what the disk takes in
POLL_SECONDS, and RLIMIT_FSIZE bounds each file.
"""
from __future__ import annotations

import os
import signal
import threading
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


class Watch:
    """Watches `scratch` while worker `pid` runs; kills its process group when it holds more than `disk_mb`."""

    def __init__(self, scratch: Path, disk_mb: int, pid: int):
        self.scratch, self.limit, self.pid = scratch, disk_mb * 2**20, pid
        self.exceeded = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if self.check():
                return

    def check(self) -> bool:
        """Measure now (the host also does after each answer, so a burst between two looks is not missed); True,
        with the worker killed, when it holds too much."""
        if self.exceeded:
            return True
        size, entries = usage(self.scratch)
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
