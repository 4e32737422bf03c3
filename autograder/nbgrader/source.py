"""A reference solution module split into notebook cells: its docstring, its preamble, one chunk per exercise.

The preamble is the code before the first exercise's function (imports, constants). An exercise's chunk runs
from its function (with the decorators and the comment lines right above it) to the next exercise's, so a
helper defined after an exercise's function travels with it. Solution regions (`### BEGIN SOLUTION` /
`### END SOLUTION`) are kept: nbgrader replaces them in the students' copy.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder import pyast
from autograder.stubs import BEGIN


class SourceError(Exception):
    """A solution module that cannot be split into notebook cells; str() is `file:line: message`."""

    def __init__(self, filename: str, line: int, message: str):
        super().__init__(f"{filename}:{line}: {message}")


@dataclass(frozen=True)
class ModuleSource:
    docstring: str
    """The module's docstring ('' when it has none)."""
    preamble: str
    """Code before the first exercise's function, without the docstring ('' when there is none)."""
    exercises: tuple[tuple[str, str], ...]
    """(exercise id, its chunk of code), in the order of the file."""


def split_module(text: str, filename: str, exercises: tuple[str, ...]) -> ModuleSource:
    """Split a solution module; SourceError naming `filename` when an exercise's function is missing, has no
    solution region, or a solution region sits outside the exercises' functions."""
    try:
        tree = pyast.parse(text, filename)
    except SyntaxError as error:
        raise SourceError(filename, error.lineno or 1, f"not valid Python ({error.msg})") from None
    lines = text.splitlines()
    docstring = ast.get_docstring(tree, clean=True)
    body = tree.body[1:] if docstring is not None else tree.body
    starts, defined = {}, {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in exercises:
            first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            starts[node.name], defined[node.name] = _with_comments_above(lines, first), node.lineno
    missing = [name for name in exercises if name not in starts]
    if missing:
        raise SourceError(filename, 1, f"no top-level function {', '.join(missing)}: every exercise of the module "
                                       f"needs its reference function here")
    order = sorted(starts, key=starts.get)
    bounds = [starts[name] for name in order] + [len(lines) + 1]
    stray = _regions(lines, 1, bounds[0])
    if stray:
        raise SourceError(filename, stray[0], "a solution region before the exercises' functions: nbgrader "
                                              "refuses one outside a solution cell; move it into a function")
    preamble = _chunk(lines, (tree.body[0].end_lineno or 1) + 1 if docstring is not None else 1, bounds[0])
    chunks = []
    for index, name in enumerate(order):
        if not _regions(lines, bounds[index], bounds[index + 1]):
            raise SourceError(filename, defined[name], f"{name} has no `{BEGIN}` region: the reference code "
                                                      f"would be given to the students as it is")
        chunks.append((name, _chunk(lines, bounds[index], bounds[index + 1])))
    return ModuleSource(docstring=docstring or "", preamble=preamble, exercises=tuple(chunks))


def _with_comments_above(lines: list[str], line: int) -> int:
    """`line`, moved up over the unindented comment lines directly above it (1-based)."""
    while line > 1 and lines[line - 2].startswith("#"):
        line -= 1
    return line


def _chunk(lines: list[str], start: int, stop: int) -> str:
    """Lines start..stop-1 (1-based), without blank lines at either end."""
    return "\n".join(lines[start - 1:stop - 1]).strip("\n")


def _regions(lines: list[str], start: int, stop: int) -> list[int]:
    """Lines (1-based) of the solution regions' BEGIN markers among lines start..stop-1."""
    return [number for number in range(start, stop) if lines[number - 1].strip() == BEGIN]
