"""`ast.parse` behind one lock.

CPython 3.11 before 3.11.8 can fail with "SystemError: AST constructor recursion depth mismatch" when two threads
build AST objects at once (python/cpython gh-106905): the recursion counter it checks is shared, not per thread.
The grader parses submissions (forbidden-API scan) and signatures while other threads grade (`grade-all
--executor threads`, tests/hostile), so every parse goes through here. Parsing a module takes milliseconds.
"""
from __future__ import annotations

import ast
import threading

_lock = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse(source, filename), one thread at a time; SyntaxError as ast.parse raises it."""
    with _lock:
        return ast.parse(source, filename)
