"""The reference solutions and known mistakes of an assignment, parsed (never imported) for their signatures."""
from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass
from pathlib import Path

from autograder import pyast
from autograder.spec.model import SpecError
from autograder.spec.nodes import Node, display, unknown


MISTAKES_MODULE = "mistakes"
"""solutions/<assignment>/mistakes.py: the known wrong implementations (trusted, host side, never stubbed)."""


@dataclass(frozen=True)
class Signature:
    """What a keyword call can pass to a reference function, from its `def`."""

    function: str
    file: str
    keywords: tuple[str, ...]
    """The parameters a keyword argument can name (not the positional-only ones)."""
    required: tuple[str, ...]
    """The parameters without a default."""
    any_keyword: bool
    """The function takes `**kwargs`."""

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef, file: str) -> Signature:
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        required = [p.arg for p in positional[:len(positional) - len(a.defaults)]]
        required += [p.arg for p, default in zip(a.kwonlyargs, a.kw_defaults) if default is None]
        keywords = tuple(p.arg for p in [*a.args, *a.kwonlyargs])
        return cls(node.name, file, keywords, tuple(required), a.kwarg is not None)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(self.keywords)}) in {self.file}"

    def unknown(self, key: str) -> str:
        return unknown(f"argument {key!r}: not a parameter of {self}", key, self.keywords)


class Solutions:
    """The reference modules of one assignment, parsed (never imported) to find their functions."""

    def __init__(self, folder: Path, root: Path):
        self.folder, self.root = folder, root
        self._functions: dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = {}

    def signature(self, module_node: Node, module: str, function_node: Node, function: str) -> Signature:
        """The signature of reference function `module.function`."""
        return self._find(module, function, module_node, function_node,
                          f"the reference solution of {function!r} must be there", "the id")

    def mistake(self, function_node: Node, function: str) -> Signature:
        """The signature of a known mistake's function in solutions/<id>/mistakes.py."""
        return self._find(MISTAKES_MODULE, function, function_node, function_node,
                          "the known mistakes' functions must be there", "the name")

    def _find(self, module: str, function: str, module_node: Node, function_node: Node, why_there: str,
              fix: str) -> Signature:
        """`function` of solutions/<id>/<module>.py; errors at `module_node` (no such file) or `function_node`."""
        path = self.folder / f"{module}.py"
        file = display(path, self.root)
        if module not in self._functions:
            if not path.is_file():
                raise module_node.error(f"no file {file}: {why_there}")
            self._functions[module] = self._parse(path, file)
        found = self._functions[module].get(function)
        if found is None:
            close = difflib.get_close_matches(function, tuple(self._functions[module]), n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            raise function_node.error(f"{file} defines no top-level function {function!r}{suggestion}; add "
                                      f"`def {function}(...)` there or fix {fix}")
        return Signature.of(found, file)

    @staticmethod
    def _parse(path: Path, file: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        try:
            tree = pyast.parse(path.read_text(encoding="utf-8"), file)
        except SyntaxError as error:
            raise SpecError(file, error.lineno, None, f"syntax error in the reference solution: {error.msg}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise SpecError(file, None, None, f"cannot parse the reference solution: {error}") from None
        return {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
