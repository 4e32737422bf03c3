"""Helpers shared by the tests: where the course is, and submissions made from the reference with one change."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "l10_convolutions"


def make_variant(target: Path, module: str, old: str, new: str) -> Path:
    """A copy of the reference solutions with `old` replaced by `new` once in `module`.py."""
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / f"{module}.py"
    source = path.read_text()
    assert source.count(old) >= 1, f"{old!r} not found in {module}.py"
    path.write_text(source.replace(old, new, 1))
    return target
