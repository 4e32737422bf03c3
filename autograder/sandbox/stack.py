"""Where a call that hit its time limit was: the student's file, line and function, read from the Python stack the
worker dumped when the host asked (faulthandler, on SIGUSR2; autograder.sandbox.process.Worker.stack).

Feedback only: the text comes from the student's process, so it decides nothing (the host's clock decided the
timeout) and is parsed defensively: bounded, line by line, only frames in the student's own modules, and only
their file name, line number and function name. Visible cases only: the code chooses its function's name and the
line it hangs on, so a hidden case's timeout does not say where (Outcome.hidden_message; docs/security.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

_FRAME = re.compile(r'^\s*File "(?P<file>[^"\n]{1,1000})", line (?P<line>\d{1,7}) '
                    r'in (?P<function>[A-Za-z_<>][\w<>.]{0,99})\s*$')
MAX_TEXT = 16384
"""The most of the dump read (faulthandler writes at most 100 frames of each thread)."""


@dataclass(frozen=True)
class Where:
    """A frame of the student's code."""

    file: str
    """The module's file name only (`conv_numpy.py`), never a path."""
    line: int
    function: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} in {self.function}"


def defined_at(where: Where | None, sources: dict[str, str]) -> Where | None:
    """`where` with the line of its function's `def` in the text the host read (`sources`: module -> text), so
    that the feedback is the same every time: the line a loop is on when the host asks changes from run to run
    (and results.json must not). None where the function is not defined at the top of its module's text (a
    nested or generated function): then only the file is certain, and the feedback names none."""
    if where is None:
        return None
    source = sources.get(where.file[:-3] if where.file.endswith(".py") else where.file)
    if source is None:
        return None
    pattern = re.compile(rf"^(?:async\s+)?def\s+{re.escape(where.function)}\s*\(", re.M)
    found = pattern.search(source)
    if found is None:
        return None
    return Where(where.file, source.count("\n", 0, found.start()) + 1, where.function)


def student_frame(dump: str, files: Iterable[str]) -> Where | None:
    """The most recent frame of the first thread listed (faulthandler lists the current thread first, most recent
    call first) whose file is one of the student's module files (`files`: names such as `conv_numpy.py`); None
    when the dump holds none."""
    names = set(files)
    seen_thread = False
    for line in dump[:MAX_TEXT].splitlines():
        if line.startswith(("Current thread", "Thread ")):
            if seen_thread:
                break  # only the thread that runs the call (the current one, listed first)
            seen_thread = True
            continue
        match = _FRAME.match(line)
        if match is None:
            continue
        name = match["file"].replace("\\", "/").rsplit("/", 1)[-1]
        if name in names:
            return Where(file=name, line=int(match["line"]), function=match["function"])
    return None
