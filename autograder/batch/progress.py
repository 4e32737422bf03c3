"""A progress bar with an ETA on stderr, without a dependency.

On a terminal one line is redrawn (`\\r`); elsewhere (a log file, CI) each student gets one line of its own.
Students skipped because they were graded before count as done but not in the rate behind the ETA.
"""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, tty: bool | None = None, width: int = 28,
                 clock: Callable[[], float] = time.monotonic):
        self.total, self.done, self.graded = total, 0, 0
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty() if tty is None else tty
        self._width, self._clock = width, clock
        self._start = clock()
        self._last = 0

    def skipped(self, count: int) -> None:
        """`count` students done already (resumed run)."""
        if count:
            self.done += count
            self._write(f"{count} already graded, skipped (--force grades them again)", final=not self._tty)

    def finished(self, student: str, outcome: str) -> None:
        """One student graded now; `outcome` is a few words such as `96/100`."""
        self.done += 1
        self.graded += 1
        self._write(f"{student}: {outcome}")

    def close(self) -> None:
        if self._tty and self._last:
            self._stream.write("\n")
            self._stream.flush()

    def eta_seconds(self) -> float | None:
        """Seconds left at the rate of the students graded so far; None before the first one."""
        if not self.graded:
            return None
        return (self._clock() - self._start) / self.graded * (self.total - self.done)

    def line(self, label: str) -> str:
        share = self.done / self.total if self.total else 1.0
        eta = self.eta_seconds()
        left = "ETA --:--" if eta is None else f"ETA {_clock_text(eta)}"
        count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        if not self._tty:
            return f"[{count}] {label}  ({left})"
        filled = int(round(share * self._width))
        bar = "#" * filled + "." * (self._width - filled)
        return f"[{bar}] {count} {share:4.0%} {left}  {label}"

    def _write(self, label: str, final: bool = True) -> None:
        text = self.line(label)
        if self._tty:
            padding = " " * max(self._last - len(text), 0)
            self._stream.write(f"\r{text}{padding}")
            self._last = len(text)
        else:
            self._stream.write(text + "\n")
        self._stream.flush()


def _clock_text(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
