"""Helpers shared by the tests: where the course is, and submissions made from the reference with one change."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "l10_convolutions"
SMALL_MODULES = ("shapes", "filters")
"""The modules of the small course: no torch, 35 points."""


def make_variant(target: Path, module: str, old: str, new: str) -> Path:
    """A copy of the reference solutions with `old` replaced by `new` once in `module`.py."""
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, target, ignore=shutil.ignore_patterns("__pycache__"))
    path = target / f"{module}.py"
    source = path.read_text()
    assert source.count(old) >= 1, f"{old!r} not found in {module}.py"
    path.write_text(source.replace(old, new, 1))
    return target


def write_small_course(root: Path, limits: dict | None = None) -> Path:
    """A course in `root` whose assignment has only the exercises of SMALL_MODULES (35 points, no questions),
    with their stubs: quick to grade. `limits` overrides course.yaml's `defaults.limits` keys."""
    import yaml

    course = yaml.safe_load((REPO / "course.yaml").read_text())
    course["defaults"]["limits"].update(limits or {})
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False))
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, root / "solutions" / ASSIGNMENT,
                    ignore=shutil.ignore_patterns("__pycache__"))
    spec = yaml.safe_load((REPO / "assignments" / ASSIGNMENT / "assignment.yaml").read_text())
    spec["exercises"] = [e for e in spec["exercises"] if e["module"] in SMALL_MODULES]
    spec.pop("questions", None)
    folder = root / "assignments" / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "assignment.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    for module in SMALL_MODULES:
        shutil.copy(REPO / "assignments" / ASSIGNMENT / f"{module}.py", folder)
    return root
