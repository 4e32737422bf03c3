"""Helpers of the batch-grading tests: the reduced course's reference files with bugs, folders, zips, notebooks and a
generated class of submissions. A module of its own, not conftest.py: pytest keeps one module named `conftest` at
a time, so `from conftest import ...` would find another folder's when several folders run together.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from support import ASSIGNMENT, REPO, SMALL_MODULES

SMALL_TOTAL = 35
SOLUTIONS = REPO / "solutions" / ASSIGNMENT


def solution_files(**changes: tuple[str, str]) -> dict[str, bytes]:
    """The reference modules of the reduced assignment, `module=(old, new)` replacing `old` once."""
    files = {}
    for module in SMALL_MODULES:
        text = (SOLUTIONS / f"{module}.py").read_text()
        if module in changes:
            old, new = changes[module]
            assert old in text, f"{old!r} not in {module}.py"
            text = text.replace(old, new, 1)
        files[f"{module}.py"] = text.encode()
    return files


def write_folder(target: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes(content)
    return target


def write_zip(target: Path, files: dict[str, bytes], prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(prefix + name, content)
    return target


def notebook(source: str, tests: str = "assert False, 'an nbgrader test cell'") -> bytes:
    """A notebook with `source` in a solution cell, a test cell, and a magic line."""
    cell = lambda text, meta: {"cell_type": "code", "source": text, "metadata": meta, "outputs": [],
                               "execution_count": None}
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "source": "# Exercise", "metadata": {}},
        cell("%matplotlib inline\n!pip install nothing\nimport numpy as np", {}),
        cell(source, {"nbgrader": {"grade": False, "solution": True, "grade_id": "sol"}}),
        cell(tests, {"nbgrader": {"grade": True, "solution": False, "grade_id": "t", "points": 1}}),
    ]}).encode()


BUGS = {
    "bias_missing": {"shapes": ("return int((f * f * in_channels + 1) * filters)", "return int(f * f * in_channels * filters)")},
    "bias_per_weight": {"shapes": ("return int((height * width * channels + 1) * units)", "return int(2 * height * width * channels * units)")},
    "flipped_kernel": {"filters": ("np.tensordot(windows, kernel,", "np.tensordot(windows, kernel[::-1, ::-1],")},
    "infinite_loop": {"shapes": ("    return int((f - 1) // 2)", "    while True:\n        pass")},
    "exit_at_import": {"filters": ("import numpy as np", "import sys\nimport numpy as np\nsys.exit(3)")},
}
"""Buggy and hostile submissions: each the reference with one change."""


def make_class(folder: Path, size: int = 30) -> dict[str, str]:
    """`size` submissions (folders, zips, nbgrader folders; correct, buggy, hostile): {student: kind}."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {}
    plan = ["correct", *BUGS, "stub", "zip_slip", "zip_bomb"]
    for index in range(size):
        kind = plan[index % len(plan)]
        student = f"s{index:02d}_{kind}"
        kinds[student] = kind
        if kind == "stub":
            write_folder(folder / student, {f"{m}.py": (REPO / "assignments" / ASSIGNMENT / f"{m}.py").read_bytes()
                                            for m in SMALL_MODULES})
        elif kind == "zip_slip":
            write_zip(folder / f"{student}.zip", {**solution_files(), "../../escaped.py": b"x = 1\n"})
        elif kind == "zip_bomb":
            write_zip(folder / f"{student}.zip", {**solution_files(), "big.bin": bytes(60 * 2**20)})
        else:
            files = solution_files(**BUGS.get(kind, {}))
            layout = index % 3
            if layout == 0:
                write_folder(folder / student, files)
            elif layout == 1:
                write_zip(folder / f"{student}.zip", files, prefix=f"{student}/")
            else:
                write_folder(folder / student / ASSIGNMENT, {
                    "shapes.ipynb": notebook(files["shapes.py"].decode()), "filters.py": files["filters.py"]})
    return kinds
