"""`ast.parse` that survives CPython 3.11's shared AST recursion counter.

CPython 3.11 before 3.11.8 can fail with "SystemError: AST constructor recursion depth mismatch" when two threads
build AST objects at once (python/cpython gh-106905): the counter it checks belongs to the interpreter, not the
thread, and more than our own parses touch it (traceback's caret anchors and inspect's text signatures call
ast.parse too). The grader parses submissions (forbidden-API scan) and signatures while other threads grade
(`grade-all --executor threads`, tests/hostile), so every parse goes through here: one at a time among ours,
and parsed again when the counter was disturbed by someone else's. A parse takes milliseconds.
"""
from __future__ import annotations

import ast
import threading

_lock = threading.Lock()
ATTEMPTS = 5


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse(source, filename); SyntaxError as ast.parse raises it."""
    for attempt in range(ATTEMPTS):
        try:
            with _lock:
                return ast.parse(source, filename)
        except SystemError as error:  # the counter was moved by a parse in another thread: nothing is wrong here
            if "recursion depth mismatch" not in str(error) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
