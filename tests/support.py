"""Helpers shared by the tests: where the course is, and submissions made from the reference with one change."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "l10_convolutions"
"""The real course's first assignment, for tests of its content; tests of the platform name it with --assignment
(or use a fixture course), so that a course listing more assignments breaks none of them."""
SMALL_MODULES = ("shapes", "filters")
"""The modules of the small course: no torch, 35 points."""
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "courses"
POOLING = FIXTURES / "pooling"
"""A fixture course of one small assignment on another topic (tests/fixtures/README.md)."""
POOLING_ASSIGNMENT = "l11_pooling"


def course_assignments() -> tuple[str, ...]:
    """The ids of every assignment the real course.yaml lists, for tests that run over each (parametrize)."""
    import yaml

    return tuple(yaml.safe_load((REPO / "course.yaml").read_text(encoding="utf-8"))["assignments"])


def write_two_assignment_course(root: Path) -> Path:
    """A course in `root` listing two assignments: the small L10 (`write_small_course`) and the pooling fixture's,
    for the tests of commands that must name one (--assignment) or build all (--all)."""
    import yaml

    write_small_course(root)
    for part in ("assignments", "solutions"):
        shutil.copytree(POOLING / part / POOLING_ASSIGNMENT, root / part / POOLING_ASSIGNMENT,
                        ignore=shutil.ignore_patterns("__pycache__"))
    course = yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    course["assignments"] = [ASSIGNMENT, POOLING_ASSIGNMENT]
    (root / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    return root


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
    course["assignments"] = [ASSIGNMENT]  # whatever else the real course lists
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
