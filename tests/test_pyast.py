"""autograder.pyast: parsing from several threads at once, as grade-all's threads and tests/hostile do."""
from __future__ import annotations

import ast
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from autograder import pyast

SOURCE = (Path(__file__).resolve().parents[1] / "autograder" / "spec" / "assignment.py").read_text()


def test_parses_like_ast_parse():
    """Is the tree the one ast.parse gives, and a syntax error raised the same way, naming the file and line?"""
    assert ast.dump(pyast.parse(SOURCE, "assignment.py")) == ast.dump(ast.parse(SOURCE, "assignment.py"))
    with pytest.raises(SyntaxError) as info:
        pyast.parse("def f(:\n    pass\n", "broken.py")
    assert (info.value.filename, info.value.lineno) == ("broken.py", 1)


def test_a_disturbed_counter_is_parsed_again(monkeypatch):
    """When another thread's parse moved CPython 3.11's shared AST counter (SystemError: AST constructor recursion
    depth mismatch, seen in tests/hostile on 3.11.7), is the source parsed again, and any other SystemError, or
    the mismatch every time, still raised?"""
    calls = []
    real = ast.parse

    def disturbed(source, filename):
        calls.append(filename)
        if len(calls) <= 2:
            raise SystemError("AST constructor recursion depth mismatch (before=45, after=49)")
        return real(source, filename)

    monkeypatch.setattr(pyast.ast, "parse", disturbed)
    assert ast.dump(pyast.parse("x = 1\n", "m.py")) == ast.dump(real("x = 1\n")) and calls == ["m.py"] * 3

    def always(source, filename):
        raise SystemError("AST constructor recursion depth mismatch (before=1, after=2)")

    monkeypatch.setattr(pyast.ast, "parse", always)
    with pytest.raises(SystemError, match="mismatch"):
        pyast.parse("x = 1\n")

    def other(source, filename):
        raise SystemError("something else")

    monkeypatch.setattr(pyast.ast, "parse", other)
    with pytest.raises(SystemError, match="something else"):
        pyast.parse("x = 1\n")


def test_threads_parse_at_once():
    """Do many threads parsing at once all get the same tree?"""
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert len(set(pool.map(lambda _: len(pyast.parse(SOURCE).body), range(40)))) == 1


def test_the_graders_code_parses_through_pyast():
    """Does every module of the grading path parse through pyast (a direct ast.parse in diagnose.py made three
    cases of a hostile test a grader error when tests/hostile graded in threads)? The similarity command and
    validate's statement search run in one thread and may call ast.parse."""
    import re
    from pathlib import Path

    package = Path(pyast.__file__).parent
    allowed = {"pyast.py", "similarity/units.py", "validate/leaks.py"}
    direct = [f"{path.relative_to(package)}:{number}" for path in package.rglob("*.py")
              if str(path.relative_to(package)) not in allowed
              for number, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"\bast\.parse\(", line)]
    assert direct == []
