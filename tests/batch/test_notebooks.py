"""Is an nbgrader notebook turned into the module the student wrote, without test cells and magics?"""
from __future__ import annotations

import json

import pytest
from batch_helpers import notebook

from autograder.batch.notebooks import notebook_to_module
from autograder.batch.unzip import SubmissionRejected


def test_code_cells_are_kept_and_test_cells_and_magics_dropped():
    source = "from __future__ import annotations\n\ndef same_padding(f):\n    return (f - 1) // 2"
    module = notebook_to_module(notebook(source), "carol/shapes.ipynb")
    assert module == ("from __future__ import annotations\n"
                      "# cell 2\nimport numpy as np\n\n\n"
                      "# cell 3\n\ndef same_padding(f):\n    return (f - 1) // 2\n")
    namespace: dict = {}
    exec(compile(module, "shapes.py", "exec"), namespace)
    assert namespace["same_padding"](5) == 2


def test_a_cell_with_grade_and_solution_both_true_is_the_students_code():
    """Is only a cell that is graded and *not* a solution an nbgrader test cell (a manually graded answer is
    both)?"""
    cells = [{"cell_type": "code", "source": ["x = 1\n", "y = 2"],
              "metadata": {"nbgrader": {"grade": True, "solution": True}}}]
    assert notebook_to_module(json.dumps({"cells": cells}).encode(), "nb") == "# cell 1\nx = 1\ny = 2\n"


@pytest.mark.parametrize("content", [b"not json", b'{"no": "cells"}', b'{"cells": 3}', b"\xff\xfe"])
def test_a_broken_notebook_is_refused_naming_it(content):
    with pytest.raises(SubmissionRejected, match=r"^carol/shapes.ipynb: not a Jupyter notebook"):
        notebook_to_module(content, "carol/shapes.ipynb")


@pytest.mark.parametrize("content, reason", [
    (b'{"cells": [], "n": ' + b"7" * 5000 + b"}", r"ValueError: Exceeds the limit \(4300 digits\)"),
    (b"[" * 100_000 + b"]" * 100_000, r"nested too deeply"),
    (b'{"cells": [{"cell_type": "code", "source": [1, 2]}]}', r"cell 1: its `source` is not text"),
    (b'[{"cells": []}]', r"no list of `cells`"),
])
def test_a_hostile_notebook_is_refused_not_a_crash(content, reason):
    """Does a notebook that makes `json` or the conversion raise (a 5000-digit integer, deep nesting, a cell of
    numbers) give SubmissionRejected naming it and the reason, never another exception that stops the batch?"""
    with pytest.raises(SubmissionRejected, match=rf"^carol/shapes.ipynb: .*{reason}"):
        notebook_to_module(content, "carol/shapes.ipynb")


def test_a_notebook_over_the_size_cap_is_not_parsed():
    """Is a notebook larger than MAX_NOTEBOOK_BYTES refused unread, with its size and the cap?"""
    from autograder.batch.notebooks import MAX_NOTEBOOK_BYTES

    with pytest.raises(SubmissionRejected, match=r"^carol/shapes.ipynb: 9\.0 MiB, more than the 8 MiB"):
        notebook_to_module(b" " * (MAX_NOTEBOOK_BYTES + 2**20), "carol/shapes.ipynb")
