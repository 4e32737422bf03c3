"""The first pass: one iterative walk over a module's syntax tree, recording scopes, bindings, references."""
from __future__ import annotations

import ast

from autograder.sandbox.static.budget import _Budget
from autograder.sandbox.static.facts import _Chain, _constant_getattr, _Facts, _Scope
from autograder.sandbox.static.rules import (_DYNAMIC, ALLOWED_DUNDER_ATTRIBUTES, ALLOWED_DUNDER_NAMES,
                                             ATTRIBUTE_FUNCTIONS, FRAME_ATTRIBUTES, MAIN, MAX_STARS,
                                             REFUSED_BUILTINS, _dunder, _private)


def _may_start_workers(node: ast.Call) -> bool:
    """A call with `num_workers` not literally 0, with `**arguments`, or with six positional arguments or more
    (DataLoader's sixth is `num_workers`)."""
    for keyword in node.keywords:
        if keyword.arg is None:
            return True
        if keyword.arg == "num_workers":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value == 0)
    return len(node.args) >= 6 or any(isinstance(a, ast.Starred) for a in node.args)


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
            role = "pickle" if is_load and _allows_pickle(node) else "workers" if _may_start_workers(node) else "call"
            self._push(node.func, scope, top, role)
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
        # An alias is followed through its name; where the value is reachable otherwise too (a class attribute,
        # `A.m`; the value of `(m := ...)` itself), it is also a value.
        aliased = any(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in targets) and scope.kind != "class" \
            and not isinstance(node, ast.NamedExpr)
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
