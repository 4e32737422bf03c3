"""A Jupyter notebook's code as a Python module, as nbgrader submissions hold `<module>.ipynb`.

The code cells are concatenated in order, leaving out nbgrader's autograder test cells (metadata
`nbgrader: {grade: true, solution: false}`: the instructor's tests, not the student's code) and IPython-only
lines (magics `%...` and shell escapes `!...`), which are not Python. `from __future__` imports move to the
top, where Python requires them.
"""
from __future__ import annotations

import json
from typing import Any

from autograder.batch.unzip import SubmissionRejected


def notebook_to_module(content: bytes, where: str) -> str:
    """The module's source; SubmissionRejected naming `where` when the notebook cannot be read."""
    try:
        notebook = json.loads(content.decode("utf-8"))
        cells = notebook["cells"]
        if not isinstance(cells, list):
            raise TypeError("`cells` is not a list")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise SubmissionRejected(f"{where}: not a Jupyter notebook ({type(error).__name__}: {error})") from None
    chunks, futures = [], []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_test_cell(cell):
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        lines = [line for line in text.splitlines() if not line.lstrip().startswith(("%", "!"))]
        futures += [line for line in lines if line.startswith("from __future__ import")]
        lines = [line for line in lines if not line.startswith("from __future__ import")]
        if any(line.strip() for line in lines):
            chunks.append(f"# cell {number}\n" + "\n".join(lines).rstrip() + "\n")
    header = "".join(f"{line}\n" for line in dict.fromkeys(futures))
    return header + "\n\n".join(chunks)


def _is_test_cell(cell: dict[str, Any]) -> bool:
    meta = cell.get("metadata", {})
    nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return isinstance(nbgrader, dict) and bool(nbgrader.get("grade")) and not nbgrader.get("solution", False)
