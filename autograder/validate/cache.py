"""What a proof found on one input, kept between runs of `validate` (the reference's verdict on a drawn case).

A verdict is stored under a digest of everything it depends on: the proof's version, the NumPy and torch versions,
every source file of the solutions folder, and the proof's own key (the case's arguments and expectation). A
change to any of them misses the cache and runs the reference again, so a kept verdict is the one a new run would
reach. The file lives in $AUTOGRADER_CACHE, else $XDG_CACHE_HOME/autograder, else ~/.cache/autograder; a cache
that cannot be read or written is ignored (the proof then just runs).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

VERSION = 1
"""Raise it when a proof's verdicts change meaning: every kept verdict is then missed."""


def cache_folder() -> Path:
    explicit = os.environ.get("AUTOGRADER_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "autograder"


class Verdicts:
    """A proof's verdicts (JSON values) for one solutions folder, read at start and written by `save`."""

    def __init__(self, proof: str, solutions: Path):
        import numpy
        digest = hashlib.sha256(f"{VERSION}\x1f{proof}\x1fnumpy {numpy.__version__}\x1f{_torch()}".encode())
        for path in sorted(Path(solutions).glob("*.py")):
            digest.update(path.name.encode() + b"\x1f" + path.read_bytes())
        self.prefix = digest.hexdigest()
        self.path = cache_folder() / f"validate-{proof}.json"
        self.changed = False
        try:
            self.kept: dict[str, object] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.kept = {}

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\x1f".join((self.prefix, *parts)).encode()).hexdigest()

    def get(self, key: str, default: object = None) -> object:
        return self.kept.get(key, default)

    def put(self, key: str, value: object) -> None:
        self.kept[key] = value
        self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(self.kept, sort_keys=True), encoding="utf-8")
            temporary.replace(self.path)
        except OSError:
            pass


def _torch() -> str:
    try:
        import torch
        return f"torch {torch.__version__}"
    except ImportError:
        return "no torch"
