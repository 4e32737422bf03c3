"""A Jupyter notebook's code as a Python module, as nbgrader submissions hold `<module>.ipynb`.

The code cells are concatenated in order, leaving out nbgrader's autograder test cells (metadata
`nbgrader: {grade: true, solution: false}`: the instructor's tests, not the student's code) and IPython-only
lines (magics `%...` and shell escapes `!...`), which are not Python. `from __future__` imports move to the
top, where Python requires them.

A notebook is the student's data, read on the host: one of more than MAX_NOTEBOOK_BYTES is refused unread, and
whatever `json` refuses (malformed JSON, an integer of more digits than Python converts, nesting deeper than the
parser's recursion limit) or a cell of the wrong shape makes the submission ungradable with the notebook's name
and the reason. The module it becomes is capped like any other (autograder/intake.py).
"""
from __future__ import annotations

import json
from typing import Any

from autograder.batch.unzip import SubmissionRejected

MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024
"""One notebook file, outputs (plots) included; the code in it is capped at 256 KiB afterwards, as a module."""


def notebook_to_module(content: bytes, where: str) -> str:
    """The module's source; SubmissionRejected naming `where` when the notebook cannot be read."""
    if len(content) > MAX_NOTEBOOK_BYTES:
        raise SubmissionRejected(f"{where}: {len(content) / 2**20:.1f} MiB, more than the "
                                 f"{MAX_NOTEBOOK_BYTES // 2**20} MiB a notebook may have; clear its outputs "
                                 f"(Kernel > Restart & Clear Output) and submit it again")
    try:
        notebook = json.loads(content.decode("utf-8"))
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            raise TypeError("no list of `cells`")
        cells = notebook["cells"]
    except RecursionError:
        raise SubmissionRejected(f"{where}: not a Jupyter notebook (nested too deeply)") from None
    except (ValueError, TypeError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors, and so
        # is "Exceeds the limit (4300 digits) for integer string conversion"
        raise SubmissionRejected(f"{where}: not a Jupyter notebook ({type(error).__name__}: "
                                 f"{str(error)[:200]})") from None
    chunks, futures = [], []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_test_cell(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            text = "".join(source)
        elif isinstance(source, str):
            text = source
        else:
            raise SubmissionRejected(f"{where}: cell {number}: its `source` is not text (a string or a list of "
                                     f"strings); is this a notebook saved by Jupyter?")
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
