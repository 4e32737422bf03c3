"""What the first pass records about a module (scopes, bindings, references), name resolution as Python does
it, and the findings of one exercise drawn from them."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from autograder.sandbox.static.banned import _Banned
from autograder.sandbox.static.budget import _Budget
from autograder.sandbox.static.modules import denoted, is_module
from autograder.sandbox.static.report import Refusal, Scan, Use
from autograder.sandbox.static.rules import (_DYNAMIC, _PICKLE, _PROCESS, ATTRIBUTE_FUNCTIONS, MAIN, MAX_PATH_PARTS,
                                             MAX_PATHS, MODULES_WITH_REFUSED_PATHS, REFUSED_BUILTINS,
                                             WORKER_PROCESSES, _dunder, _private, _refused_path, _shortest)


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

    def findings(self, forbidden: tuple[str, ...], excused: frozenset[str], budget: _Budget,
                 exports: tuple[tuple[str, str], ...] = ()) -> Scan:
        if self.unreadable:
            return Scan(refusals=(self.unreadable,))
        banned = _Banned.of(forbidden)

        def readings(path: str) -> tuple[str, ...]:
            """What a path denotes: by module (static/modules.py), and through another module's names."""
            found = denoted(path, banned.packages)
            for prefix, target in exports:
                if path == prefix or path.startswith(f"{prefix}."):
                    budget.spend()
                    found += denoted(target + path[len(prefix):], banned.packages)
            return found

        skipped = self.skipped(excused)
        prefixes = {name.rsplit(".", cut)[0] for name in forbidden for cut in range(1, name.count(".") + 1)}
        uses: dict[tuple[str, int], Use] = {}
        refusals: dict[tuple[int, str], Refusal] = {}

        def use(path: str, line: int, readings: tuple[str, ...] = ()) -> None:
            """A use of `path` as written, or else of the first of its readings that is banned."""
            for reading in (path, *readings):
                name = banned.match(reading)
                if name is not None:
                    uses.setdefault((name, line), Use(name, line))
                    return

        def refuse(line: int, reason: str) -> None:
            refusals.setdefault((line, reason), Refusal(line, reason))

        for line, top, reason in self.refusals:
            if top not in skipped:
                refuse(line, reason)
        for line, top, written in self.imported:
            if top not in skipped:
                found = readings(written)
                use(written, line, found)
                for path in found:
                    reason = _refused_path(path)
                    if reason:
                        refuse(line, reason)
                        break
        for chain in self.chains:
            if chain.top not in skipped:
                budget.spend()
                self._chain_findings(chain, readings, prefixes, use, refuse, budget)
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

    def _chain_findings(self, chain: _Chain, readings, prefixes: set[str], use, refuse, budget: _Budget) -> None:
        owner = self.binding_scope(chain.base, chain.scope, budget)
        if owner is None:
            if chain.base in REFUSED_BUILTINS:
                refuse(chain.line, REFUSED_BUILTINS[chain.base])
            elif chain.base in ATTRIBUTE_FUNCTIONS and not chain.attributes and chain.role != "call":
                refuse(chain.line, f"uses {chain.base} as a value: {_DYNAMIC}; write the attribute out")
        elif (id(owner), chain.base) in self.crowded:
            refuse(chain.line, f"uses {chain.base}, which is bound to more than {MAX_PATHS} modules and names: the "
                               "grader cannot follow them all; give each its own name")
        written = self.lookup(chain.base, chain.scope, budget)
        if not written:
            return
        for depth in range(len(chain.attributes) + 1):
            if depth:
                attribute = chain.attributes[depth - 1]
                if attribute.startswith("_") and not _dunder(attribute):
                    refuse(chain.line, f"reaches into {_shortest(written)}.{attribute}, a private name: private "
                                       "names are internals the grader cannot check")
                    return
                written = {f"{p}.{attribute}" for p in written if p.count(".") < MAX_PATH_PARTS}
                if not written:
                    return
            read = {path: readings(path) for path in written}
            paths = {reading for found in read.values() for reading in found}
            budget.spend(len(paths))
            for path in sorted(written):
                use(path, chain.line, read[path])
            reasons = sorted({r for r in map(_refused_path, paths) if r})
            if reasons:
                refuse(chain.line, reasons[0])
                return
        if chain.role == "store" and chain.attributes:
            refuse(chain.line, f"changes {_shortest(paths)}: the grader checks modules as they are imported; "
                               "keep your own values in your own names")
        elif chain.role == "value" and (paths & (prefixes | MODULES_WITH_REFUSED_PATHS) or
                                        any(is_module(p) for p in sorted(written))):
            modules = paths & (prefixes | MODULES_WITH_REFUSED_PATHS) or {p for p in written if is_module(p)}
            refuse(chain.line, f"passes the module {_shortest(modules)} around as a value (returned, stored, passed "
                               "or kept in a class): the grader cannot follow what is reached from it; call its "
                               "functions by their names")
        elif chain.role in ("value", "workers") and any(p.rsplit(".", 1)[-1] in WORKER_PROCESSES and
                                                        p.startswith("torch.") for p in paths):
            refuse(chain.line, f"uses {_shortest(paths)} with worker processes (num_workers) or as a value: "
                               f"{_PROCESS}; leave num_workers at 0")
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


def _constant_getattr(node: ast.AST) -> ast.Call | None:
    """The call itself, when `node` is `getattr(obj, "name")` or `getattr(obj, "name", default)`."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and 2 <= len(node.args) <= 3 and not node.keywords
            and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
        return node
    return None
