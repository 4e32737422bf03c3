"""A submission's code as the units compared across the class: the whole submission (its modules in the
assignment's order), and per exercise the exercise's function together with every module-level function it
calls, directly or through others, in the same module (a copied body moved into a helper stays in the unit).
Pure: module texts in, units out; a module that does not parse is compared whole only."""
from __future__ import annotations

import ast
from dataclasses import dataclass

WHOLE = ""
"""The exercise of the whole-submission unit (pairs.csv's empty `exercise`)."""


@dataclass(frozen=True)
class Unit:
    exercise: str
    """An exercise id, or WHOLE."""
    text: str
    """The code compared: for an exercise, its function's source and its helpers', in the module's order."""


def units_of(modules: dict[str, str], exercises: dict[str, str]) -> dict[str, Unit]:
    """{exercise or WHOLE: unit} of one submission: `modules` {module: source} as submitted (missing modules
    absent), `exercises` {exercise id (its function's name): module}. An exercise whose function is missing, or
    whose module does not parse, has no unit."""
    found = {WHOLE: Unit(WHOLE, "\n".join(f"# {name}.py\n{modules[name]}" for name in modules))}
    trees = {}
    for name, source in modules.items():
        try:
            trees[name] = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    for exercise, module in exercises.items():
        if module not in trees:
            continue
        text = _function_with_helpers(modules[module], trees[module], exercise)
        if text:
            found[exercise] = Unit(exercise, text)
    return found


def _function_with_helpers(source: str, tree: ast.Module, name: str) -> str:
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if name not in functions:
        return ""
    wanted, queue = {name}, [name]
    while queue:
        for node in ast.walk(functions[queue.pop()]):
            if isinstance(node, ast.Name) and node.id in functions and node.id not in wanted:
                wanted.add(node.id)
                queue.append(node.id)
    lines = source.splitlines(keepends=True)
    parts = ["".join(lines[_first_line(node) - 1:node.end_lineno]).rstrip() for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in wanted]
    return "\n\n".join(part for part in parts if part)


def _first_line(node: ast.AST) -> int:
    """The function's first line, its decorators included."""
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
