"""Is a solution module split into its docstring, its imports and one chunk per exercise, refusing what nbgrader
would refuse or leak?"""
from __future__ import annotations

import pytest

from autograder.nbgrader.source import SourceError, split_module

MODULE = '''"""Shapes.

Second paragraph.
"""
from __future__ import annotations

import math


def first(n):
    """Doc."""
    ### BEGIN SOLUTION
    return _helper(n)
    ### END SOLUTION


def _helper(n):
    return n + 1


# A comment that belongs to second.
@staticmethod
def second(n):
    ### BEGIN SOLUTION
    return math.sqrt(n)
    ### END SOLUTION
'''


def test_docstring_preamble_and_one_chunk_per_exercise_in_file_order():
    source = split_module(MODULE, "solutions/a/shapes.py", ("second", "first"))
    assert source.docstring == "Shapes.\n\nSecond paragraph."
    assert source.preamble == "from __future__ import annotations\n\nimport math"
    assert [name for name, _ in source.exercises] == ["first", "second"]
    first, second = (code for _, code in source.exercises)
    assert first.startswith("def first(n):") and first.endswith("def _helper(n):\n    return n + 1")
    assert second.startswith("# A comment that belongs to second.\n@staticmethod\ndef second(n):")
    assert second.endswith("    ### END SOLUTION")


def test_a_missing_function_is_named():
    with pytest.raises(SourceError, match=r"^solutions/a/shapes.py:1: no top-level function third: every exercise"):
        split_module(MODULE, "solutions/a/shapes.py", ("first", "third"))


def test_a_function_without_a_solution_region_would_leak_the_reference():
    text = MODULE.replace("    ### BEGIN SOLUTION\n    return math.sqrt(n)\n    ### END SOLUTION\n",
                          "    return math.sqrt(n)\n")
    with pytest.raises(SourceError, match=r"^solutions/a/shapes.py:23: second has no `### BEGIN SOLUTION` region"):
        split_module(text, "solutions/a/shapes.py", ("first", "second"))


def test_a_solution_region_before_the_functions_is_refused():
    text = MODULE.replace("import math\n", "### BEGIN SOLUTION\nimport math\n### END SOLUTION\n")
    with pytest.raises(SourceError, match=r"^solutions/a/shapes.py:7: a solution region before the exercises"):
        split_module(text, "solutions/a/shapes.py", ("first", "second"))


def test_invalid_python_is_refused_with_its_line():
    with pytest.raises(SourceError, match=r"^solutions/a/shapes.py:2: not valid Python"):
        split_module("x = 1\ndef (:\n", "solutions/a/shapes.py", ("first",))


def test_a_module_without_docstring_keeps_its_first_lines():
    source = split_module("import math\n\n\ndef first(n):\n    ### BEGIN SOLUTION\n    return n\n    ### END SOLUTION\n",
                          "m.py", ("first",))
    assert source.docstring == "" and source.preamble == "import math"


def test_the_previous_functions_end_marker_stays_with_it():
    text = ("def first(n):\n    ### BEGIN SOLUTION\n    return n\n    ### END SOLUTION\n"
            "def second(n):\n    ### BEGIN SOLUTION\n    return n\n    ### END SOLUTION\n")
    source = split_module(text, "m.py", ("first", "second"))
    assert [code.splitlines()[-1] for _, code in source.exercises] == ["    ### END SOLUTION"] * 2
