"""Notebook cells with nbgrader's metadata, and the notebook's JSON: plain dicts, deterministic text.

nbgrader reads a cell's role from `metadata.nbgrader` (schema version 3):

    read-only  grade: false, solution: false, locked: true    (statements, the questions' cell: restored from the
                                                               source on autograde)
    solution   grade: false, solution: true,  locked: false   (the student's code; solution regions cleared)
    test       grade: true,  solution: false, locked: true, points   (the visible cases: a preview in the kernel)
    answer     grade: true,  solution: true,  locked: false, points  (Markdown: a question's answer)

The batch grader (autograder.batch.notebooks) drops exactly the test cells when it turns a submitted notebook
back into a module, so their metadata must stay `grade: true, solution: false`.
"""
from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _lines(text: str) -> list[str]:
    """nbformat's multi-line string: a list of lines, each but the last ending with a newline."""
    return text.splitlines(keepends=True)


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool,
              points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
                            "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(cell_id: str, source: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": metadata, "outputs": [],
            "source": _lines(source)}


def read_only_markdown(grade_id: str, text: str) -> dict[str, Any]:
    """A Markdown cell students cannot change (nbgrader restores it from the source when autograding)."""
    return {"cell_type": "markdown", "id": grade_id, "metadata": _nbgrader(grade_id, grade=False, solution=False,
                                                                           locked=True), "source": _lines(text)}


def plain_code(cell_id: str, source: str) -> dict[str, Any]:
    """A code cell without nbgrader's metadata: students may change it (imports)."""
    return _code(cell_id, source, {})


def solution_code(grade_id: str, source: str) -> dict[str, Any]:
    """A code cell holding the reference with its `### BEGIN SOLUTION` regions, cleared for the students."""
    return _code(grade_id, source, _nbgrader(grade_id, grade=False, solution=True, locked=False))


def autograded_code(grade_id: str, source: str, points: float) -> dict[str, Any]:
    """An autograded test cell worth `points`, locked; its partial score is its displayed last value."""
    return _code(grade_id, source, _nbgrader(grade_id, grade=True, solution=False, locked=True, points=points))


def locked_code(grade_id: str, source: str) -> dict[str, Any]:
    """A code cell students cannot change and nbgrader does not grade (restored from the source on autograde)."""
    return _code(grade_id, source, _nbgrader(grade_id, grade=False, solution=False, locked=True))


def answer_markdown(grade_id: str, text: str, points: float) -> dict[str, Any]:
    """A Markdown answer cell worth `points` (nbgrader's "manually graded answer"): its solution region becomes
    `YOUR ANSWER HERE` in the students' copy; `autograder nbgrader record` grades the answer."""
    return {"cell_type": "markdown", "id": grade_id,
            "metadata": _nbgrader(grade_id, grade=True, solution=True, locked=False, points=points),
            "source": _lines(text)}


def notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cells": cells, "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def dumps(notebook_data: dict[str, Any]) -> str:
    """The notebook as Jupyter writes it (sorted keys, one-space indent): the same notebook, the same bytes."""
    return json.dumps(notebook_data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
