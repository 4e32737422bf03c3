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
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable

from autograder import pyast


@dataclass(frozen=True)
class Use:
    """A forbidden API reached by the code."""

    name: str
    """The forbidden dotted name, as listed in the spec; or, for a listed routine reached by another path of
    its package (`numpy.ma.convolve` for `numpy.convolve`), the path the code wrote."""
    line: int


@dataclass(frozen=True)
class Refusal:
    """A construct the grader cannot follow, so it cannot tell whether it reaches a forbidden API."""

    line: int
    reason: str
    """One sentence a student understands: what was written and why it cannot be checked."""


@dataclass(frozen=True)
class Scan:
    """What the scan found for one exercise; empty when the module does not parse."""

    uses: tuple[Use, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.uses or self.refusals)


# ---- what is refused, and why ---------------------------------------------------------------------------

ALLOWED_DUNDER_ATTRIBUTES = frozenset({
    "__name__", "__doc__", "__class__", "__init__", "__call__", "__repr__", "__str__", "__len__",
    "__getitem__", "__setitem__", "__iter__", "__next__", "__enter__", "__exit__",
})
"""Dunder attributes a correct submission may read (`type(self).__name__`, `super().__init__()`); every other
`__x__` attribute is refused (`__dict__`, `__globals__`, `__code__`, `__wrapped__`, `__self__`, `__subclasses__`
reach what plain names do not). Defining any dunder method in one's own class is fine."""

ALLOWED_DUNDER_NAMES = frozenset({"__name__", "__file__", "__doc__", "__all__", "__version__", "__author__",
                                  "__debug__", "__slots__"})
"""Module dunders a submission may read or set (`if __name__ == "__main__":`); `__builtins__`, `__import__`,
`__loader__`, `__spec__` and the rest are refused."""

_DYNAMIC = "the grader cannot tell which function it reaches"
_PROCESS = "the grader cannot see what runs there"
_PICKLE = "loading code from bytes, which the grader cannot read"
_UNREAD = "code the grader has not read could run (only the assignment's modules are read and imported)"

REFUSED_MODULES: dict[str, str] = {
    "importlib": f"imports modules by computed names: {_DYNAMIC}",
    "builtins": f"reaches Python's built-in functions through a module: {_DYNAMIC}",
    "ctypes": "calls native code directly, past every check",
    "cffi": "calls native code directly, past every check",
    "gc": "reaches every object of the interpreter through the garbage collector",
    "inspect": "reads the interpreter's frames and functions' internals",
    "pickle": _PICKLE, "marshal": _PICKLE, "dill": _PICKLE, "cloudpickle": _PICKLE, "copyreg": _PICKLE,
    "shelve": _PICKLE, "joblib": _PICKLE,
    "subprocess": f"starts another process: {_PROCESS}",
    "multiprocessing": f"starts another process: {_PROCESS}",
    "concurrent": f"runs code in another thread or process: {_PROCESS}",
    "threading": f"runs code in another thread: {_PROCESS}",
    "asyncio": f"runs code in other threads or processes: {_PROCESS}",
    "code": f"runs code given as text: {_DYNAMIC}", "codeop": f"compiles code given as text: {_DYNAMIC}",
    "runpy": f"runs code by module or file name: {_DYNAMIC}",
    "trace": "installs a trace hook, which can change what the grader's checks see",
    "pdb": "installs a trace hook, which can change what the grader's checks see",
    "bdb": "installs a trace hook, which can change what the grader's checks see",
    "cProfile": "installs a profile hook, which can change what the grader's checks see",
    "profile": "installs a profile hook, which can change what the grader's checks see",
    **{name: f"imports modules from files or names chosen at run time: {_UNREAD}"
       for name in ("site", "zipimport", "pkgutil", "imp")},
}
"""Modules refused outright (importing them, or anything from them)."""

REFUSED_PATHS: dict[str, str] = {
    "torch.ops": "calls PyTorch's operators by their internal names, past the forbidden-API check",
    "torch.library": "registers or overrides PyTorch operators",
    "torch.overrides": "changes how PyTorch functions are dispatched",
    "torch.utils.cpp_extension": "compiles native code",
    "torch.load": f"unpickles a file: {_PICKLE}",
    "torch.jit.load": f"loads a compiled program: {_PICKLE}",
    "torch.package": f"loads packaged code: {_PICKLE}",
    "torch.hub": "downloads and runs code",
    "torch.multiprocessing": f"starts other processes: {_PROCESS}",
    "numpy.core": "reaches NumPy's internal modules",
    "numpy.ctypeslib": "calls native code directly, past every check",
    "sys.modules": f"takes modules out of the interpreter's table: {_DYNAMIC}",
    **{f"sys.{name}": f"changes where Python finds modules: {_UNREAD}"
       for name in ("path", "meta_path", "path_hooks", "path_importer_cache")},
    "sys.settrace": "installs a trace hook, which can change what the grader's checks see",
    "sys.setprofile": "installs a profile hook, which can change what the grader's checks see",
    "sys.monitoring": "installs a monitoring hook, which can change what the grader's checks see",
    "sys.addaudithook": "installs an audit hook, which can change what the grader's checks see",
    "threading.settrace": "installs a trace hook, which can change what the grader's checks see",
    "threading.setprofile": "installs a profile hook, which can change what the grader's checks see",
    "operator.attrgetter": f"gets attributes by computed names: {_DYNAMIC}",
    "operator.methodcaller": f"calls methods by computed names: {_DYNAMIC}",
    **{f"os.{name}": f"starts another program: {_PROCESS}"
       for name in ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp",
                    "execv", "execve", "execl", "execle", "execlp", "execlpe", "execvp", "execvpe",
                    "spawnv", "spawnve", "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnvp", "spawnvpe")},
}
"""Dotted paths refused wherever they are reached (the path itself or anything under it)."""

REFUSED_BUILTINS: dict[str, str] = {
    "eval": f"runs code given as text (eval): {_DYNAMIC}",
    "exec": f"runs code given as text (exec): {_DYNAMIC}",
    "compile": f"compiles code given as text (compile): {_DYNAMIC}",
    "__import__": f"imports a module by a computed name (__import__): {_DYNAMIC}",
    "vars": f"reads an object's or module's namespace as a dictionary (vars): {_DYNAMIC}",
    "globals": f"reads the module's namespace as a dictionary (globals): {_DYNAMIC}",
    "locals": f"reads a namespace as a dictionary (locals): {_DYNAMIC}",
    "dir": f"lists attributes to pick from at run time (dir): {_DYNAMIC}",
    "breakpoint": "starts the debugger, which installs a trace hook",
}
"""Built-in functions refused wherever they are named (unless the module binds the name itself)."""

ATTRIBUTE_FUNCTIONS = ("getattr", "setattr", "delattr", "hasattr")
"""Built-ins that take an attribute name: allowed with a constant name (checked like `obj.name`; `hasattr`, which
only answers yes or no, not at all), refused with a computed one, and refused as values (`f = getattr`)."""

FRAME_ATTRIBUTES = frozenset({
    "f_back", "f_globals", "f_locals", "f_builtins", "f_code", "f_trace", "tb_frame", "tb_next",
    "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
})
"""Attributes of frames, tracebacks, generators and coroutines: they lead to other functions' variables."""

MAX_PATH_PARTS = 12
"""Alias chains longer than this are not followed (`a = a.x` would grow without end)."""
MAX_PATHS = 32
"""At most this many dotted paths per name: a name bound to more is refused where it is used."""
MAX_STARS = 4
"""At most this many distinct `from M import *`; more are refused (each one is a source of every name)."""
MAX_SIBLINGS = 16
"""At most this many of the submission's own modules are followed from one module's imports; more are refused."""
WORK_BASE = 100_000
WORK_PER_CHARACTER = 3
"""The scan's work budget for a module, in steps (a node visited, a scope searched, a path made): WORK_BASE +
WORK_PER_CHARACTER x its length, separately for its facts and for each exercise's findings. The reference
solutions use under a fifth of it; a module that exhausts it is refused (TOO_COMPLEX)."""


# ---- the scan ---------------------------------------------------------------------------------------------

MAIN = "<main>"
"""The `top` of code under a module-level `if __name__ == "__main__":`, which never runs when graded (the module
is imported): what is only there is not held against any exercise, and naming an exercise there does not make
its body count for the others. Unless the module binds `__name__` anywhere, or code outside the block uses a
module-level name the block binds: then the block counts like any other code."""


def scan_source(source: str, function: str, forbidden: tuple[str, ...],
                excused: frozenset[str] = frozenset()) -> Scan:
    """Uses of `forbidden` and refusals in this module source, for the exercise `function`, in line order.

    `excused` names the module's top-level functions that are other exercises allowed these APIs; what is
    inside one of them counts only when something else in the module names that function. With nothing
    forbidden, nothing is reported. A module that does not parse gives nothing (the worker reports the syntax
    error)."""
    if not forbidden:
        return Scan()
    return _findings(source, tuple(forbidden), frozenset(excused - {function}))


@lru_cache(maxsize=128)
def _findings(source: str, forbidden: tuple[str, ...], excused: frozenset[str]) -> Scan:
    """`scan_source`, computed once per module source, forbidden list and excused functions (every exercise
    of a module, and every module importing a sibling, asks the same)."""
    facts = _facts(source)
    if facts is None:
        return Scan()
    try:
        return facts.findings(forbidden, excused, _budget(source))
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
    found = scan_source(source, function, forbidden, excused)
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
        found = scan_source(source, "", forbidden)
        if found:
            yield current, (*found.uses, *found.refusals)
        queue.extend(imported for _, imported in reversed(imported_modules(source)))


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


UNREADABLE = Refusal(1, "this module is nested too deeply for the grader to read it; split long expressions")
TOO_COMPLEX = Refusal(1, "this module is too complex for the grader to read; simplify it")


class _TooComplex(Exception):
    """The scan's work budget is spent."""


@dataclass
class _Budget:
    """Steps of work the scan may still take on one module (WORK_BASE, WORK_PER_CHARACTER)."""

    left: int

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise _TooComplex


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


# ---- what the first pass records ----------------------------------------------------------------------------

@dataclass(eq=False)
class _Scope:
    """A Python scope: the module, a function or lambda, a class body or a comprehension."""

    kind: str
    parent: _Scope | None
    bindings: dict[str, list] = field(default_factory=dict)
    """name → what it is bound to: (expression, scope it is evaluated in), a dotted path, or None (opaque)."""
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Chain:
    """One reference the code makes: a name, followed by attributes (`a.b.c`, `getattr(a, "b")`)."""

    line: int
    scope: _Scope
    top: str | None
    """The top-level function whose body holds it; None at module level, in class bodies, decorators, defaults."""
    base: str
    attributes: tuple[str, ...]
    role: str
    """"value" (passed, stored, returned, compared), "alias" (the right-hand side of `name = ...`), "call" (the
    function of a call), "pickle" (the function of a call with allow_pickle), "store" (assigned or deleted)."""


@dataclass
class _Facts:
    chains: list[_Chain] = field(default_factory=list)
    refusals: list[tuple[int, str | None, str]] = field(default_factory=list)
    """(line, top, reason): refused whatever the exercise forbids."""
    imported: list[tuple[int, str | None, str]] = field(default_factory=list)
    """(line, top, dotted path) of every name an import brings in."""
    named: dict[str, set[str | None]] = field(default_factory=dict)
    """name → the tops in which it is written (as a name, an attribute or an imported name)."""
    scopes: list[_Scope] = field(default_factory=list)
    stars: dict[str, None] = field(default_factory=dict)
    """Modules imported with `*`, each once, at most MAX_STARS: any module-level name may come from them."""
    paths: dict[tuple[int, str], set[str]] = field(default_factory=dict)
    """(id of a scope, name) → the dotted paths the name may stand for there (at most MAX_PATHS)."""
    crowded: set[tuple[int, str]] = field(default_factory=set)
    """(id of a scope, name) of the names bound to more than MAX_PATHS paths: refused where they are used."""
    unreadable: Refusal | None = None
    """UNREADABLE or TOO_COMPLEX: the whole module is refused."""
    main_bound: set[str] = field(default_factory=set)
    """The names bound (in any scope) by code under `if __name__ == "__main__":`."""
    main_counts: bool = False
    """Whether that block counts after all (see MAIN)."""

    @property
    def module(self) -> _Scope:
        return self.scopes[0]

    def findings(self, forbidden: tuple[str, ...], excused: frozenset[str], budget: _Budget) -> Scan:
        if self.unreadable:
            return Scan(refusals=(self.unreadable,))
        banned = _Banned.of(forbidden)
        skipped = self.skipped(excused)
        prefixes = {name.rsplit(".", cut)[0] for name in forbidden for cut in range(1, name.count(".") + 1)}
        uses: dict[tuple[str, int], Use] = {}
        refusals: dict[tuple[int, str], Refusal] = {}

        def use(path: str, line: int) -> None:
            name = banned.match(path)
            if name is not None:
                uses.setdefault((name, line), Use(name, line))

        def refuse(line: int, reason: str) -> None:
            refusals.setdefault((line, reason), Refusal(line, reason))

        for line, top, reason in self.refusals:
            if top not in skipped:
                refuse(line, reason)
        for line, top, path in self.imported:
            if top not in skipped:
                use(path, line)
                reason = _refused_path(path)
                if reason:
                    refuse(line, reason)
        for chain in self.chains:
            if chain.top not in skipped:
                budget.spend()
                self._chain_findings(chain, prefixes, use, refuse, budget)
        return Scan(tuple(sorted(uses.values(), key=lambda u: (u.line, u.name))),
                    tuple(sorted(refusals.values(), key=lambda r: (r.line, r.reason))))

    def skipped(self, excused: frozenset[str]) -> set[str]:
        """The tops not held against the exercise: the excused functions that nothing else in the module names
        (outside a `__main__` block), and that block itself unless it counts."""
        skipped = {name for name in excused if not (self.named.get(name, set()) - {name, MAIN})}
        return skipped if self.main_counts else skipped | {MAIN}

    def find_main_counts(self, budget: _Budget) -> bool:
        """Whether the `__main__` block could run or be reached when graded: `__name__` bound in the module
        (`from m import X as __name__`, `except E as __name__`), or a module-level name the block binds used
        outside it."""
        if "__name__" in self.module.bindings:
            return True
        for chain in self.chains:
            budget.spend()
            if chain.top != MAIN and chain.base in self.main_bound and \
                    self.binding_scope(chain.base, chain.scope, budget) is self.module:
                return True
        return False

    def _chain_findings(self, chain: _Chain, prefixes: set[str], use, refuse, budget: _Budget) -> None:
        owner = self.binding_scope(chain.base, chain.scope, budget)
        if owner is None:
            if chain.base in REFUSED_BUILTINS:
                refuse(chain.line, REFUSED_BUILTINS[chain.base])
            elif chain.base in ATTRIBUTE_FUNCTIONS and not chain.attributes and chain.role != "call":
                refuse(chain.line, f"uses {chain.base} as a value: {_DYNAMIC}; write the attribute out")
        elif (id(owner), chain.base) in self.crowded:
            refuse(chain.line, f"uses {chain.base}, which is bound to more than {MAX_PATHS} modules and names: the "
                               "grader cannot follow them all; give each its own name")
        paths = self.lookup(chain.base, chain.scope, budget)
        if not paths:
            return
        for depth in range(len(chain.attributes) + 1):
            if depth:
                attribute = chain.attributes[depth - 1]
                if attribute.startswith("_") and not _dunder(attribute):
                    refuse(chain.line, f"reaches into {_shortest(paths)}.{attribute}, a private name: private "
                                       "names are internals the grader cannot check")
                    return
                paths = {f"{p}.{attribute}" for p in paths if p.count(".") < MAX_PATH_PARTS}
                if not paths:
                    return
            budget.spend(len(paths))
            for path in sorted(paths):
                use(path, chain.line)
            reasons = sorted({r for r in map(_refused_path, paths) if r})
            if reasons:
                refuse(chain.line, reasons[0])
                return
        if chain.role == "store" and chain.attributes:
            refuse(chain.line, f"changes {_shortest(paths)}: the grader checks modules as they are imported; "
                               "keep your own values in your own names")
        elif chain.role == "value" and paths & prefixes:
            refuse(chain.line, f"passes the module {_shortest(paths & prefixes)} around as a value: the grader "
                               "cannot follow what is called on it; call its functions by their names")
        elif chain.role == "pickle" and any(p.startswith("numpy.") and p.endswith(".load") for p in paths):
            refuse(chain.line, f"uses numpy.load with allow_pickle, which unpickles a file: {_PICKLE}")

    # -- name resolution, as Python does it (a class body is not seen from its methods) --

    def binding_scope(self, name: str, scope: _Scope, budget: _Budget) -> _Scope | None:
        """The scope whose binding of `name` a reference in `scope` sees; None: a built-in (or undefined)."""
        current, first = scope, True
        while current is not None:
            budget.spend()
            if name in current.globals:
                return self.module if name in self.module.bindings else None
            if (current.kind != "class" or first) and name in current.bindings and name not in current.nonlocals:
                return current
            current, first = current.parent, False
        return None

    def lookup(self, name: str, scope: _Scope, budget: _Budget) -> set[str]:
        """The dotted paths `name` may stand for in `scope` (at most MAX_PATHS + MAX_STARS); empty when it is not
        a module or a name from one."""
        owner = self.binding_scope(name, scope, budget)
        paths = set(self.paths.get((id(owner), name), ())) if owner is not None else set()
        if owner is None or owner is self.module:
            paths |= {f"{star}.{name}" for star in self.stars}
        budget.spend(len(paths))
        return paths

    def resolve_aliases(self, budget: _Budget) -> None:
        """Fill `paths`: a fixpoint over every binding, bounded in rounds, path length and set size (a name
        bound to more than MAX_PATHS paths keeps MAX_PATHS of them and is `crowded`)."""
        bindings = [(scope, name, bound) for scope in self.scopes for name, bound in scope.bindings.items()]
        for _ in range(MAX_PATH_PARTS + 4):
            changed = False
            for scope, name, bound in bindings:
                key = (id(scope), name)
                if key in self.crowded:
                    continue
                paths = self.paths.setdefault(key, set())
                before = len(paths)
                for item in bound:
                    budget.spend()
                    found = {item} if isinstance(item, str) else \
                        self.expression_paths(*item, budget) if item is not None else set()
                    for path in sorted(found - paths):
                        if len(paths) == MAX_PATHS:
                            self.crowded.add(key)
                            break
                        paths.add(path)
                    if key in self.crowded:
                        break
                changed |= len(paths) != before
            if not changed:
                return

    def expression_paths(self, node: ast.expr, scope: _Scope, budget: _Budget) -> set[str]:
        """The dotted paths an alias's value may stand for: names, attributes, constant getattr, `a if c else b`,
        `a or b`; at most MAX_PATHS, of at most MAX_PATH_PARTS parts."""
        found: set[str] = set()
        work = [(node, ())]
        while work and len(found) < MAX_PATHS and len(work) < 4 * MAX_PATHS:
            budget.spend()
            current, tail = work.pop()
            if len(tail) > MAX_PATH_PARTS:
                continue
            if isinstance(current, ast.Name):
                found |= {".".join((p, *tail)) for p in self.lookup(current.id, scope, budget)}
            elif isinstance(current, ast.Attribute) and not _private(current.attr):
                work.append((current.value, (current.attr, *tail)))
            elif isinstance(current, ast.IfExp):
                work += [(current.body, tail), (current.orelse, tail)]
            elif isinstance(current, ast.BoolOp):
                work += [(value, tail) for value in current.values]
            elif isinstance(current, ast.NamedExpr):
                work.append((current.value, tail))
            elif _constant_getattr(current) is not None and not _private(current.args[1].value):
                work.append((current.args[0], (current.args[1].value, *tail)))
        return {p for p in found if p.count(".") < MAX_PATH_PARTS}


def _dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _private(name: str) -> bool:
    return name.startswith("_") and not _dunder(name)


def _shortest(paths: set[str]) -> str:
    return min(paths, key=lambda p: (len(p), p))


CONVOLUTIONS_BY_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "numpy": ("polymul",),
    "scipy": ("lfilter", "upfirdn"),
}
"""Routines that are a convolution under another name, forbidden with their package's convolutions:
`numpy.polymul` is `numpy.convolve` of the coefficients (NumPy computes it so), `scipy.signal.lfilter(b, [1], x)`
and `scipy.signal.upfirdn(h, x)` are a 1-D convolution with `b` or `h`."""


def _convolution_name(attribute: str, words: tuple[str, ...]) -> bool:
    """Whether an attribute's name contains one of `words` (`conv`, `correl`), `convert` aside."""
    name = attribute.lower().replace("convert", "")
    return any(word in name for word in words)


@dataclass(frozen=True)
class _Banned:
    """What an exercise's forbidden list bans: the names themselves, the same routine by another path of its
    package, and, where it bans any of a package's convolutions, all of that package's convolutions."""

    names: frozenset[str]
    endings: frozenset[tuple[str, str]]
    """(package, last attribute) of each forbidden name."""
    families: tuple[tuple[str, tuple[str, ...]], ...]
    """(package, the words (`conv`, `correl`) such that every attribute of it containing one is forbidden)."""

    @staticmethod
    @lru_cache(maxsize=16)
    def of(forbidden: tuple[str, ...]) -> _Banned:
        endings = frozenset((n.split(".", 1)[0], n.rsplit(".", 1)[-1]) for n in forbidden if "." in n)
        families = []
        for package, words in (("torch", ("conv",)), ("numpy", ("convolve", "correlate")),
                               ("scipy", ("conv", "correl"))):
            if any(n.startswith(f"{package}.") and _convolution_name(n.split(".", 1)[1], words) for n in forbidden):
                families.append((package, words))
        return _Banned(frozenset(forbidden), endings, tuple(families))

    @lru_cache(maxsize=4096)
    def match(self, path: str) -> str | None:
        """The forbidden name `path` reaches: the name as listed; or, for the same routine by another path of
        its package (`torch.nn.modules.conv.F.conv2d` for `torch.nn.functional.conv2d`) or another of the
        package's convolutions (`torch.conv_tbc`, `torch.nn.LazyConv2d`), the path as written."""
        if path in self.names:
            return path
        if "." not in path:
            return None
        root, last = path.split(".", 1)[0], path.rsplit(".", 1)[-1]
        if (root, last) in self.endings:
            return path
        words = dict(self.families).get(root)
        if words and (_convolution_name(last, words) or last in CONVOLUTIONS_BY_OTHER_NAMES.get(root, ())):
            return path
        return None


@lru_cache(maxsize=4096)
def _refused_path(path: str) -> str | None:
    """Why a dotted path is refused (REFUSED_MODULES, REFUSED_PATHS), or None."""
    parts = path.split(".")
    if parts[0] in REFUSED_MODULES:
        return f"uses {parts[0]}, which {REFUSED_MODULES[parts[0]]}"
    for cut in range(len(parts), 0, -1):
        prefix = ".".join(parts[:cut])
        if prefix in REFUSED_PATHS:
            return f"uses {prefix}, which {REFUSED_PATHS[prefix]}"
    return None


def _constant_getattr(node: ast.AST) -> ast.Call | None:
    """The call itself, when `node` is `getattr(obj, "name")` or `getattr(obj, "name", default)`."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and 2 <= len(node.args) <= 3 and not node.keywords
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
        return node
    return None


def _allows_pickle(node: ast.Call) -> bool:
    """A `load(...)` call with `allow_pickle` not literally False, or with it as the third positional argument."""
    for keyword in node.keywords:
        if keyword.arg == "allow_pickle":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is False)
    return len(node.args) >= 3


def _is_main_test(node: ast.expr) -> bool:
    """`__name__ == "__main__"` (either way round)."""
    if not (isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq)):
        return False
    sides = {type(side).__name__: side for side in (node.left, node.comparators[0])}
    name, constant = sides.get("Name"), sides.get("Constant")
    return name is not None and constant is not None and name.id == "__name__" and constant.value == "__main__"


# ---- the first pass: scopes, bindings, references -----------------------------------------------------------

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SETTABLE_DUNDER_NAMES = frozenset({"__all__", "__version__", "__author__", "__slots__"})


class _Collector:
    """One iterative walk over the tree (no recursion: deeply nested code cannot overflow the stack)."""

    def __init__(self, tree: ast.Module, budget: _Budget):
        self.tree = tree
        self.budget = budget
        self.top: str | None = None
        """The `top` of the node being visited."""
        self.out = _Facts(scopes=[_Scope("module", None)])
        self.pending: list[tuple[ast.AST, _Scope, str | None, str]] = []

    def facts(self) -> _Facts:
        out = self.out
        stack = [(self.tree, out.module, None, "value")]
        while stack:
            self.budget.spend()
            self.pending = []
            self._visit(*stack.pop())
            stack.extend(reversed(self.pending))
        for scope in out.scopes:  # `global x` / `nonlocal x`: the binding belongs to another scope
            for name in [n for n in scope.bindings if n in scope.globals or n in scope.nonlocals]:
                owner = out.module if name in scope.globals else scope.parent
                while name in scope.nonlocals and owner is not None and owner.parent is not None and \
                        (owner.kind != "function" or name not in owner.bindings):
                    self.budget.spend()
                    owner = owner.parent
                if owner is not None and owner is not scope:
                    owner.bindings.setdefault(name, []).extend(scope.bindings.pop(name))
        out.resolve_aliases(self.budget)
        out.main_counts = out.find_main_counts(self.budget)
        return out

    # -- helpers --

    def _push(self, node: ast.AST, scope: _Scope, top: str | None, role: str = "value") -> None:
        self.pending.append((node, scope, top, role))

    def _bind(self, scope: _Scope, name: str, value) -> None:
        scope.bindings.setdefault(name, []).append(value)
        if self.top == MAIN:
            self.out.main_bound.add(name)

    def _bind_target(self, target: ast.AST, scope: _Scope, value: ast.expr | None, where: _Scope) -> None:
        """Bind the names of an assignment target; a plain name (or a tuple against a tuple) keeps its value."""
        work = [(target, value)]
        while work:
            self.budget.spend()
            target, value = work.pop()
            if isinstance(target, ast.Name):
                self._bind(scope, target.id, (value, where) if value is not None else None)
            elif isinstance(target, (ast.Tuple, ast.List)):
                pairs = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
                    and not any(isinstance(e, ast.Starred) for e in target.elts + value.elts)
                work += [(t, v if pairs else None) for t, v in zip(target.elts, value.elts if pairs else target.elts)]
            elif isinstance(target, ast.Starred):
                work.append((target.value, None))

    def _note(self, name: str, top: str | None) -> None:
        self.out.named.setdefault(name, set()).add(top)

    def _refuse(self, line: int, top: str | None, reason: str) -> None:
        self.out.refusals.append((line, top, reason))

    # -- the walk --

    def _visit(self, node: ast.AST, scope: _Scope, top: str | None, role: str) -> None:
        self.top = top
        if type(node) is ast.Name:  # the commonest node first: a module's cost is mostly its names
            return self._chain(node, scope, top, role)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return self._import(node, scope, top)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return self._function(node, scope, top)
        if isinstance(node, ast.ClassDef):
            inner = _Scope("class", scope)
            self.out.scopes.append(inner)
            self._bind(scope, node.name, None)
            for expression in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self._push(expression, scope, top)
            for statement in node.body:
                self._push(statement, inner, top)
            return
        if isinstance(node, _COMPREHENSIONS):
            inner = _Scope("comprehension", scope)
            self.out.scopes.append(inner)
            for index, generator in enumerate(node.generators):
                self._bind_target(generator.target, inner, None, inner)
                self._push(generator.target, inner, top)
                self._push(generator.iter, scope if index == 0 else inner, top)  # the first runs outside
                for condition in generator.ifs:
                    self._push(condition, inner, top)
            for element in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
                self._push(element, inner, top)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            (scope.globals if isinstance(node, ast.Global) else scope.nonlocals).update(node.names)
            for name in node.names:
                self._note(name, top)
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            return self._assign(node, scope, top)
        if isinstance(node, ast.If) and scope is self.out.module and _is_main_test(node.test):
            self._push(node.test, scope, top)
            for statement in node.body:
                self._push(statement, scope, MAIN)
            for statement in node.orelse:
                self._push(statement, scope, top)
            return
        self._binds(node, scope)
        if isinstance(node, (ast.Name, ast.Attribute)) or _constant_getattr(node) is not None:
            return self._chain(node, scope, top, role)
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_FUNCTIONS:
                self._attribute_call(node, scope, top)
            is_load = isinstance(node.func, ast.Attribute) and node.func.attr == "load"
            self._push(node.func, scope, top, "pickle" if is_load and _allows_pickle(node) else "call")
            for argument in node.args + [k.value for k in node.keywords]:
                self._push(argument, scope, top)
            return
        for child in ast.iter_child_nodes(node):
            self._push(child, scope, top)

    def _binds(self, node: ast.AST, scope: _Scope) -> None:
        """Names bound by statements other than assignments: opaque, but local to their scope."""
        if isinstance(node, (ast.For, ast.AsyncFor)):
            self._bind_target(node.target, scope, None, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, scope, None, scope)
        elif isinstance(node, (ast.AugAssign, ast.Delete)):
            for target in (node.targets if isinstance(node, ast.Delete) else [node.target]):
                self._bind_target(target, scope, None, scope)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self._bind(scope, node.name, None)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._bind(scope, node.name, None)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self._bind(scope, node.rest, None)

    def _function(self, node, scope: _Scope, top: str | None) -> None:
        """A def or lambda: decorators, defaults and annotations run where it is defined, its body in its own
        scope; the body of a module-level def has that function as its `top`."""
        inner = _Scope("function", scope)
        self.out.scopes.append(inner)
        body_top = top
        if not isinstance(node, ast.Lambda):
            self._bind(scope, node.name, None)
            body_top = node.name if scope is self.out.module and top != MAIN else top
            for expression in node.decorator_list + ([node.returns] if node.returns is not None else []):
                self._push(expression, scope, top)
        arguments = node.args
        for default in arguments.defaults + [d for d in arguments.kw_defaults if d is not None]:
            self._push(default, scope, top)
        for argument in arguments.posonlyargs + arguments.args + arguments.kwonlyargs + \
                [a for a in (arguments.vararg, arguments.kwarg) if a is not None]:
            self._bind(inner, argument.arg, None)
            if argument.annotation is not None:
                self._push(argument.annotation, scope, top)
        for statement in ([node.body] if isinstance(node, ast.Lambda) else node.body):
            self._push(statement, inner, body_top)

    def _assign(self, node, scope: _Scope, top: str | None) -> None:
        """`name = value` makes `name` an alias of what `value` stands for (followed, not refused as a value)."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        owner = scope
        while isinstance(node, ast.NamedExpr) and owner.kind == "comprehension" and owner.parent is not None:
            owner = owner.parent  # `(x := ...)` in a comprehension binds in the enclosing function
        for target in targets:
            self._bind_target(target, owner, node.value, scope)
            self._push(target, scope, top, "store")
        if isinstance(node, ast.AnnAssign):
            self._push(node.annotation, scope, top)
        if node.value is None:
            return
        aliased = any(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets)
        unpacked = any(isinstance(t, (ast.Tuple, ast.List)) for t in targets)
        work = [node.value]
        while work:
            self.budget.spend()
            value = work.pop()
            if aliased and isinstance(value, ast.IfExp):
                self._push(value.test, scope, top)
                work += [value.body, value.orelse]
            elif aliased and isinstance(value, ast.BoolOp):
                work += value.values
            elif unpacked and isinstance(value, (ast.Tuple, ast.List)):
                work += value.elts
            else:
                self._push(value, scope, top, "alias" if aliased else "value")

    def _chain(self, node: ast.AST, scope: _Scope, top: str | None, role: str) -> None:
        """Record a name with its attributes (`a.b.c`, `getattr(a, "b")`); walk on into a base that is not a name."""
        attributes: list[str] = []
        current = node
        while True:
            self.budget.spend()
            if isinstance(current, ast.Attribute):
                attributes.append(current.attr)
                self._attribute_name(current.attr, current.lineno, top)
                current = current.value
            elif _constant_getattr(current) is not None:
                attributes.append(current.args[1].value)
                self._attribute_name(current.args[1].value, current.lineno, top)
                for default in current.args[2:]:
                    self._push(default, scope, top)
                current = current.args[0]
            else:
                break
        attributes.reverse()
        for attribute in attributes:
            self._note(attribute, top)
        if not isinstance(current, ast.Name):
            return self._push(current, scope, top)
        name = current.id
        self._note(name, top)
        storing = isinstance(current.ctx, (ast.Store, ast.Del)) and not attributes
        settable = name in _SETTABLE_DUNDER_NAMES
        if _dunder(name) and name not in REFUSED_BUILTINS and (name not in ALLOWED_DUNDER_NAMES or
                                                               (storing and not settable)):
            self._refuse(current.lineno, top, f"uses {name}, an interpreter internal: {_DYNAMIC}")
        if role == "store" and not attributes:
            role = "alias"  # `name = ...`: the binding is followed through the name
        self.out.chains.append(_Chain(node.lineno, scope, top, name, tuple(attributes), role))

    def _attribute_name(self, attribute: str, line: int, top: str | None) -> None:
        if _dunder(attribute) and attribute not in ALLOWED_DUNDER_ATTRIBUTES:
            self._refuse(line, top, f"uses the attribute {attribute}, an interpreter internal: {_DYNAMIC}")
        elif attribute in FRAME_ATTRIBUTES:
            self._refuse(line, top, f"uses the attribute {attribute}, which reads other functions' frames: "
                                    f"{_DYNAMIC}")

    def _attribute_call(self, node: ast.Call, scope: _Scope, top: str | None) -> None:
        """getattr/setattr/delattr/hasattr: a constant name is checked like `obj.name` (and `setattr` on a module
        like an assignment to it); a computed name is refused."""
        name = node.func.id
        if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str):
            attribute = node.args[1].value
            if name == "hasattr":  # only a yes or no: `hasattr(x, "__array__")` reaches nothing
                return
            self._attribute_name(attribute, node.lineno, top)
            self._note(attribute, top)
            target, attributes = node.args[0], [attribute]
            while isinstance(target, ast.Attribute):
                self.budget.spend()
                attributes.append(target.attr)
                target = target.value
            if isinstance(target, ast.Name) and name in ("setattr", "delattr"):
                self.out.chains.append(_Chain(node.lineno, scope, top, target.id, tuple(reversed(attributes)),
                                              "store"))
            return
        self._refuse(node.lineno, top, f"uses {name} with a computed attribute name: {_DYNAMIC}; "
                                       "write the attribute out (obj.name)")

    def _import(self, node: ast.Import | ast.ImportFrom, scope: _Scope, top: str | None) -> None:
        out, line = self.out, node.lineno
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._check_module(alias.name, line, top)
                root = alias.name.split(".")[0]
                self._bind(scope, alias.asname or root, alias.name if alias.asname else root)
                out.imported.append((line, top, alias.name))
            return
        if node.level or not node.module:  # a relative import: one of the submission's own modules
            for alias in node.names:
                self._bind(scope, alias.asname or alias.name, None)
                self._note(alias.name, top)
            return
        if node.module == "__future__":
            return
        self._check_module(node.module, line, top)
        for alias in node.names:
            self._note(alias.name, top)
            if alias.name == "*":
                if node.module not in out.stars and len(out.stars) == MAX_STARS:
                    self._refuse(line, top, f"imports * from more than {MAX_STARS} modules: the grader cannot follow "
                                            "where each name comes from; import the names you use")
                    continue
                out.stars[node.module] = None
                out.imported.append((line, top, node.module))
                continue
            if _private(alias.name):
                self._refuse(line, top, f"imports {alias.name} from {node.module}, a private name: private names "
                                        "are internals the grader cannot check")
            elif _dunder(alias.name):
                self._refuse(line, top, f"imports {alias.name} from {node.module}, an interpreter internal: "
                                        f"{_DYNAMIC}")
            self._bind(scope, alias.asname or alias.name, f"{node.module}.{alias.name}")
            out.imported.append((line, top, f"{node.module}.{alias.name}"))

    def _check_module(self, module: str, line: int, top: str | None) -> None:
        private = [part for part in module.split(".") if part.startswith("_")]
        if private:
            self._refuse(line, top, f"imports {module}, a private module: private modules are internals the "
                                    "grader cannot check")
