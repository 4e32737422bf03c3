"""Static scan for forbidden APIs: the whole module, aliases resolved as Python does, and refusals of what the
scan cannot follow, each with its line. One test per resolution rule and per refused construct."""
from __future__ import annotations

import textwrap
import time

import pytest

from support import REPO

from autograder.sandbox import static
from autograder.sandbox.static import modules
from autograder.sandbox.static import (ALLOWED_DUNDER_ATTRIBUTES, MAX_PATHS, MAX_SIBLINGS, MAX_STARS, TOO_COMPLEX,
                                       Refusal, Scan, Use, _facts, _findings, forbidden_uses, scan_source,
                                       scan_submission)

CONV = ("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.convolution", "torch._convolution")
NUMPY = ("numpy.convolve", "numpy.correlate", "scipy.signal.correlate2d", *CONV)


def scan(source: str, function: str = "f", forbidden: tuple[str, ...] = CONV,
         excused: frozenset[str] = frozenset()) -> Scan:
    return scan_source(textwrap.dedent(source).lstrip("\n"), function, forbidden, excused)


def uses(source: str, **kwargs) -> list[Use]:
    return list(scan(source, **kwargs).uses)


def refused(source: str, **kwargs) -> list[int]:
    """The lines refused."""
    return sorted({r.line for r in scan(source, **kwargs).refusals})


def reasons(source: str, **kwargs) -> str:
    return " | ".join(r.reason for r in scan(source, **kwargs).refusals)


# ---- uses: names, aliases, re-binding ------------------------------------------------------------------------

def test_full_dotted_name_is_found():
    """Is `torch.nn.functional.conv2d(...)` after `import torch` reported with its line?"""
    assert uses("""
        import torch

        def f(x, w):
            return torch.nn.functional.conv2d(x, w)
    """) == [Use("torch.nn.functional.conv2d", 4)]


def test_import_as_alias():
    """Is `F.conv2d` after `import torch.nn.functional as F` reported?"""
    assert uses("""
        import torch.nn.functional as F
        def f(x, w):
            y = x + 1
            return F.conv2d(y, w)
    """) == [Use("torch.nn.functional.conv2d", 4)]


def test_from_import_module():
    """Is `nn.functional.conv2d` after `from torch import nn` reported?"""
    assert [u.line for u in uses("""
        from torch import nn

        def f(x, w):
            return nn.functional.conv2d(x, w)
    """)] == [4]


def test_from_import_function_is_a_use_where_imported_and_where_called():
    """Is `from torch.nn.functional import conv2d as c` reported at the import and at the call `c(...)`?"""
    assert uses("""
        from torch.nn.functional import conv2d as c
        def f(x, w):
            return c(x, w)
    """) == [Use("torch.nn.functional.conv2d", 1), Use("torch.nn.functional.conv2d", 3)]


def test_reference_without_call_is_found():
    """Is merely naming the function (`op = F.conv2d`) reported, and the call through the alias too?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        def f(x, w):
            op = F.conv2d
            return op(x, w)
    """)] == [3, 4]


def test_rebinding_a_module_is_followed():
    """Are `m = torch` then `n = m.nn` then `n.functional.conv2d` followed to the forbidden name?"""
    assert uses("""
        import torch
        m = torch
        n = m.nn
        def f(x, w):
            return n.functional.conv2d(x, w)
    """) == [Use("torch.nn.functional.conv2d", 5)]


def test_rebinding_in_tuples_and_conditionals_is_followed():
    """Are `a, b = np, torch` and `m = torch if c else np` followed?"""
    assert [u.name for u in uses("""
        import numpy as np, torch
        a, b = np, torch
        m = torch if a else np
        def f(x, w):
            return b.conv2d(x, w) + m.convolution(x, w) + a.convolve(x, w)
    """, forbidden=NUMPY)] == ["numpy.convolve", "torch.conv2d", "torch.convolution"]


def test_constant_getattr_is_an_attribute():
    """Is `getattr(F, "conv2d")` the same as `F.conv2d`?"""
    assert uses("""
        import torch.nn.functional as F
        def f(x, w):
            return getattr(F, "conv2d")(x, w)
    """) == [Use("torch.nn.functional.conv2d", 3)]


def test_import_inside_the_function():
    """Is an alias imported inside the function itself resolved?"""
    assert [u.line for u in uses("""
        def f(x, w):
            import torch.nn.functional as G
            return G.conv2d(x, w)
    """)] == [3]


def test_module_level_capture_is_found():
    """Is a forbidden function captured at module level (`_c = np.convolve`) and used in a function reported?"""
    assert [u.line for u in uses("""
        import numpy as np
        _c = np.convolve
        def f(x, w):
            return _c(x, w)
    """, forbidden=NUMPY)] == [2, 4]


def test_helpers_never_called_count_too():
    """Is a forbidden use in a function the exercise does not call, in a class or a default, reported too?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        class Layer:
            op = F.conv2d
        def other(x, w=F.conv2d):
            return F.conv2d(x, w)
        def f(x, w):
            return x * w
    """)] == [3, 4, 5]


def test_another_path_to_the_same_routine_is_found():
    """Is a listed routine reached by another public path of its package (`numpy.ma.convolve`,
    `torch.nn.modules.conv.F.conv2d`) reported as written?"""
    assert [u.name for u in uses("""
        import numpy as np, torch
        def f(x, w):
            return np.ma.convolve(x, w), torch.nn.modules.conv.F.conv2d(x, w)
    """, forbidden=NUMPY)] == ["numpy.ma.convolve", "torch.nn.modules.conv.F.conv2d"]


def test_star_import_names_are_resolved():
    """After `from torch.nn.functional import *`, is a bare `conv2d(...)` reported?"""
    assert [u.line for u in uses("""
        from torch.nn.functional import *
        def f(x, w):
            return conv2d(x, w)
    """)] == [3]


def test_a_star_import_of_a_refused_module_is_refused():
    """Is `from ctypes import *` (or `from torch.ops import *`) refused like the plain import?"""
    assert refused("""
        from ctypes import *
        from torch.ops import *
        def f(x):
            return x
    """) == [1, 2]


def test_a_star_import_does_not_hide_refused_builtins():
    """After `from math import *`, is `eval(...)` still refused?"""
    assert refused("""
        from math import *
        def f(x):
            return eval("x")
    """) == [3]


def test_a_local_name_shadows_the_import():
    """Is a local `F = weight.shape[0]` (the number of filters) not taken for the module F?"""
    assert scan("""
        import torch
        import torch.nn.functional as F
        def f(x, weight):
            F, C, k, _ = weight.shape
            return torch.zeros(x.shape[0], F, 1, 1)
    """) == Scan()


def test_comprehension_variable_does_not_hide_the_module():
    """Is `F` after `[F for F in ()]` still the module (a comprehension has its own scope)?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        def f(x, w):
            [F for F in ()]
            return F.conv2d(x, w)
    """)] == [4]


def test_global_rebinding_inside_a_function_is_followed():
    """Is `global g; g = F.conv2d` in one function, used in another, reported where it is used?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        def setup():
            global g
            g = F
        def f(x, w):
            return g.conv2d(x, w)
    """)] == [6]


def test_allowed_names_are_not_reported():
    """Are other attributes of the same modules, and similar names, left alone?"""
    assert scan("""
        import torch.nn.functional as F
        import torch
        def f(x, w):
            a = F.relu(x) + F.pad(x, (1, 1)) + F.unfold(x, 3)
            b = torch.ao.quantization.convert if False else x.unfold(2, 3, 1)
            return a @ b
    """) == Scan()


def test_several_uses_in_line_order():
    """Are several forbidden names reported each at its own line, sorted by line?"""
    forbidden = ("torch.nn.functional.conv2d", "numpy.convolve", "torch.nn.Conv2d")
    assert uses("""
        import numpy as np
        from torch import nn
        import torch.nn.functional as F

        def f(x, w):
            layer = nn.Conv2d(1, 1, 3)
            y = np.convolve(x, w)
            return F.conv2d(x, w), F.conv2d(y, w)
    """, forbidden=forbidden) == [Use("torch.nn.Conv2d", 6), Use("numpy.convolve", 7),
                                  Use("torch.nn.functional.conv2d", 8)]


def test_multiline_call_reports_the_name_line():
    """Is a use inside a multi-line expression reported at the line where the name is written?"""
    assert [u.line for u in uses("""
        import torch
        def f(x, w):
            return (
                x
                + torch.nn.functional.conv2d(
                    x, w)
            )
    """)] == [5]


# ---- what is another exercise's business -------------------------------------------------------------------

def test_an_excused_exercise_may_use_what_this_one_forbids():
    """Is `F.conv2d` inside learn_filter (which may use it) not held against conv2d_forward_torch?"""
    source = """
        import torch.nn.functional as F
        def f(x, w):
            return x
        def learn_filter(x, t):
            return F.conv2d(x, t)
        if __name__ == "__main__":
            print(learn_filter(1, 2))
    """
    assert scan(source, excused=frozenset({"learn_filter"})) == Scan()
    assert [u.line for u in uses(source)] == [5]


def test_an_excused_exercise_that_is_named_elsewhere_counts():
    """Does learn_filter's body count once the exercise (or anything else) names it?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        def f(x, w):
            return learn_filter(x, w)
        def learn_filter(x, t):
            return F.conv2d(x, t)
    """, excused=frozenset({"learn_filter"}))] == [5]


def test_the_exercise_itself_is_never_excused():
    """Is the exercise's own function scanned even if the caller lists it as excused?"""
    assert [u.line for u in uses("""
        import torch.nn.functional as F
        def f(x, w):
            return F.conv2d(x, w)
    """, excused=frozenset({"f"}))] == [3]


# ---- refusals: private namespaces -------------------------------------------------------------------------

@pytest.mark.parametrize("expression", ["torch._C._VariableFunctions.conv2d(x, w)", "torch._VF.conv2d(x, w)",
                                        "torch.nn.functional._pad(x)", "T._C", "getattr(torch, '_C')"])
def test_private_attribute_of_a_module_is_refused(expression):
    """Is a `_`-prefixed attribute of anything that resolves to a module refused, with its line?"""
    assert refused(f"""
        import torch
        T = torch.nn
        def f(x, w):
            return {expression}
    """) == [4]


@pytest.mark.parametrize("statement", ["import torch._C", "from torch._C import _VariableFunctions",
                                       "from torch import _VF", "import numpy._core as core", "import _operator"])
def test_private_imports_are_refused(statement):
    """Is importing a private module, or a private name from a module, refused?"""
    assert refused(f"""
        {statement}
        def f(x):
            return x
    """) == [1]


@pytest.mark.parametrize("path", ["torch.ops.aten.convolution", "torch.ops.aten.conv2d.default", "np.core.numeric",
                                  "torch.library.Library", "torch.overrides.handle_torch_function",
                                  "torch.utils.cpp_extension.load_inline"])
def test_internal_public_namespaces_are_refused(path):
    """Are torch.ops, torch.library, torch.overrides, torch.utils.cpp_extension and numpy.core refused?"""
    assert refused(f"""
        import torch
        import numpy as np
        def f(x):
            return {path}
    """) == [4]


def test_the_students_own_private_names_are_fine():
    """Are `self._cache`, helpers named `_pad`, and private attributes of their own objects allowed?"""
    assert scan("""
        import numpy as np
        class _Windows:
            def __init__(self, x):
                self._x = x
                self.__hidden = 1
            def __repr__(self):
                return f"{type(self).__name__}({self._x!r})"
        def _pad(x, p):
            return np.pad(x, p)
        def f(x, w):
            windows = _Windows(_pad(x, 1))
            return windows._x, getattr(windows, "_x"), np.zeros(3)._private_like if False else None
    """, forbidden=NUMPY) == Scan()


# ---- refusals: dynamic access ------------------------------------------------------------------------------

@pytest.mark.parametrize("expression", ["getattr(F, name)", "getattr(F, 'con' + 'v2d')", "hasattr(F, name)",
                                        "setattr(x, name, 1)", "delattr(x, name)"])
def test_attribute_functions_with_a_computed_name_are_refused(expression):
    """Is getattr/hasattr/setattr/delattr with a computed name refused?"""
    assert "computed attribute name" in reasons(f"""
        import torch.nn.functional as F
        def f(x, name="conv2d"):
            return {expression}
    """)


def test_getattr_as_a_value_is_refused():
    """Is `g = getattr` (or passing getattr along) refused?"""
    assert refused("""
        def f(x):
            g = getattr
            return list(map(getattr, [x], ["shape"]))
    """) == [2, 3]


@pytest.mark.parametrize("name", ["eval", "exec", "compile", "__import__", "vars", "globals", "locals", "dir",
                                  "breakpoint"])
def test_refused_builtins(name):
    """Is each built-in that runs text or reads namespaces refused, called or not?"""
    assert refused(f"""
        def f(x):
            return {name}
    """) == [2]


def test_a_builtin_name_the_module_binds_is_its_own():
    """Is a local `dir = 1` (a direction) or an own `def compile` not refused?"""
    assert scan("""
        def compile(x):
            return x
        def f(x):
            dir = 1
            return compile(x) * dir
    """) == Scan()


@pytest.mark.parametrize("statement", ["import importlib", "from importlib import import_module",
                                       "import builtins", "import operator; g = operator.attrgetter('conv2d')",
                                       "from operator import methodcaller"])
def test_dynamic_import_and_attribute_modules_are_refused(statement):
    """Are importlib, builtins, operator.attrgetter and operator.methodcaller refused?"""
    assert refused(f"""
        {statement}
        def f(x):
            return x
    """) == [1]


@pytest.mark.parametrize("statement", [
    "import timeit; timeit.timeit('import torch', number=1)", "from timeit import Timer",
    "import doctest", "import pydoc; g = pydoc.locate('torch.nn.functional')", "import sympy",
    "import torch.utils.benchmark as b; t = b.Timer('x')", "import torch; g = torch.serialization.load",
    "import torch; g = torch.utils.model_zoo.load_url", "import numpy as np; g = np.lib.format.read_array",
    "from numpy.lib import npyio", "import pandas; g = pandas.read_pickle",
    "import typing; g = typing.get_type_hints", "from typing import ForwardRef",
    "import functools; g = functools.singledispatch", "from functools import singledispatchmethod",
    "import logging.config", "from unittest import mock", "import unittest; g = unittest.TestLoader",
    "import unittest; g = unittest.defaultTestLoader", "import string; g = string.Formatter().get_field",
    "import types; g = types.CodeType", "from types import FunctionType", "import types; g = types.LambdaType",
    "import dis; g = dis.Bytecode(len).codeobj", "import yaml; g = yaml.full_load('a')",
    "import yaml; g = yaml.load('a', Loader=yaml.SafeLoader)", "from yaml import unsafe_load",
    "import torch; torch.classes.load_library('payload.bin')", "from torch import classes",
])
def test_routines_that_run_text_or_find_objects_by_names_in_text_are_refused(statement):
    """Is each library routine that compiles text (timeit, doctest, torch.utils.benchmark, sympy), evaluates
    annotations written as text (typing.get_type_hints, singledispatch), unpickles (torch.serialization,
    model_zoo, numpy.lib.format) or finds objects by dotted names in text (pydoc.locate, logging.config's ext://,
    mock.patch, test loaders, Formatter.get_field) or builds functions from bytecode (types.CodeType, FunctionType,
    dis's code objects) refused? A red team ran torch's private guard switches and F.conv2d from a string given to
    timeit, and again from a function built with types.CodeType, and kept every point both times
    (tests/hostile/submissions/forbidden_code_as_text.py)."""
    assert refused(f"""
        {statement}
        def f(x):
            return x
    """) == [1], statement


def test_yaml_safe_load_stays_allowed():
    """Is yaml.safe_load (plain data only) still fine where its other loaders are refused?"""
    assert scan("""
        import yaml
        def f(x):
            return yaml.safe_load(x)
    """) == Scan()


def test_a_module_passed_around_as_a_value_is_refused():
    """Is a module (a prefix of a forbidden name) passed, stored or returned refused, as in `helper(F)`?"""
    assert refused("""
        import torch
        import torch.nn.functional as F
        def helper(m, x):
            return m.conv2d(x, x)
        def f(x, lib=torch):
            table = [F]
            return helper(F, x)
    """) == [5, 6, 7]


def test_assigning_to_a_module_is_refused():
    """Is `np.convolve = ...` or `setattr(F, "pad", ...)` (changing a module) refused?"""
    assert refused("""
        import numpy as np
        import torch.nn.functional as F
        np.my = 1
        def f(x):
            setattr(F, "pad", None)
            return x
    """, forbidden=NUMPY) == [3, 5]


# ---- refusals: interpreter internals ----------------------------------------------------------------------

@pytest.mark.parametrize("expression", ["sys.modules['torch']", "sys._getframe(1)", "sys.settrace(None)",
                                        "sys.setprofile(None)", "sys.monitoring", "sys.addaudithook(print)"])
def test_sys_internals_and_hooks_are_refused(expression):
    """Are sys.modules, sys._getframe and the trace, profile, monitoring and audit hooks refused (and sys.argv
    fine)?"""
    assert refused(f"""
        import sys
        def f(x):
            print(sys.argv, sys.maxsize)
            return {expression}
    """) == [4]


@pytest.mark.parametrize("statement", ["import gc", "import inspect", "import ctypes", "from cffi import FFI",
                                       "import pickle", "import marshal", "import dill", "import copyreg",
                                       "import subprocess", "import threading", "from multiprocessing import Pool",
                                       "from concurrent.futures import ThreadPoolExecutor"])
def test_refused_modules(statement):
    """Are gc, inspect, native code, pickles, other processes and threads refused at their import?"""
    assert refused(f"""
        {statement}
        def f(x):
            return x
    """) == [1]


@pytest.mark.parametrize("attribute", ["f_back", "f_globals", "tb_frame", "gi_frame", "__code__", "__globals__",
                                       "__closure__", "__wrapped__", "__dict__", "__self__", "__subclasses__",
                                       "__builtins__", "__module__"])
def test_frame_code_and_dunder_attributes_are_refused(attribute):
    """Are frame, traceback and generator attributes and dunders beyond the allowlist refused on anything?"""
    assert refused(f"""
        def f(x):
            return x.{attribute}
    """) == [2]


@pytest.mark.parametrize("name", ["__builtins__", "__loader__", "__spec__"])
def test_dunder_names_beyond_the_allowlist_are_refused(name):
    """Are `__builtins__`, `__loader__`, `__spec__` refused as names?"""
    assert refused(f"""
        def f(x):
            return {name}
    """) == [2]


def test_the_allowlisted_dunders_are_fine():
    """Do `if __name__ == "__main__":`, `__all__`, `super().__init__()`, `type(x).__name__` stay fine?"""
    allowed = " + ".join(f"len(str(self.{a}))" for a in sorted(ALLOWED_DUNDER_ATTRIBUTES))
    assert scan(f"""
        __all__ = ["f"]
        class A(Exception):
            def __init__(self):
                super().__init__("x")
            def size(self):
                return {allowed}
        def f(x):
            return type(x).__name__, __doc__, __file__
        if __name__ == "__main__":
            print(f(1))
    """) == Scan()


def test_duck_typing_and_slots_are_fine():
    """Are `hasattr(x, "__array__")` (only a yes or no) and a class's `__slots__` fine?"""
    assert scan("""
        class Box:
            __slots__ = ("_x",)
        def f(x):
            return hasattr(x, "__array__") and hasattr(x, "_private")
    """) == Scan()


def test_assigning_dunder_name_is_refused():
    """Is `__name__ = "__main__"` (which would run the demo block when graded) refused?"""
    assert refused("""
        __name__ = "__main__"
        def f(x):
            return x
    """) == [1]


# ---- refusals: code from bytes, processes ------------------------------------------------------------------

def test_torch_load_and_numpy_load_with_pickles_are_refused():
    """Are torch.load and np.load(..., allow_pickle=True) refused, and a plain np.load fine?"""
    assert refused("""
        import numpy as np, torch
        def f(x):
            a = np.load("a.npy")
            b = np.load("b.npy", allow_pickle=True)
            c = torch.load("c.pt")
            return np.load("d.npy", allow_pickle=False)
    """, forbidden=NUMPY) == [4, 5]


def test_starting_processes_is_refused():
    """Are os.system, os.fork and os.exec* refused, and the rest of os (os.path) fine?"""
    assert refused("""
        import os
        def f(x):
            os.path.join("a", "b")
            os.system("true")
            os.execv("/bin/true", ["true"])
            return os.fork()
    """) == [4, 5, 6]


# ---- only when something is forbidden; robustness --------------------------------------------------------

def test_empty_forbidden_list_gives_nothing():
    """With nothing forbidden, is nothing reported, not even refusals?"""
    assert scan("import torch, ctypes\ndef f(x):\n    return torch._C, eval('x')\n", forbidden=()) == Scan()


def test_syntax_error_gives_nothing():
    """Does a module that does not parse give nothing (the import reports the syntax error)?"""
    assert scan("def f(x:\n    return F.conv2d(x)\n") == Scan()
    assert scan("x = 1\0\n") == Scan()


def test_too_deep_to_parse_is_refused_not_a_crash():
    """Is a module too deeply nested for the parser's tree refused at line 1, not a crash?"""
    found = scan("import torch\nx = torch" + ".a" * 5000 + "\n")
    assert found.refusals and found.refusals[0].line == 1


def test_alias_cycles_terminate():
    """Do self-referential re-bindings (`a = a.b`) and mutually recursive helpers terminate?"""
    assert scan("""
        import torch
        a = torch
        a = a.b
        def f(x):
            return g(x)
        def g(x):
            return f(x)
    """) == Scan()


def test_scan_is_linear_in_the_module_size():
    """Does a module of 10,000 statements scan in a few seconds (it was quadratic before the work budget)?"""
    import torch  # noqa: F401  (the scan reads module paths from the real modules: imported once a process, not timed)
    scan_source("import torch\ndef f(x):\n    return torch.zeros(3)\n", "f", CONV)
    source = "import torch\n" + "".join(f"def h{i}(x):\n    return torch.zeros(3) + x.a{i}\n" for i in range(5_000))
    started = time.process_time()
    assert scan_source(source, "f", CONV) == Scan()
    assert time.process_time() - started < 5  # CPU time: the machine's load must not decide it


def test_forbidden_uses_is_the_list_of_uses():
    """Does forbidden_uses give the uses of scan_source as a list?"""
    assert forbidden_uses("import torch\ndef f(x):\n    return torch.conv2d(x, x)\n", "f", CONV) == \
        [Use("torch.conv2d", 3)]


def test_scan_submission_reads_the_module(tmp_path):
    """Does scan_submission read <module>.py from the submission, and give nothing when it is missing?"""
    (tmp_path / "conv_torch.py").write_text("import torch.nn.functional as F\n\ndef f(x):\n    return F.conv2d(x)\n"
                                            "import torch._C\n")
    assert scan_submission(tmp_path, "conv_torch", "f", CONV) == Scan(
        (Use("torch.nn.functional.conv2d", 4),),
        (Refusal(5, "imports torch._C, a private module: private modules are internals the grader cannot check"),))
    assert scan_submission(tmp_path, "absent", "f", CONV) == Scan()


def test_the_submissions_other_modules_it_imports_are_scanned(tmp_path):
    """Is what an imported module of the submission holds (torch.ops, F.conv2d) refused at the import's line,
    through a chain of imports, while modules it does not import, and the standard library, are not read?"""
    (tmp_path / "conv_torch.py").write_text("import math\nfrom shapes import helper\n\ndef f(x):\n"
                                            "    return helper(x)\n")
    (tmp_path / "shapes.py").write_text("import deeper\n\ndef helper(x):\n    return deeper.g(x)\n")
    (tmp_path / "deeper.py").write_text("import torch\n\ng = torch.ops.aten.convolution\n"
                                        "h = torch.nn.functional.conv2d\n")
    (tmp_path / "filters.py").write_text("import torch\nbad = torch._C\n")
    found = scan_submission(tmp_path, "conv_torch", "f", CONV)
    assert found.uses == ()
    assert {r.line for r in found.refusals} == {2}
    text = " | ".join(r.reason for r in found.refusals)
    assert "imports shapes, which at deeper.py line 3 uses torch.ops" in text
    assert "uses torch.nn.functional.conv2d (deeper.py, line 4)" in text
    assert "filters" not in text


def test_imports_that_loop_terminate(tmp_path):
    """Do two modules that import each other not loop forever?"""
    (tmp_path / "a.py").write_text("import b\ndef f(x):\n    return x\n")
    (tmp_path / "b.py").write_text("import a\n")
    assert scan_submission(tmp_path, "a", "f", CONV) == Scan()


# ---- the scan's cost is bounded: the red team's quadratic modules and a worst case for every bounded loop ------

CAP = 256 * 1024
"""The pipeline's module size cap (autograder/intake.py): the largest source the scan is ever given."""


SCAN_SECONDS = 6.0
"""The bound for a worst case at the size cap: unbounded, the red team's modules took 65 s to over 17 minutes;
bounded, they take 0.2-2.2 s of CPU here. (Before session 10 the worst took 3.4-4.6 s, and 6.08 s in a CI run
beside other tests: the forbidden packages were recomputed, and `_Banned` hashed field by field, for each of
a million paths; both are now once.)"""


def timed_scan(source: str, forbidden: tuple[str, ...] = NUMPY) -> tuple[Scan, float]:
    """The scan of a fresh source (nothing cached) and the CPU time it took (the grader's cost; the wall clock
    would also count other processes on a busy machine)."""
    _facts.cache_clear()
    _findings.cache_clear()
    modules._denoted.cache_clear()
    modules._is_module.cache_clear()
    started = time.process_time()
    found = scan_source(source, "f", forbidden)
    return found, time.process_time() - started


def filled(head: str, row: str, tail: str = "") -> str:
    """`head`, then as many `row` lines as fit under the size cap, then `tail`."""
    count = (CAP - len(head) - len(tail) - 1) // (len(row) + 1)
    return head + "".join(row + "\n" for _ in range(count)) + tail


def star_module(stars: int, names: int, module: str = "m{}") -> str:
    """The red team's module (red_tools/gen_star.py): `stars` star imports, then `names` name references."""
    row = "    " + ";".join(["x"] * 200)
    return "\n".join(["import numpy as np", "try:", *(f"    from {module.format(i)} import *" for i in range(stars)),
                      "except ImportError:", "    pass", "if 0:", *[row] * (names // 200)]) + "\n"


@pytest.mark.parametrize("stars,names", [(2_000, 12_000), (5_000, 68_000)])
def test_the_red_teams_star_modules_scan_quickly(stars, names):
    """Do the red team's modules (2,000 star imports and 67 KB, which took 67 s; 5,000 and 257 KB, which did not
    finish in 60 s) scan within SCAN_SECONDS, refused for their star imports?"""
    source = star_module(stars, names)
    assert len(source) < CAP
    found, seconds = timed_scan(source)
    assert seconds < SCAN_SECONDS, seconds
    assert found.refusals[0] == Refusal(7, f"imports * from more than {MAX_STARS} modules: the grader cannot follow "
                                           "where each name comes from; import the names you use")


def test_a_few_star_imports_are_fine_and_repeats_count_once():
    """Are MAX_STARS modules imported with `*` (each as often as one likes) fine, and names from them found?"""
    source = "".join(f"from m{i} import *\n" for i in range(MAX_STARS)) * 50 + "def f(x):\n    return conv2d(x)\n"
    found = scan_source(source, "f", NUMPY)
    assert found.refusals == ()
    assert found.uses == ()  # m0.conv2d is not torch's
    assert [u.name for u in scan_source("from torch import *\n" * 5000 + "y = conv2d\n", "f", NUMPY).uses] == \
        ["torch.conv2d"]


def test_the_worst_module_of_stars_and_names_is_bounded():
    """Does a module at the size cap made of MAX_STARS star imports and names (each name looked up in every
    star module) scan within SCAN_SECONDS?"""
    head = "".join(f"from m{i} import *\n" for i in range(MAX_STARS)) + "if 0:\n"
    for row in ("    " + ";".join(["x"] * 200), "    " + ";".join(["x.a.b.c.d.e.f.g.h.i.j.k"] * 20)):
        _, seconds = timed_scan(filled(head, row))
        assert seconds < SCAN_SECONDS, (row[:20], seconds)


def test_a_name_bound_to_too_many_paths_is_refused():
    """Is a name bound to more than MAX_PATHS modules and names refused where it is used (not silently cut to
    MAX_PATHS, which could drop the forbidden one)?"""
    source = "import numpy, torch\n" + "".join(f"m = numpy.a{i}\n" for i in range(MAX_PATHS)) + \
        "m = torch.nn.functional\ndef f(x):\n    return m.conv2d(x)\n"
    assert MAX_PATHS + 4 in refused(source)
    assert "bound to more than 32 modules and names" in reasons(source)


def test_the_worst_alias_fixpoint_is_bounded():
    """Does a module at the size cap of names each bound to many paths, and used everywhere, scan within
    SCAN_SECONDS?"""
    head = "import numpy\n" + "".join(f"a{j} = numpy.x{i}\n" for i in range(MAX_PATHS) for j in range(50)) + \
        "if 0:\n"
    found, seconds = timed_scan(filled(head, "    " + ";".join(f"a{j}.q" for j in range(50))))
    assert seconds < SCAN_SECONDS, seconds
    assert found.refusals in ((), (TOO_COMPLEX,))


@pytest.mark.parametrize("name,source", [
    ("chained targets", filled("import numpy\n", "a=b=c=d=e=f=g=h=i=j=k=l=m=n=o=p = numpy if x else numpy.y or z")),
    ("nested scopes", filled("".join("    " * i + f"def f{i}():\n" for i in range(99)),
                             "    " * 99 + ";".join(["q"] * 100))),
    ("nested walrus", filled("import numpy\n", "a = " + "(b := " * 150 + "numpy" + ")" * 150)),
    ("alias chain", filled("import numpy\nb = numpy\n", "b = b.x if b else b.y")),
    ("attribute chains", filled("import numpy\n", "y = " + ".".join(["numpy"] + ["a"] * 200))),
    ("many small functions", filled("import numpy as np\n", "def g(x, y=np.pi):\n    return np.sum(x) + y")),
])
def test_the_worst_module_of_each_shape_is_bounded(name, source):
    """Does a module at the size cap that makes one of the scan's loops work hardest (alias targets, scope
    depth, nested expressions, alias chains) scan within SCAN_SECONDS, read or refused as too complex?"""
    assert len(source) <= CAP
    found, seconds = timed_scan(source)
    assert seconds < SCAN_SECONDS, (name, seconds)
    assert found.refusals in ((), (TOO_COMPLEX,)), (name, found.refusals[:2])


def test_a_module_that_exhausts_the_work_budget_is_refused(monkeypatch):
    """Once the work budget is spent, is the module refused at line 1 as too complex (not read on)?"""
    monkeypatch.setattr(static, "WORK_BASE", 50)
    monkeypatch.setattr(static, "WORK_PER_CHARACTER", 0)
    found, _ = timed_scan("import torch\n" + "y = torch.zeros(3)\n" * 20)
    _facts.cache_clear()
    _findings.cache_clear()
    assert found == Scan(refusals=(Refusal(1, "this module is too complex for the grader to read; simplify it"),))


def test_the_reference_solutions_use_a_small_part_of_the_budget(monkeypatch):
    """Do the reference solutions scan within a fifth of the work budget?"""
    monkeypatch.setattr(static, "WORK_BASE", 0)
    monkeypatch.setattr(static, "WORK_PER_CHARACTER", static.WORK_PER_CHARACTER / 5)
    for path in sorted((REPO / "solutions").glob("*/*.py")):
        found, _ = timed_scan(path.read_text())
        assert TOO_COMPLEX not in found.refusals, path
    _facts.cache_clear()
    _findings.cache_clear()


def test_a_module_is_read_once_for_all_exercises():
    """Are a module's facts computed once, whatever the number of exercises and forbidden lists asking?"""
    source = "import torch\ndef f(x):\n    return torch.zeros(3)\n"
    _facts.cache_clear()
    for function in ("f", "g", "h"):
        for forbidden in (CONV, NUMPY):
            scan_source(source, function, forbidden)
    assert _facts.cache_info().misses == 1


def test_at_most_max_siblings_of_the_submissions_modules_are_followed():
    """Is a chain of more than MAX_SIBLINGS of the submission's own modules refused at the import, quickly,
    instead of read to its end (or past the recursion limit)?"""
    modules = {"main": "import m0\ndef f(x):\n    return x\n",
               **{f"m{i}": f"import m{i + 1}\n" for i in range(5_000)}}
    started = time.perf_counter()
    found = scan_submission(modules.get, "main", "f", CONV)
    assert time.perf_counter() - started < 2
    assert found.refusals == (Refusal(1, f"imports m0, which leads to more than {MAX_SIBLINGS} of the submission's "
                                         "own modules, more than the grader reads; merge them"),)
    few = {"main": "import m0\n", **{f"m{i}": f"import m{i + 1}\n" for i in range(MAX_SIBLINGS - 1)}}
    assert scan_submission(few.get, "main", "f", CONV) == Scan()


# ---- every convolution a course lists, with its family (static/families.py) -----------------------------------

LISTED = (*NUMPY, "torch.nn.functional.conv1d", "torch.nn.functional.conv3d", "torch.nn.functional.conv_transpose3d",
          "torch.conv_tbc", "torch.ao.nn.intrinsic.ConvReLU2d", "numpy.polymul", "scipy.signal.lfilter",
          "scipy.signal.upfirdn", "scipy.signal.choose_conv_method", "scipy.ndimage.convolve")
"""Convolutions as a course lists them (L10 lists these and more): each forbids its family."""


@pytest.mark.parametrize("path", [
    "torch.nn.functional.conv3d", "torch.conv_tbc", "torch.nn.functional.conv_tbc", "torch.nn.grad.conv2d_input",
    "torch.nn.grad.conv2d_weight", "torch.nn.LazyConv2d", "torch.nn.modules.conv.Conv1d",
    "torch.ao.nn.quantized.Conv2d", "torch.ao.nn.intrinsic.ConvReLU2d", "torch.cudnn_convolution",
    "torch.nn.functional.conv_transpose3d", "torch.ao.nn.intrinsic.qat.ConvReLU2d",
])
def test_any_listed_torch_convolutions_family_is_forbidden(path):
    """Where an exercise lists torch's convolutions, is any torch path whose last name contains a listed one's
    (`conv2d` in `LazyConv2d` and `conv2d_input`, `convolution` in `cudnn_convolution`) reported as written (the
    red team's `F.conv3d` and `torch.conv_tbc`), by a dotted name, an alias or an import?"""
    module, name = path.rsplit(".", 1)
    assert [u for u in uses(f"""
        import torch
        import {module} as m
        from {module} import {name} as c
        def f(x):
            a = {path}(x)
            b = m.{name}(x)
            return getattr(m, "{name}")(x), c(x)
    """, forbidden=LISTED) if u.name == path] == [Use(path, line) for line in (3, 5, 6, 7)]


def test_the_red_teams_torch_convolutions_are_found():
    """Are `F.conv3d` in a method (red_thread_conv) and `_torch.conv_tbc` in a NumPy exercise, which forbids
    torch's convolutions (red_thread_conv_numpy), reported where they are listed?"""
    assert uses("""
        import torch.nn.functional as F
        class _Conv:
            def handle(self, job):
                return F.conv3d(*job)
    """, forbidden=LISTED) == [Use("torch.nn.functional.conv3d", 4)]
    assert uses("""
        import torch as _torch
        def conv2d(image, kernel):
            return _torch.conv_tbc(image, kernel, _torch.zeros(1), 0)
    """, forbidden=LISTED) == [Use("torch.conv_tbc", 3)]


def test_a_family_is_what_is_listed_not_a_word():
    """Is a routine outside every listed family left alone: `convert` (quantization, sync batch norm), other torch
    names, torch's convolutions where none is listed, and `conv3d` where only `conv2d` is?"""
    assert scan("""
        import torch
        from torch.ao.quantization import convert
        def f(x):
            return convert(x), torch.nn.utils.convert_sync_batchnorm(x), torch.ao.quantization.convert_fx(x), \\
                x.unfold(2, 3, 1), torch.nn.functional.pad(x, (1, 1)), torch.einsum("ij->i", x)
    """, forbidden=LISTED) == Scan()
    assert scan("import torch\ndef f(x):\n    return torch.conv_tbc(x)\n", forbidden=("numpy.convolve",)) == Scan()
    assert scan("import torch\ndef f(x):\n    return torch.conv3d(x)\n", forbidden=("torch.conv2d",)) == Scan()


def test_numpy_and_scipy_convolutions_by_other_names_are_forbidden_where_listed():
    """Where an exercise lists numpy.polymul (numpy.convolve of the coefficients) and scipy's lfilter, upfirdn and
    choose_conv_method beside the convolutions, are their other paths (`numpy.polynomial.polynomial.polymul`)
    and the convolutions' families (`numpy.ma.correlate`, `scipy.ndimage.convolve1d`) reported, while other
    routines are not?"""
    source = """
        import numpy as np
        import scipy.signal, scipy.ndimage
        def f(x, k):
            a = np.polymul(x, k) + np.polynomial.polynomial.polymul(x, k) + np.ma.correlate(x, k)
            b = scipy.ndimage.convolve1d(x, k) + scipy.signal.lfilter(k, [1], x) + scipy.signal.upfirdn(k, x)
            c = scipy.signal.choose_conv_method(x, k)
            return np.polyval(k, x) + np.fft.rfft(x) + scipy.ndimage.zoom(x, 2) + a + b + c
    """
    assert [u.name for u in uses(source, forbidden=LISTED)] == [
        "numpy.ma.correlate", "numpy.polymul", "numpy.polynomial.polynomial.polymul", "scipy.ndimage.convolve1d",
        "scipy.signal.lfilter", "scipy.signal.upfirdn", "scipy.signal.choose_conv_method"]
    assert [u.name for u in uses(source, forbidden=("numpy.convolve",))] == []


# ---- a self-test under `if __name__ == "__main__":`, which never runs when graded --------------------------------

SELF_TEST = """
    import torch
    import torch.nn.functional as F
    def f(x, w, padding=0):
        x = torch.nn.functional.pad(x, (padding,) * 4)
        return (x.unfold(2, w.shape[2], 1).unfold(3, w.shape[3], 1) * w).sum((-1, -2))
    if __name__ == "__main__":
        x, w = torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3, 3)
        print(torch.allclose(f(x, w, padding=1), F.conv2d(x, w, padding=1), atol=1e-5))
"""


def test_a_self_test_under_main_is_not_held_against_the_exercise():
    """Is the red team's correct module with a self-test against F.conv2d under `if __name__ == "__main__":`
    (red_false_alarm_main) reported clean, refusals there included (torch.ops, subprocess, a sibling import)?"""
    assert scan(SELF_TEST) == Scan()
    assert scan(SELF_TEST + """
        import subprocess, shapes
        print(torch.ops.aten.convolution, getattr(F, "con" + "v2d"))
        def check():
            return F.conv3d
    """) == Scan()


def test_the_main_blocks_imports_of_the_submissions_modules_are_not_followed(tmp_path):
    """Is a module of the submission imported only under `__main__` (which never runs) not scanned?"""
    (tmp_path / "conv_torch.py").write_text(textwrap.dedent(SELF_TEST) + "    import demo\n")
    (tmp_path / "demo.py").write_text("import torch\nprint(torch.ops.aten.convolution)\n")
    assert scan_submission(tmp_path, "conv_torch", "f", CONV) == Scan()


@pytest.mark.parametrize("outside", [
    "def f2(x):\n    return check(x)",  # a function defined in the block, called from outside
    "def f2(x):\n    return conv(x)",  # a name bound in the block, used outside
    "def f2(x):\n    global conv\n    return conv(x)",
    "class A:\n    op = conv",
    "g = [conv]",
])
def test_a_main_block_reached_from_outside_counts(outside):
    """Does the block count as usual once a module-level name it binds is used outside it?"""
    source = textwrap.dedent(SELF_TEST) + textwrap.indent("conv = F.conv2d\ndef check(x):\n    return F.conv2d(x, x)\n",
                                                         "    ") + outside + "\n"
    assert Use("torch.nn.functional.conv2d", 9) in scan_source(source, "f", CONV).uses  # the print


@pytest.mark.parametrize("binding", [
    "from shapes import MAIN as __name__",
    "try:\n    raise Always()\nexcept Always as __name__:\n    pass",
    "class __name__:\n    pass",
    "import shapes as __name__",
])
def test_a_main_block_counts_where_the_module_binds_dunder_name(binding):
    """Does the block count as usual where `__name__` is bound some way other than `__name__ = ...` (an import
    alias, an exception or a class whose `==` is always true), which could make it run when graded?"""
    source = binding + "\n" + textwrap.dedent(SELF_TEST)
    assert [u.name for u in scan_source(source, "f", CONV).uses] == ["torch.nn.functional.conv2d"]


def test_only_the_module_level_main_block_is_exempt():
    """Do a local variable named like one the block binds (x, w) leave it exempt, while its `else:`, a negated or
    widened test, and a `__main__` test inside a function count as usual?"""
    assert scan(SELF_TEST + "    def g(x, w):\n        return x + w\n") == Scan()  # f's own x, w
    for other in ('if __name__ == "__main__":\n    pass\nelse:\n    y = F.conv2d',
                  'if __name__ != "__main__":\n    y = F.conv2d',
                  'if __name__ == "__main__" or True:\n    y = F.conv2d',
                  'def g():\n    if __name__ == "__main__":\n        return F.conv2d'):
        source = "import torch.nn.functional as F\n" + other + "\n"
        assert [u.name for u in scan_source(source, "f", CONV).uses] == ["torch.nn.functional.conv2d"], other


def test_a_submissions_modules_are_read_once_for_all_exercises():
    """With MAX_SIBLINGS modules of the submission imported, and many exercises asking, is each module's source
    read (parsed, its facts computed) at most once per forbidden list (the cache holds the facts of 8 modules,
    and the findings of every module, exercise and list)?"""
    modules = {"main": "import m0\ndef f(x):\n    return x\n",
               **{f"m{i}": f"import m{i + 1}\nimport torch\ny{i} = torch.zeros(3)\n" for i in range(MAX_SIBLINGS - 1)}}
    _facts.cache_clear()
    _findings.cache_clear()
    static._imports.cache_clear()
    for function in (f"e{i}" for i in range(20)):
        for forbidden in (CONV, NUMPY):
            assert scan_submission(modules.get, "main", function, forbidden, frozenset({"f"})) == Scan()
    assert _facts.cache_info().misses <= 2 * len(modules)
