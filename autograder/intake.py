"""A submission's modules as the host reads them: each one size-checked before anything parses it.

The host parses a module's source in its own process, where neither memory nor CPU is limited (the forbidden-API
scan, autograder/sandbox/static.py): a 4 MiB list literal costs Python's parser 2 GB. So the pipeline reads each
module here once, before the sandbox runs, and only these texts are parsed on the host: a module of more than
MAX_MODULE_BYTES is not read at all, and its exercises are ungradable with the size and the limit. Reading before
the run also means that a student process which rewrites its own files (without namespaces it can) changes
nothing the host parses.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_MODULE_BYTES = 256 * 1024
"""One module's source. The reference modules are 4 to 12 KiB; a student's code, however verbose, is far less
than this. Data belongs in a data file next to the modules, not in a literal."""


@dataclass(frozen=True)
class ModuleSource:
    """One module of a submission, as the host may parse it."""

    module: str
    text: str | None
    """The source (undecodable bytes replaced), or None when the file is missing, a link or refused."""
    problem: str = ""
    """Why the module cannot be graded (`conv_numpy.py: 4.0 MiB, more than ...`); empty when it can. A missing
    module is no problem here: the worker reports it like any import error."""


def read_modules(submission: Path, modules: tuple[str, ...] | list[str]) -> dict[str, ModuleSource]:
    """{module: ModuleSource} of `submission/<module>.py` for each module."""
    return {module: read_module(Path(submission), module) for module in modules}


def read_module(submission: Path, module: str) -> ModuleSource:
    name = f"{module}.py"
    path = submission / name
    try:
        info = os.lstat(path)
    except OSError:
        return ModuleSource(module, None)  # missing: the worker says so, with the file name
    if not stat.S_ISREG(info.st_mode):
        return ModuleSource(module, None)  # a link or a folder: the sandbox copies regular files only
    if info.st_size > MAX_MODULE_BYTES:
        return ModuleSource(module, None, too_large(name, info.st_size))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            data = file.read(MAX_MODULE_BYTES + 1)  # the size seen by lstat is not trusted: it may have grown
    except OSError as error:
        return ModuleSource(module, None, f"{name}: cannot be read ({error.strerror})")
    if len(data) > MAX_MODULE_BYTES:
        return ModuleSource(module, None, too_large(name, len(data), at_least=True))
    return ModuleSource(module, data.decode("utf-8", errors="replace"))


def too_large(name: str, size: int, at_least: bool = False) -> str:
    measured = "" if at_least else f"{_size(size)}, "
    return (f"{name}: {measured}more than the {_size(MAX_MODULE_BYTES)} a module may have; keep data out of the "
            f"source (a data file next to the modules, or compute it)")


def _size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} bytes"
