"""Student stubs generated from the reference solutions (`autograder.stubs`)."""
from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from autograder.stubs import BEGIN, END, StubError, drifted, header, make_stub, stub_files

from support import ASSIGNMENT, REPO, course_assignments

GOLDEN = Path(__file__).parent / "golden" / "stubs"
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")
NAME = "solutions/demo/demo.py"


def stub(source: str, filename: str = NAME) -> str:
    return make_stub(textwrap.dedent(source).lstrip("\n"), filename)


def body(text: str, filename: str = NAME) -> str:
    """The stub without its generated header."""
    prefix = "".join(line + "\n" for line in header(filename))
    assert text.startswith(prefix)
    return text[len(prefix):]


def functions(source: str) -> dict[str, ast.FunctionDef]:
    """Every function of a module by qualified name (``Class.method``)."""
    found = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    found[name] = child
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return found


def signature(function: ast.FunctionDef) -> str:
    return ast.dump(function.args) + ast.dump(function.returns or ast.Constant(None))


# --- regions -------------------------------------------------------------------------------------------------


def test_region_is_replaced_at_the_marker_indentation():
    """Is a solution region, markers included, replaced by the two stub lines at the BEGIN marker's indentation?"""
    text = stub('''
        def f(x):
            """Double x."""
            ### BEGIN SOLUTION
            y = x * 2
            return y
            ### END SOLUTION
    ''')
    assert body(text) == textwrap.dedent('''\
        def f(x):
            """Double x."""
            # YOUR CODE HERE
            raise NotImplementedError()
    ''')


def test_region_inside_a_method_keeps_the_deeper_indentation():
    """Is a region in a method of a class replaced at the method body's indentation, the class left intact?"""
    text = stub('''
        class Layer:
            """A layer."""

            def forward(self, x):
                """Forward pass."""
                ### BEGIN SOLUTION
                return x
                ### END SOLUTION

            def name(self):
                return "layer"
    ''')
    assert "        # YOUR CODE HERE\n        raise NotImplementedError()\n\n    def name(self):\n" in text
    assert "return x" not in text and 'return "layer"' in text
    assert list(functions(text)) == ["Layer.forward", "Layer.name"]


def test_region_inside_a_loop_keeps_the_code_around_it():
    """Does a region inside a loop replace only the loop's body, keeping the instructor's code before and after?"""
    text = stub('''
        def total(values):
            """Sum of values."""
            result = 0
            for value in values:
                ### BEGIN SOLUTION
                result += value
                ### END SOLUTION
            return result
    ''')
    assert "    result = 0\n    for value in values:\n        # YOUR CODE HERE\n" in text
    assert text.endswith("        raise NotImplementedError()\n    return result\n")


def test_tab_indentation_is_copied():
    """Is the BEGIN marker's indentation copied as it is, tabs included?"""
    text = make_stub('def f():\n\t"""Doc."""\n\t### BEGIN SOLUTION\n\treturn 1\n\t### END SOLUTION\n', NAME)
    assert body(text) == 'def f():\n\t"""Doc."""\n\t# YOUR CODE HERE\n\traise NotImplementedError()\n'


def test_several_regions_in_one_function_each_become_a_stub():
    """Are two regions in one function replaced separately, the code between them kept?"""
    text = stub('''
        def f(x):
            """Doc."""
            ### BEGIN SOLUTION
            x = x + 1
            ### END SOLUTION
            x = abs(x)
            ### BEGIN SOLUTION
            return x
            ### END SOLUTION
    ''')
    assert text.count("raise NotImplementedError()") == 2
    assert "    x = abs(x)\n" in text and "x + 1" not in text


def test_markers_are_matched_on_the_whole_stripped_line():
    """Is a marker recognised with surrounding spaces, and prose that mentions one left alone?"""
    text = stub('''
        def f():
            """Write your code between the markers (see ### BEGIN SOLUTION in the notes)."""
            ### BEGIN SOLUTION   
            return 1
              ### END SOLUTION
    ''')
    assert "see ### BEGIN SOLUTION in the notes" in text and "return 1" not in text


# --- what is kept -------------------------------------------------------------------------------------------


def test_signatures_and_docstrings_are_kept():
    """Does every function of the golden example keep its name, signature and docstring in the stub?"""
    solution = (GOLDEN / "example_solution.py").read_text()
    generated = make_stub(solution, "x.py")
    before, after = functions(solution), functions(generated)
    assert list(after) == list(before)
    for name, function in before.items():
        assert signature(after[name]) == signature(function), name
        assert ast.get_docstring(after[name]) == ast.get_docstring(function), name


def test_module_docstring_survives_the_header():
    """Does the module docstring stay the module's docstring below the generated header comment?"""
    text = stub('''
        """The module."""
        def f():
            """Doc."""
            ### BEGIN SOLUTION
            return 1
            ### END SOLUTION
    ''')
    assert text.startswith("# Generated by `autograder release` from solutions/demo/demo.py.\n")
    assert ast.get_docstring(ast.parse(text)) == "The module."


def test_header_goes_after_shebang_and_encoding_lines():
    """Do a shebang and an encoding declaration stay on lines 1 and 2, the header after them?"""
    source = '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Doc."""\ndef f():\n    """D."""\n' \
             f'    {BEGIN}\n    return 1\n    {END}\n'
    lines = make_stub(source, NAME).splitlines()
    assert lines[:2] == ["#!/usr/bin/env python3", "# -*- coding: utf-8 -*-"]
    assert lines[2:4] == list(header(NAME))
    assert lines[4] == '"""Doc."""'


def test_bytes_outside_regions_are_kept_exactly():
    """Are trailing spaces, blank lines, CRLF endings and a missing final newline kept byte for byte?"""
    source = ('"""Doc.   """\r\nX = 1  \r\n\r\n\r\ndef f():\r\n    """D."""   \r\n'
              f'    {BEGIN}\r\n    return 1\r\n    {END}')
    text = make_stub(source, NAME)
    assert text == ("".join(line + "\r\n" for line in header(NAME)) + '"""Doc.   """\r\nX = 1  \r\n\r\n\r\n'
                    'def f():\r\n    """D."""   \r\n    # YOUR CODE HERE\r\n    raise NotImplementedError()')


def test_generation_is_deterministic_and_release_is_idempotent(tmp_path):
    """Does generating twice give the same bytes, and does a freshly written stub count as up to date?"""
    solutions, assignment = tmp_path / "solutions" / "demo", tmp_path / "assignments" / "demo"
    solutions.mkdir(parents=True)
    assignment.mkdir(parents=True)
    (solutions / "example.py").write_bytes((GOLDEN / "example_solution.py").read_bytes())
    first = stub_files(solutions, ["example"])
    assert stub_files(solutions, ["example"]) == first
    assert drifted(solutions, assignment, ["example"]) == ["example"]  # missing
    (assignment / "example.py").write_text(first["example"], encoding="utf-8")
    assert drifted(solutions, assignment, ["example"]) == []
    (assignment / "example.py").write_text(first["example"] + "\n", encoding="utf-8")
    assert drifted(solutions, assignment, ["example"]) == ["example"]  # one byte more


def test_header_names_the_solution_relative_to_the_course():
    """Does the header name `solutions/<assignment>/<module>.py` whatever the folder the course is in?"""
    text = stub_files(GOLDEN.parents[1] / "golden" / "stubs", ["example_solution"])["example_solution"]
    assert text.splitlines()[0] == "# Generated by `autograder release` from golden/stubs/example_solution.py."


_LINE = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd", "Zs"), whitelist_characters="#.,;:()-"),
                max_size=30).filter(lambda s: "solution" not in s.lower())


@given(docs=st.lists(st.lists(_LINE, min_size=1, max_size=4), min_size=1, max_size=4),
       solutions=st.lists(st.lists(_LINE, max_size=4), min_size=4, max_size=4),
       crlf=st.booleans())
def test_stub_is_the_solution_with_only_regions_changed(docs, solutions, crlf):
    """For arbitrary docstrings and solution code, is the stub exactly the solution with each region collapsed?"""
    eol = "\r\n" if crlf else "\n"
    source, expected = [], []
    for index, doc in enumerate(docs):
        kept = [f"def f{index}(x):", '    """' + doc[0].replace('"', ""), *("    " + line for line in doc[1:]),
                '    """']
        region = [f"    {BEGIN}", *(f"    # {line}" for line in solutions[index]), "    return x", f"    {END}"]
        source += kept + region + [""]
        expected += kept + ["    # YOUR CODE HERE", "    raise NotImplementedError()", ""]
    text = make_stub(eol.join(source), NAME)
    assert text == eol.join([*header(NAME), *expected])
    assert make_stub(eol.join(source), NAME) == text


# --- errors -------------------------------------------------------------------------------------------------

ERRORS = {
    "end without begin": (f'def f():\n    """D."""\n    return 1\n    {END}\n', 4, "without a `### BEGIN"),
    "begin inside a region": (f'def f():\n    """D."""\n    {BEGIN}\n    x = 1\n    {BEGIN}\n    {END}\n',
                              5, "inside the solution region opened at line 3"),
    "begin never closed": (f'def f():\n    """D."""\n    {BEGIN}\n    return 1\n', 3, "is never closed"),
    "no region": ('def f():\n    """D."""\n    return 1\n', 1, "no solution region"),
    "near-miss marker": (f'def f():\n    """D."""\n    ## BEGIN SOLUTION\n    return 1\n    {END}\n',
                         3, "looks like a solution marker"),
    "wrong case": (f'def f():\n    """D."""\n    {BEGIN}\n    return 1\n    ### End Solution\n',
                   5, "write exactly `### END SOLUTION`"),
    "stub not valid Python": (f'def f(x):\n    """D."""\n    if x:\n{BEGIN}\n        return 1\n{END}\n',
                              4, "not valid Python (expected an indented block after 'if' statement on line 3)"),
    "solution not valid Python": (f'def f(:\n    """D."""\n    {BEGIN}\n    return 1\n    {END}\n',
                                  1, "the solution is not valid Python"),
    "region at module level": (f'"""Doc."""\n{BEGIN}\nX = 1\n{END}\n', 2, "raise NotImplementedError on import"),
    "region in a class body": (f'class A:\n    """D."""\n    {BEGIN}\n    X = 1\n    {END}\n',
                               3, "not inside a function"),
    "docstring swallowed": (f'def f():\n    {BEGIN}\n    """D."""\n    return 1\n    {END}\n',
                            1, "swallows the docstring of `f`"),
    "no docstring": (f'def f():\n    {BEGIN}\n    return 1\n    {END}\n', 1, "add a docstring"),
    "method docstring swallowed": (f'class A:\n    """A."""\n\n    def m(self):\n        {BEGIN}\n'
                                   f'        """D."""\n        return 1\n        {END}\n',
                                   4, "swallows the docstring of `m`"),
}


@pytest.mark.parametrize("kind", list(ERRORS))
def test_errors_name_the_file_and_line(kind):
    """Is each malformed solution refused with a `file:line: message` naming the solution's line?"""
    source, line, message = ERRORS[kind]
    with pytest.raises(StubError) as caught:
        make_stub(source, NAME)
    assert str(caught.value).startswith(f"{NAME}:{line}: "), str(caught.value)
    assert message in str(caught.value)
    assert (caught.value.filename, caught.value.line) == (NAME, line)


def test_missing_solution_module_is_an_error(tmp_path):
    """Does asking for a module with no solution file raise StubError naming the path?"""
    with pytest.raises(StubError, match="no solution module nope.py"):
        stub_files(tmp_path, ["nope"])


# --- golden file and the real course ------------------------------------------------------------------------


def test_golden_example():
    """Does the golden example solution give exactly the golden stub (reviewed by hand)?

    After an intended change to the stub format, regenerate it with
    ``python -c "from autograder.stubs import make_stub; ..."`` and review the diff.
    """
    solution = (GOLDEN / "example_solution.py").read_text(encoding="utf-8")
    expected = (GOLDEN / "example_stub.py").read_text(encoding="utf-8")
    assert make_stub(solution, "tests/golden/stubs/example_solution.py") == expected


def _course_solutions() -> Path:
    solutions = REPO / "solutions" / ASSIGNMENT
    if not solutions.is_dir():
        pytest.skip(f"{solutions.relative_to(REPO)}/ does not exist yet: no stubs to compare")
    return solutions


@pytest.mark.parametrize("assignment_id", course_assignments())
def test_committed_stubs_match_the_solutions(course, assignment_id):
    """Is every committed stub of every assignment course.yaml lists exactly what its solutions generate now
    (their docstrings' placeholders rendered, as `autograder release` writes them)?"""
    from autograder.statements import Placeholders

    assignment = course.assignment(assignment_id)
    stale = drifted(assignment.solutions, assignment.directory, assignment.modules,
                    Placeholders(course, assignment).render_module)
    named = ", ".join(f"assignments/{assignment_id}/{module}.py" for module in stale)
    assert not stale, (f"{named}: missing or different from the stubs generated from solutions/{assignment_id}/; "
                       f"run `autograder release --assignment {assignment_id}` to regenerate")


@pytest.mark.parametrize("module", MODULES)
def test_course_stubs_keep_every_signature_and_docstring(module):
    """Does each course stub keep the solution's functions, signatures and docstrings, with no solution left?"""
    source = (_course_solutions() / f"{module}.py").read_text(encoding="utf-8")
    generated = stub_files(_course_solutions(), [module])[module]
    before, after = functions(source), functions(generated)
    assert list(after) == list(before)
    for name, function in before.items():
        assert signature(after[name]) == signature(function), name
        assert ast.get_docstring(after[name]), f"{module}.{name} has no docstring in the stub"
        assert ast.get_docstring(after[name]) == ast.get_docstring(function), name
    assert BEGIN not in generated and END not in generated
