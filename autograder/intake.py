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
import re
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
    """Why the module cannot be graded (`conv_numpy.py: 4.0 MiB, more than ...`, `found shapes (1).py: rename it
    shapes.py`); empty when it can. The exercises of a module with a problem are not run: each case says it."""


def read_modules(submission: Path, modules: tuple[str, ...] | list[str]) -> dict[str, ModuleSource]:
    """{module: ModuleSource} of `submission/<module>.py` for each module."""
    return {module: read_module(Path(submission), module) for module in modules}


def read_module(submission: Path, module: str) -> ModuleSource:
    name = f"{module}.py"
    path = submission / name
    try:
        info = os.lstat(path)
    except OSError:
        return ModuleSource(module, None, missing(submission, module))
    if not stat.S_ISREG(info.st_mode):  # the worker imports only the text read here, from a regular file
        kind = "a link" if stat.S_ISLNK(info.st_mode) else "a folder" if stat.S_ISDIR(info.st_mode) else \
            "not a regular file"
        return ModuleSource(module, None, f"{name} is {kind}: submit the file itself")
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


def missing(submission: Path, module: str) -> str:
    """Why `<module>.py` is not in the submission, for the student: a package folder in its place
    (`shapes/__init__.py`, which the grader does not import), the file under another name when there is one
    ("found shapes (1).py: rename it shapes.py"), else that it is missing."""
    if os.path.lexists(submission / module / "__init__.py"):
        return (f"found a package folder {module}/ ({module}/__init__.py) instead of the module file {module}.py: "
                f"the grader imports only {module}.py; put your code for {module} in that one file")
    try:
        names = sorted(entry.name for entry in os.scandir(submission) if entry.is_file(follow_symlinks=False))
    except OSError:
        names = []
    found = near_names(names, module)
    if found:
        target = f"{module}.ipynb" if found[0].lower().endswith(".ipynb") else f"{module}.py"
        listed = " and ".join(found[:3]) + (f" (and {len(found) - 3} more)" if len(found) > 3 else "")
        return f"found {listed}: rename {'it' if len(found) == 1 else 'one of them'} {target}"
    return f"{module}.py is missing from the submission: put it beside the other modules"


_COPY_MARK = re.compile(r"(\s*\(\d+\)|[\s_-]*copy|[\s_-]+\d+)+$")
"""What a second download or a file manager appends to a name: ` (1)`, ` copy`, `-2`, `_3`."""


def near_names(names: list[str], module: str) -> list[str]:
    """The names among `names` that are `<module>.py` (or `.ipynb`) under a name an upload, a browser or an editor
    gave it: another case (`Shapes.py`), a copy's number (`shapes (1).py`, `shapes-2.py`, `shapes copy.py`) or an
    extension added (`shapes.py.txt`). The exact names are not among them."""
    found = []
    for name in names:
        lower = name.lower().strip()
        if name in (f"{module}.py", f"{module}.ipynb"):
            continue
        if lower.startswith(f"{module}.py") or lower.startswith(f"{module}.ipynb"):
            found.append(name)
            continue
        stem, dot, extension = lower.rpartition(".")
        if not dot or extension not in ("py", "ipynb", "txt"):
            stem = lower
        if _COPY_MARK.sub("", stem.strip()) == module:
            found.append(name)
    return found


def too_large(name: str, size: int, at_least: bool = False) -> str:
    measured = "" if at_least else f"{_size(size)}, "
    return (f"{name}: {measured}more than the {_size(MAX_MODULE_BYTES)} a module may have; keep data out of the "
            f"source (a data file next to the modules, or compute it)")


def _size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{size / 1024:.0f} KiB" if size >= 1024 else f"{size} bytes"
