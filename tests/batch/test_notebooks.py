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


# ---- red team: cells whose text the host could not carry --------------------------------------------------------

def _cells(*cells: dict) -> bytes:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_a_lone_surrogate_in_a_cell_becomes_a_replacement_character_not_a_crash():
    """JSON may escape a lone surrogate ("\\ud800"), which UTF-8 cannot encode: is the module still text that can
    be written (U+FFFD in its place, as for undecodable bytes of a .py file), never a UnicodeEncodeError that
    fails the grader on the student (and keeps the kernel's forgeable score in nbgrader's gradebook)?"""
    module = notebook_to_module(_cells({"cell_type": "code", "source": "x = '\ud800'", "metadata": {}}), "nb")
    assert module.encode("utf-8") == "# cell 1\nx = '\ufffd\ufffd\ufffd'\n".encode("utf-8")


def test_an_answer_outside_the_basic_plane_reads_back_as_typed():
    """Does an emoji or other character beyond U+FFFF in an answer cell come back from answers.yaml as that
    character (JSON's surrogate-pair escapes read by YAML are two lone surrogates, which no results file can
    hold), and do quotes, backslashes and YAML's line breaks (U+0085, U+2028) stay inside the answer?"""
    from autograder.batch.notebooks import notebook_answers
    from autograder.questions.answers import parse_answers

    typed = 'two 😀 "quoted" \\ back\u0085slash\u2028 é'
    cell = {"cell_type": "markdown", "source": typed, "metadata": {"nbgrader": {"grade_id": "q1_answer"}}}
    text = notebook_answers(_cells(cell), "questions.ipynb", ("q1", "q2"))
    sheet = parse_answers(text, ("q1", "q2"))
    assert sheet.error is None and not sheet.problems and not sheet.unknown
    assert sheet.answers["q1"].value == " ".join(typed.split()) and sheet.answers["q2"].value is None
    sheet.answers["q1"].value.encode("utf-8")


def test_a_grade_id_that_is_no_string_is_no_answer_cell():
    """Is a cell whose nbgrader grade_id is a list or a mapping (unhashable) skipped as no answer cell, instead of
    a TypeError that fails the grader on the student?"""
    from autograder.batch.notebooks import notebook_answers

    cells = [{"cell_type": "markdown", "source": "280", "metadata": {"nbgrader": {"grade_id": bad}}}
             for bad in (["q1_answer"], {"q1": 1})]
    assert notebook_answers(_cells(*cells), "questions.ipynb", ("q1",)).endswith("\nq1: null\n")


@pytest.mark.parametrize("line", ["# cell \u00b3", "# cell " + "1" * 5000, "# cell 0", "# cell 99"])
def test_a_students_line_that_looks_like_a_cell_marker_is_not_read_as_one(line):
    """`autograder nbgrader record` maps line numbers to cells from the `# cell N` lines of the module: does a
    student's own line `# cell ³` (a digit int() does not read), `# cell` with 5000 digits, or a number of no
    cell leave the mapping right instead of a ValueError that stops record for the whole class?"""
    from autograder.batch.notebooks import cell_lines

    content = _cells({"cell_type": "code", "source": f"{line}\nx = 1", "metadata": {}},
                     {"cell_type": "code", "source": "y = 2",
                      "metadata": {"nbgrader": {"grade_id": "two", "solution": True}}})
    assert cell_lines(content, "shapes.ipynb") == ((2, "cell 1"), (7, "two"))
