"""What can be learned from a submission's source without running it: forbidden APIs, and what hides them.

The scan reads a whole module (module-level code, every function and class, decorators, defaults, lambdas)
and reports two things for an exercise that forbids APIs:

- **uses**: a forbidden dotted name reached through imports and aliases (`import torch.nn.functional as F`,
  `from torch import nn`, `m = torch`, `c = F.conv2d`, `getattr(F, "conv2d")`), or the same routine reached
  by another public path of the same package (`torch.nn.modules.conv.F.conv2d`, `numpy.ma.convolve`);
- **refusals**: constructs that could reach a forbidden API without naming it, which the grader therefore
  cannot check: private namespaces (`torch._C`, `torch.ops`), dynamic attribute or import access (`getattr`
  with a computed name, `importlib`, `__import__`, `exec`), interpreter internals (`sys.modules`, frames,
  trace hooks, `gc`, `inspect`), native code (`ctypes`), code loaded from bytes (`pickle`, `torch.load`), other
  processes and threads, and a module passed around as a value. The full list and its reasons are in
  docs/security.md ("What the static scan refuses").

A function of the module that is another exercise allowed these APIs (`learn_filter` may call `F.conv2d`) is
that exercise's business, unless anything else in the module names it. An in-process run-time guard can be
bypassed by what is refused here; this scan is the part a submission cannot tamper with, because it runs on
the grader's side. Everything is pure except `scan_submission`, which reads the file. The scan is linear in
the size of the module: one iterative walk over its syntax tree, a bounded fixpoint over its assignments, and
one pass over the references the walk recorded; each of these draws on a work budget proportional to the
module's size, and a module that exhausts it is refused (TOO_COMPLEX) rather than read on. A module's facts
are computed once per source text, and its findings once per list of forbidden names.

The package, one job per module: `report` (what a scan returns), `rules` (what is refused and why, and the
bounds), `budget`, `collector` (the walk over the syntax tree), `facts` (name resolution and one exercise's
findings), `banned` (what a forbidden list bans); this module holds the entry points.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable

from autograder import pyast
from autograder.sandbox.static.budget import _Budget, _TooComplex
from autograder.sandbox.static.collector import _Collector
from autograder.sandbox.static.facts import _Facts
from autograder.sandbox.static.report import TOO_COMPLEX, UNREADABLE, Refusal, Scan, Use
from autograder.sandbox.static.rules import (ALLOWED_DUNDER_ATTRIBUTES, ALLOWED_DUNDER_NAMES,  # noqa: F401
                                             ATTRIBUTE_FUNCTIONS, FRAME_ATTRIBUTES, MAIN, MAX_PATH_PARTS,
                                             MAX_PATHS, MAX_SIBLINGS, MAX_STARS, REFUSED_BUILTINS,
                                             REFUSED_MODULES, REFUSED_PATHS)

WORK_BASE = 100_000
WORK_PER_CHARACTER = 3
"""The scan's work budget for a module, in steps (a node visited, a scope searched, a path made): WORK_BASE +
WORK_PER_CHARACTER x its length, separately for its facts and for each exercise's findings. The reference
solutions use under a fifth of it; a module that exhausts it is refused (TOO_COMPLEX)."""


def scan_source(source: str, function: str, forbidden: tuple[str, ...],
                excused: frozenset[str] = frozenset(), exports: tuple[tuple[str, str], ...] = ()) -> Scan:
    """Uses of `forbidden` and refusals in this module source, for the exercise `function`, in line order.

    `excused` names the module's top-level functions that are other exercises allowed these APIs; what is
    inside one of them counts only when something else in the module names that function. `exports` are
    (`helpers.F`, `torch.nn.functional`) pairs: what the module-level names of the submission's other modules
    stand for (`_exports`). With nothing forbidden, nothing is reported. A module that does not parse gives
    nothing (the worker reports the syntax error)."""
    if not forbidden:
        return Scan()
    return _findings(source, tuple(forbidden), frozenset(excused - {function}), tuple(exports))


@lru_cache(maxsize=128)
def _findings(source: str, forbidden: tuple[str, ...], excused: frozenset[str],
              exports: tuple[tuple[str, str], ...] = ()) -> Scan:
    """`scan_source`, computed once per module source, forbidden list, excused functions and exports (every
    exercise of a module, and every module importing a sibling, asks the same)."""
    facts = _facts(source)
    if facts is None:
        return Scan()
    try:
        return facts.findings(forbidden, excused, _budget(source), exports)
    except RecursionError:
        return Scan(refusals=(UNREADABLE,))
    except _TooComplex:
        return Scan(refusals=(TOO_COMPLEX,))


def forbidden_uses(source: str, function: str, forbidden: tuple[str, ...],
                   excused: frozenset[str] = frozenset()) -> list[Use]:
    """The uses of `scan_source`, as a list."""
    return list(scan_source(source, function, forbidden, excused).uses)


def scan_submission(submission: Path | Callable[[str], str | None], module: str, function: str,
                    forbidden: tuple[str, ...], excused: frozenset[str] = frozenset()) -> Scan:
    """`scan_source` on `submission/<module>.py`, and on the submission's other modules it imports (whose code
    runs in the exercise as much as its own): what those hold is refused at the line of the import. Nothing
    when the file is missing or unreadable. `submission` is the folder, or a function from a module name to its
    source (the pipeline's, which reads each file once, size-checked, before the run)."""
    if not forbidden:
        return Scan()
    read = submission if callable(submission) else partial(_read, submission)
    source = read(module)
    if source is None:
        return Scan()
    found = scan_source(source, function, forbidden, excused, _exports(read, source))
    refusals = list(found.refusals)
    followed = _Followed({module})
    for line, imported in imported_modules(source, excused - {function}):
        for other, inner in _imported_findings(read, imported, forbidden, followed):
            if other is None:
                refusals.append(Refusal(line, f"imports {imported}, which leads to more than {MAX_SIBLINGS} of the "
                                              "submission's own modules, more than the grader reads; merge them"))
                break
            refusals += [Refusal(line, f"imports {imported}, which {_as_clause(other, item)}") for item in inner]
    return Scan(found.uses, tuple(sorted(set(refusals), key=lambda r: (r.line, r.reason))))


def imported_modules(source: str, excused: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, top-level module name) of every import in the module, outside the bodies of `excused` functions
    that nothing else names (and a `__main__` block that does not count); [] when it does not parse."""
    return list(_imports(source, frozenset(excused)))


@lru_cache(maxsize=128)
def _imports(source: str, excused: frozenset[str]) -> tuple[tuple[int, str], ...]:
    """`imported_modules`, once per module source (each exercise follows the same siblings)."""
    facts = _facts(source)
    if facts is None or facts.unreadable:
        return ()
    skipped = facts.skipped(excused)
    return tuple(sorted({(line, path.split(".")[0]) for line, top, path in facts.imported if top not in skipped}))


@dataclass
class _Followed:
    """The module names already tried from one module's imports, and how many were the submission's own."""

    tried: set[str]
    modules: int = 0


def _imported_findings(read: Callable[[str], str | None], module: str, forbidden: tuple[str, ...],
                       followed: _Followed):
    """(module, findings) for `module` if it is one of the submission's files, and for the ones it imports
    (in import order, depth first, without recursion); (None, ()) once more than MAX_SIBLINGS would be read."""
    queue = [module]
    while queue:
        current = queue.pop()
        if current in followed.tried:
            continue
        followed.tried.add(current)
        source = read(current)
        if source is None:
            continue
        followed.modules += 1
        if followed.modules > MAX_SIBLINGS:
            yield None, ()
            return
        found = scan_source(source, "", forbidden, frozenset(), _exports(read, source))
        if found:
            yield current, (*found.uses, *found.refusals)
        queue.extend(imported for _, imported in reversed(imported_modules(source)))


MAX_EXPORTS = 256
"""At most this many (name, path) pairs of the submission's other modules are followed into one module."""


def _exports(read: Callable[[str], str | None], source: str) -> tuple[tuple[str, str], ...]:
    """(`helpers.F`, `torch.nn.functional`) for every module-level name of each of the submission's modules that
    `source` imports, with each dotted path it may stand for there: `helpers.F.conv2d` is then read as
    `torch.nn.functional.conv2d`, and `helpers.m.modules` (with `m = sys` in helpers.py) as `sys.modules`. A
    name another of the submission's modules gave it (`from b import F` in helpers.py) is followed there too, up
    to MAX_SIBLINGS modules deep; MAX_EXPORTS pairs in all."""
    pairs: set[tuple[str, str]] = set()
    for _, imported in imported_modules(source):
        for name, path in _module_names(read, imported):
            seen: set[str] = set()
            _through_siblings(read, path, MAX_SIBLINGS, seen)
            pairs |= {(f"{imported}.{name}", target) for target in seen}
            if len(pairs) > MAX_EXPORTS:
                break
    return tuple(sorted(pairs)[:MAX_EXPORTS])


def _module_names(read: Callable[[str], str | None], module: str) -> tuple[tuple[str, str], ...]:
    """(name, dotted path) for each module-level name of one of the submission's modules; () for others."""
    other = read(module) if module.isidentifier() else None
    return _names_of(other) if other is not None else ()


@lru_cache(maxsize=128)
def _names_of(source: str) -> tuple[tuple[str, str], ...]:
    """`_module_names` of a module source, once per source (every exercise and importer asks the same)."""
    facts = _facts(source)
    if facts is None or facts.unreadable:
        return ()
    return tuple(sorted((name, path) for (scope, name), paths in facts.paths.items() if scope == id(facts.module)
                        for path in paths))


def _through_siblings(read: Callable[[str], str | None], path: str, depth: int, seen: set[str]) -> None:
    """Add to `seen` `path`, and what it stands for where its first name is one of the submission's modules
    (`b.F` → `torch.nn.functional`), `depth` modules deep, each path once, at most MAX_EXPORTS of them."""
    if path in seen or len(seen) > MAX_EXPORTS:
        return
    seen.add(path)
    root, _, rest = path.partition(".")
    if depth and rest:
        name, _, tail = rest.partition(".")
        for bound_name, target in _module_names(read, root):
            if bound_name == name:
                _through_siblings(read, ".".join(p for p in (target, tail) if p), depth - 1, seen)


def _as_clause(module: str, item: Use | Refusal) -> str:
    if isinstance(item, Use):
        return f"uses {item.name} ({module}.py, line {item.line}), which this exercise does not allow"
    return f"at {module}.py line {item.line} {item.reason}"


def _read(submission: Path, module: str) -> str | None:
    path = submission / f"{module}.py"
    if not module.isidentifier() or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _budget(source: str) -> _Budget:
    return _Budget(WORK_BASE + WORK_PER_CHARACTER * len(source))


@lru_cache(maxsize=8)
def _facts(source: str) -> _Facts | None:
    """What the findings of any exercise need, computed once per module source; None if it does not parse."""
    try:
        tree = pyast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: a NUL byte; the worker's import reports both
        return None
    except (RecursionError, MemoryError):  # Python itself might still import it: refuse what cannot be read
        return _Facts(unreadable=UNREADABLE)
    try:
        return _Collector(tree, _budget(source)).facts()
    except RecursionError:
        return _Facts(unreadable=UNREADABLE)
    except _TooComplex:
        return _Facts(unreadable=TOO_COMPLEX)
