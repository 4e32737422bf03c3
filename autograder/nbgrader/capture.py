"""Output of code run in a test cell, kept off stderr: nbgrader scores a test cell 0 as soon as the cell writes
anything to stderr, even when the answer is right (a torch `UserWarning` is enough).

`captured()` collects, while its block runs, what is printed to `sys.stdout` and `sys.stderr`, the warnings
raised (each once per block, as text), and what C code writes straight to file descriptor 2, which the Jupyter
kernel would otherwise forward as stderr. Blocks nest: an inner block takes what is written inside it.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from typing import Iterator


class Captured:
    """The text written in a `captured()` block, up to `limit` characters; read it after the block."""

    def __init__(self, limit: int):
        self.limit = limit
        self.stream = io.StringIO()
        self._text = ""

    @property
    def text(self) -> str:
        return self._text

    def _finish(self, warned: list[warnings.WarningMessage], descriptor_text: str) -> None:
        parts = [self.stream.getvalue(), descriptor_text]
        parts += [f"{w.category.__name__}: {w.message} ({os.path.basename(str(w.filename))}:{w.lineno})\n"
                  for w in warned]
        text = "".join(parts)
        if len(text) > self.limit:
            text = text[:self.limit] + f"\n[{len(text) - self.limit} more characters of output dropped]\n"
        self._text = text


@contextlib.contextmanager
def captured(limit: int = 64 * 1024) -> Iterator[Captured]:
    """Capture stdout, stderr, warnings and writes to descriptor 2 while the block runs."""
    capture = Captured(limit)
    descriptor = _Descriptor2()
    warned: list[warnings.WarningMessage] = []
    try:
        with descriptor, warnings.catch_warnings(record=True) as warned, \
                contextlib.redirect_stdout(capture.stream), contextlib.redirect_stderr(capture.stream):
            warnings.simplefilter("always")
            yield capture
    finally:
        capture._finish(_unique(warned), descriptor.text)


def _unique(warned: list[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    seen: dict[tuple, warnings.WarningMessage] = {}
    for warning in warned:
        seen.setdefault((warning.category, str(warning.message), warning.filename, warning.lineno), warning)
    return list(seen.values())


class _Descriptor2:
    """Points descriptor 2 at a temporary file while in use; `text` is what was written there."""

    def __init__(self) -> None:
        self.text = ""
        self._saved: int | None = None
        self._scratch = None

    def __enter__(self) -> "_Descriptor2":
        try:
            self._saved = os.dup(2)
        except OSError:  # no descriptor 2 in this process: nothing to redirect
            return self
        self._scratch = tempfile.TemporaryFile()
        _flush(sys.__stderr__)
        os.dup2(self._scratch.fileno(), 2)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._saved is None:
            return
        _flush(sys.__stderr__)
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._scratch.seek(0)
        self.text = self._scratch.read().decode("utf-8", errors="replace")
        self._scratch.close()


def _flush(stream) -> None:
    if stream is not None:
        with contextlib.suppress(Exception):
            stream.flush()
