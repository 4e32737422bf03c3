"""Modules by what they are, not by how they are named: the dotted paths a path written in a submission denotes.

A module reached as an attribute of another (`os.sys`, `warnings.sys`, `typing.sys`, `torch.os`,
`torch.nn.modules.conv.F`) is the module itself, so `os.sys.modules` is `sys.modules` and `torch.os.system` is
`os.system`. The host answers this from the real modules, never the student's: a path's first name is imported
on the host if it is a module of the standard library or an installed package (torch, NumPy, SciPy, …: found
in site-packages, so never one of the submission's modules), the same on every route whatever the grader has
imported before; and its attributes are looked up in the modules' namespaces only (no attribute hook runs, nothing
else is imported). A path whose first name the host does not import (one of the submission's own modules, a
package not installed) is read as written and also, from the first later name that is a module of the standard
library or an installed package, as that module (`helpers.sys.modules` is also `sys.modules`).
"""
from __future__ import annotations

import importlib
import importlib.util
import io
import sys
import warnings
from contextlib import redirect_stderr, redirect_stdout
from functools import lru_cache
from types import ModuleType

from autograder.sandbox.static import remembered

NEVER_IMPORTED = frozenset({"antigravity", "this", "__hello__", "__phello__", "idlelib", "turtledemo", "turtle",
                            "tkinter", "__main__", "__mp_main__", "pydoc", "webbrowser", "readline", "rlcompleter"})
"""Standard modules the host does not import to answer the scan: importing them does something (opens a
browser, prints, starts a GUI). A path through them is read as written."""

MAX_DENOTED = 4
"""At most this many readings of one path (as written, and as each module it goes through)."""


@lru_cache(maxsize=256)
def _root(name: str) -> ModuleType | None:
    """The real top-level module `name` on the host, or None where the host does not import it."""
    if name in NEVER_IMPORTED or not name.isidentifier():
        return None
    if not _known_module(name):
        return None
    loaded = sys.modules.get(name)
    if isinstance(loaded, ModuleType):
        return loaded
    try:
        with warnings.catch_warnings(), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            module = importlib.import_module(name)
    except Exception:  # absent on this platform (nt, winreg, msvcrt): read as written
        return None
    return module if isinstance(module, ModuleType) else None


def _attribute_module(module: ModuleType, attribute: str) -> ModuleType | None:
    """The module `module.attribute` is, read from its namespace only, or else the public submodule of that name
    (imported on the host if it is not yet: a package may load its submodules lazily, `numpy.testing`)."""
    try:
        value = vars(module).get(attribute)
    except TypeError:
        return None
    if value is None and not attribute.startswith("_") and _name(module) is not None:
        value = _submodule(f"{_name(module)}.{attribute}")
    return value if isinstance(value, ModuleType) else None


@lru_cache(maxsize=1024)
def _submodule(name: str) -> ModuleType | None:
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded if isinstance(loaded, ModuleType) else None
    try:
        if importlib.util.find_spec(name) is None:
            return None
        with warnings.catch_warnings(), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            return importlib.import_module(name)
    except Exception:  # not a submodule, or one that cannot be imported here: read as written
        return None


def is_module(path: str) -> bool:
    """Whether a path (from an import) denotes a module: a top-level name (`import helpers` binds a module), or a
    path whose every name the host resolves to a module (`os.sys`, `torch.nn.functional`). Kept between the kit's
    checks (remembered.py)."""
    if not remembered.in_use():  # the grader: answered by _is_module's own cache
        return _is_module(path)
    return remembered.answer("modules", path, lambda: _is_module(path), remembered.flag)


@lru_cache(maxsize=16384)
def _is_module(path: str) -> bool:
    parts = path.split(".")
    if len(parts) == 1:
        return True
    module = _root(parts[0])
    for part in parts[1:]:
        if module is None or part.startswith("__"):
            return False
        module = _attribute_module(module, part)
    return module is not None


def _name(module: ModuleType) -> str | None:
    name = vars(module).get("__name__")
    return name if isinstance(name, str) and all(p.isidentifier() for p in name.split(".")) else None


@lru_cache(maxsize=1024)
def _known_module(name: str) -> bool:
    """Whether a bare name is a module of the standard library or an installed package (not a submission's)."""
    if name in NEVER_IMPORTED or not name.isidentifier():
        return False
    if name in sys.stdlib_module_names:
        return True
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    origin = str(getattr(spec, "origin", None) or next(iter(getattr(spec, "submodule_search_locations", None)
                                                             or []), ""))
    return spec is not None and any(part in origin for part in ("site-packages", "dist-packages"))


def denoted(path: str, listed: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The paths `path` denotes: itself first, then the same path from the last module it goes through, by that
    module's own name (`os.sys.modules` → `sys.modules`; `torch.nn.modules.conv.F.conv2d` →
    `torch.nn.functional.conv2d`). A path from one of the `listed` packages (those the exercise's forbidden
    names are in) that the host does not have is read as written only (`scipy.signal` is not `signal`)."""
    if not remembered.in_use():  # the grader: the scan's hot path, answered by _denoted's own cache
        return _denoted(path, listed)
    found = remembered.answer("denoted", "\x1f".join((path, *sorted(listed))),
                              lambda: list(_denoted(path, listed)), remembered.strings)
    return tuple(found)


@lru_cache(maxsize=16384)
def _denoted(path: str, listed: frozenset[str] = frozenset()) -> tuple[str, ...]:
    parts = path.split(".")
    found = [path]
    root = _root(parts[0])
    if root is not None:
        module, last = root, None
        for index in range(1, len(parts)):
            if parts[index].startswith("__"):
                break
            module = _attribute_module(module, parts[index])
            if module is None:
                break
            last = (index, module)
        if last is not None:
            name = _name(last[1])
            if name is not None:
                found.append(".".join([name, *parts[last[0] + 1:]]))
    elif parts[0] not in listed:
        for index in range(1, len(parts)):
            if len(found) >= MAX_DENOTED:
                break
            if _known_module(parts[index]):
                found += [p for p in denoted(".".join(parts[index:]), listed) if p not in found][:MAX_DENOTED - len(found)]
                break
    return tuple(dict.fromkeys(found))
