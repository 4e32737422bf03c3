"""What can be learned from a submission's source without running it: uses of forbidden APIs.

`forbidden_uses` resolves import aliases (`import torch.nn.functional as F`, `from torch import nn`,
`from torch.nn.functional import conv2d as c`) and reports every dotted name in the exercise's function,
and in the module-level functions it calls, that is on the forbidden list. The run-time guard in the worker
catches what this misses (`getattr(torch, "conv" + "2d")`); this catches what a run may not reach.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from autograder import pyast


@dataclass(frozen=True)
class Use:
    name: str
    """The forbidden dotted name, as listed in the spec."""
    line: int


def forbidden_uses(source: str, function: str, forbidden: tuple[str, ...]) -> list[Use]:
    """Forbidden names used by `function` of this module source (and functions it calls), in line order."""
    if not forbidden:
        return []
    try:
        tree = pyast.parse(source)
    except SyntaxError:
        return []  # reported when the worker imports the module
    aliases = _aliases(tree)
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if function not in functions:
        return []
    uses: dict[tuple[str, int], Use] = {}
    seen, queue = set(), [function]
    while queue:
        name = queue.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                queue.append(node.func.id)
            if isinstance(node, (ast.Name, ast.Attribute)):
                dotted = _resolve(node, aliases)
                if dotted is not None:
                    for banned in forbidden:
                        if dotted == banned:
                            uses[(banned, node.lineno)] = Use(banned, node.lineno)
    return sorted(uses.values(), key=lambda u: (u.line, u.name))


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → the dotted name it stands for, from every import in the module."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _resolve(node: ast.expr, aliases: dict[str, str]) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in aliases:
        return None
    return ".".join([aliases[node.id], *reversed(parts)])


def scan_submission(submission: Path, module: str, function: str, forbidden: tuple[str, ...]) -> list[Use]:
    """`forbidden_uses` on `submission/<module>.py`; nothing when the file is missing or unreadable."""
    path = submission / f"{module}.py"
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return forbidden_uses(source, function, forbidden)
