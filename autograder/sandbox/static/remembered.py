"""The scan's answers about installed modules, kept on disk between runs of the student kit's `check`.

modules.py answers what a path such as `torch.nn.functional.conv2d` or `torch.os.system` denotes by importing the
real modules on the host: torch too, in a check whose process otherwise never imports it (about 1 s of every
check). The kit's check keeps those answers (`denoted`, `is_module`) in a file under a fingerprint of the
interpreter and its packages: the executable, its version, and the modification time of every folder on sys.path
(installing, upgrading or removing a package changes its folder's). A later check with the same imports reads
them instead of importing torch; what the file does not hold is computed as before, and added. A file that cannot
be read, or was made for another fingerprint, is ignored; one that cannot be written is not kept.

Never used when grading: on a grading machine a worker running under the grader's own uid could write the file,
and the scan must not read anything a submission wrote. On the student's machine the file is the student's, like
everything else there (a check's verdict is the student's own business; the grade comes from the grader).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

FILE = "scan-modules.json"
MAX_BYTES = 8 << 20
"""A larger file is not read (it cannot come from this module: a few thousand answers take tens of KB)."""


def fingerprint() -> list:
    """What the answers depend on besides the paths asked about."""
    folders = []
    for entry in sys.path:
        folder = os.path.abspath(entry or os.curdir)
        try:
            folders.append([folder, os.stat(folder).st_mtime_ns])
        except OSError:
            folders.append([folder, None])
    return [sys.executable, sys.version, folders]


class Remembered:
    """The answers kept in `path` for this interpreter (read at start, written by `save` if anything was added),
    one table per kind of question ("denoted", "modules", "guarded"), each from a text key to a JSON value."""

    def __init__(self, path: Path):
        self.path = path
        self.fingerprint = fingerprint()
        self.changed = False
        self.tables: dict[str, dict[str, object]] = {}
        try:
            if path.stat().st_size > MAX_BYTES:
                return
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("fingerprint") == self.fingerprint \
                and isinstance(data.get("tables"), dict):
            self.tables = {kind: table for kind, table in data["tables"].items() if isinstance(table, dict)}

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".scan-modules-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump({"fingerprint": self.fingerprint, "tables": self.tables}, file)
            os.replace(temporary, self.path)  # whole or not at all: two checks at once each write a whole file
        except OSError:
            pass
        self.changed = False


_active: Remembered | None = None


def use(memo: Remembered | None) -> None:
    """Answer from `memo` from now on (adding to it what it does not hold); None: compute every answer."""
    global _active
    _active = memo


def in_use() -> bool:
    """Whether answers are kept now (the kit's check): callers skip building a key otherwise."""
    return _active is not None


def answer(kind: str, key: str, compute: Callable[[], T], valid: Callable[[object], bool]) -> T:
    """`compute()`, or the answer kept for (`kind`, `key`) where one is in use and `valid` accepts it."""
    memo = _active
    if memo is None:
        return compute()
    table = memo.tables.setdefault(kind, {})
    kept = table.get(key)
    if kept is None or not valid(kept):
        kept = table[key] = compute()
        memo.changed = True
    return kept  # type: ignore[return-value]


def strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def flag(value: object) -> bool:
    return isinstance(value, bool)
