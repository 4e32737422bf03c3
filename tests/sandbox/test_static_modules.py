"""The scan knows modules by what they are (autograder/sandbox/static/modules.py): a module reached as an
attribute of another is that module, and what starts processes, compiles code or changes signals is refused, by
any path. One test per way in, each with the legal code beside it that must stay fine."""
from __future__ import annotations

import textwrap

import pytest

from autograder.sandbox.static import Scan, scan_source, scan_submission
from autograder.sandbox.static.modules import denoted

CONV = ("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.convolution", "torch._convolution")


def scan(source: str, forbidden: tuple[str, ...] = CONV) -> Scan:
    return scan_source(textwrap.dedent(source).lstrip("\n"), "f", forbidden)


def reasons(source: str, **kwargs) -> str:
    return " | ".join(f"{r.line}: {r.reason}" for r in scan(source, **kwargs).refusals)


# ---- what a path denotes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, reading", [
    ("os.sys.modules", "sys.modules"), ("warnings.sys.modules", "sys.modules"), ("typing.sys", "sys"),
    ("torch.os.system", "os.system"), ("torch.nn.modules.conv.F.conv2d", "torch.nn.functional.conv2d"),
    ("logging.sys.modules", "sys.modules"), ("os.path.join", "posixpath.join"),
    ("helpers.sys.modules", "sys.modules"),  # a submission's own module: read from the module it goes through
])
def test_a_module_reached_through_another_is_that_module(path, reading):
    """Is a module reached as an attribute of another read by its own name, from the real module on the host?"""
    assert denoted(path)[0] == path and reading in denoted(path)


def test_paths_that_go_through_no_other_module_are_read_as_written():
    """Are plain paths, a package's own submodules (`torch.signal` is not `signal`) and a listed package the host
    lacks read as written only?"""
    for path in ("torch.nn.functional.conv2d", "numpy.lib.stride_tricks.as_strided", "torch.signal.windows",
                 "math.sqrt", "notinstalled.thing"):
        assert denoted(path) == (path,), path
    assert denoted("scipy_or_other.signal.lfilter", frozenset({"scipy_or_other"})) == ("scipy_or_other.signal.lfilter",)


# ---- the red team's ways to sys.modules, and the processes -----------------------------------------------------

@pytest.mark.parametrize("source", [
    "import os\ndef f(x):\n    return os.sys.modules['torch.nn.functional'].conv2d(x, x)\n",
    "from os import sys\ndef f(x):\n    return sys.modules['torch.nn.functional']\n",
    "import warnings\ndef f(x):\n    return warnings.sys.modules\n",
    "import typing\ndef f(x):\n    return typing.sys.modules\n",
    "import typing as t\nm = t.sys\ndef f(x):\n    return m.modules\n",
    "import torch\ndef f(x):\n    return torch.sys.modules\n",
    "import helpers\ndef f(x):\n    return helpers.sys.modules\n",
])
def test_sys_modules_by_any_path_is_refused(source):
    """Is `os.sys.modules` (and `from os import sys`, `warnings.sys`, `typing.sys`, an alias of one, `torch.sys`,
    a sibling's `sys`) refused like `sys.modules` (the red team's 100 where 84 is right)?"""
    assert "uses sys.modules" in reasons(source)


@pytest.mark.parametrize("source, refused", [
    ("import posix\ndef f(x):\n    return posix.fork()\n", "posix.fork"),
    ("from posix import execv\ndef f(x):\n    execv('/bin/sh', ['sh'])\n", "posix.execv"),
    ("import os\ndef f(x):\n    return os.posix_spawn\n", "os.posix_spawn"),
    ("import torch\ndef f(x):\n    return torch.os.system('true')\n", "os.system"),
    ("import shutil\ndef f(x):\n    return shutil.os.fork()\n", "os.fork"),
    ("import pty\ndef f(x):\n    return pty.fork()\n", "pty"),
    ("import signal\ndef f(x):\n    signal.signal(signal.SIGCHLD, signal.SIG_IGN)\n", "signal"),
    ("from signal import SIGCHLD\n", "signal"),
    ("import _posixsubprocess\n", "_posixsubprocess"),
    ("import multiprocessing.pool\n", "multiprocessing"),
    ("import subprocess as s\ndef f(x):\n    return s.run\n", "subprocess"),
])
def test_processes_and_signals_by_any_path_are_refused(source, refused):
    """Are posix/nt's process functions (the red team's speed forgery used posix.fork/execv), os reached through
    another module, pty, signal (SIGCHLD ignored), _posixsubprocess and multiprocessing refused?"""
    assert refused in reasons(source)


@pytest.mark.parametrize("source, module", [
    ("import sys\ndef g(m):\n    return m.modules\ndef f(x):\n    return g(sys)\n", "sys"),
    ("import torch\ndef f(x):\n    return [torch.os]\n", "os"),
    ("import torch\ndef f(x, lib=torch):\n    return lib.sum(x)\n", "torch"),
    ("import warnings\ndef g():\n    return warnings\ndef f(x):\n    return g().sys.modules\n", "warnings"),
    ("import os\nclass A:\n    m = os\ndef f(x):\n    return A.m.sys.modules\n", "os"),
    ("import torch.nn.functional as F\nclass A:\n    m = F\ndef f(x, w):\n    return A.m.conv2d(x, w)\n",
     "torch.nn.functional"),
    ("import warnings\nD = {'w': warnings}\ndef f(x):\n    return D['w'].sys.modules\n", "warnings"),
    ("import warnings\ndef f(x):\n    return (w := warnings).sys.modules\n", "warnings"),
    ("import warnings\ndef f(x):\n    for m in (warnings,):\n        return m.sys.modules\n", "warnings"),
    ("import warnings\ng = lambda: warnings\ndef f(x):\n    return g().sys.modules\n", "warnings"),
    ("import helpers\ndef f(x):\n    return [helpers]\n", "helpers"),
])
def test_a_module_passed_around_as_a_value_is_refused(source, module):
    """Is a module object that leaves its name (returned, passed, stored in a container or a class attribute,
    the value of `:=`) refused, since what is reached from it (`g().sys.modules`, `A.m.conv2d`) cannot be
    followed; while an alias (`m = warnings`, followed through its name) and attributes of any module are fine?"""
    assert f"passes the module {module} around" in reasons(source)


def test_modules_by_their_names_and_attributes_stay_fine():
    """Are aliases of modules and their attributes, constants and classes as values fine?"""
    assert scan("""
        import math, os, torch
        import numpy as np
        xp = np
        def f(x):
            m = math
            return m.sqrt(2), os.path.join('a', 'b'), torch.float32, xp.float64, [np.ndarray, torch.Tensor]
    """) == Scan()


# ---- DataLoader workers, torch.compile / jit / fx ------------------------------------------------------------

@pytest.mark.parametrize("call", [
    "DataLoader(x, num_workers=2)", "DataLoader(x, 1, False, None, None, 2)", "DataLoader(x, **options)",
    "functools.partial(DataLoader, num_workers=2)(x)", "torch.utils.data.dataloader.DataLoader(x, num_workers=n)",
])
def test_a_dataloader_with_worker_processes_is_refused(call):
    """Is torch's DataLoader refused when it may start workers (num_workers, the sixth positional argument,
    `**options`, or DataLoader handed on as a value), while DataLoader without workers is fine?"""
    source = f"""
        import functools
        import torch
        from torch.utils.data import DataLoader
        def f(x, n=2, options={{}}):
            return list({call})
    """
    assert "worker processes" in reasons(source)
    assert scan(source.replace(call, "DataLoader(x, batch_size=2, num_workers=0)")) == Scan()


@pytest.mark.parametrize("expression", [
    "torch.compile(lambda a: a)(x)", "torch.jit.script(g)(x)",
    "torch.jit.CompilationUnit('def h(x):\\n    return torch.conv2d(x, x)').h(x)", "torch.fx.symbolic_trace(g)",
    "torch.export.export", "torch.compiler.disable(g)(x)",
])
def test_compilers_that_can_reach_a_forbidden_routine_are_refused(expression):
    """Is torch.compile, torch.jit (which compiles code given as text), torch.fx (which calls methods by
    name) and torch.export refused where torch's routines are forbidden?"""
    assert "compiles code" in reasons(f"import torch\nimport torch.fx\ndef g(x):\n    return x\n"
                                      f"def f(x):\n    return {expression}\n") or \
        "builds and runs code" in reasons(f"import torch\nimport torch.fx\ndef g(x):\n    return x\n"
                                          f"def f(x):\n    return {expression}\n")


def test_the_legal_controls_stay_fine():
    """Do stride tricks + einsum, F.unfold + matmul, os.path and heavy printing keep an empty scan?"""
    assert scan("""
        import os
        import numpy as np
        import torch
        import torch.nn.functional as F
        from numpy.lib.stride_tricks import as_strided, sliding_window_view
        def f(x, w):
            print(os.path.join(os.path.dirname(__file__), "x") * 1000)
            windows = sliding_window_view(np.asarray(x), w.shape, axis=(0, 1))
            cols = F.unfold(torch.as_tensor(x), kernel_size=w.shape[-2:])
            return np.einsum("ijkl,kl->ij", windows, w), (w.reshape(1, -1) @ cols), as_strided
    """) == Scan()


def test_a_sibling_module_that_reaches_sys_modules_refuses_the_import(tmp_path):
    """Is a submission's other module reaching `os.sys.modules` refused at the line that imports it?"""
    (tmp_path / "m.py").write_text("import helpers\ndef f(x):\n    return helpers.g(x)\n")
    (tmp_path / "helpers.py").write_text("import os\ndef g(x):\n    return os.sys.modules\n")
    found = scan_submission(tmp_path, "m", "f", CONV)
    assert [r.line for r in found.refusals] == [1] and "sys.modules" in found.refusals[0].reason


def test_what_another_module_of_the_submission_binds_is_followed(tmp_path):
    """Is `helpers.F.conv2d` (with `import torch.nn.functional as F` in helpers.py), `from helpers import F` and
    `helpers.m.modules` (with `m = sys` there) read through helpers' names, while its own functions are fine?"""
    (tmp_path / "helpers.py").write_text("import torch.nn.functional as F\nimport sys\nm = sys\n"
                                         "def g(x):\n    return x\n")
    (tmp_path / "m.py").write_text("import helpers\nfrom helpers import F as G\ndef f(x, w):\n"
                                   "    a = helpers.F.conv2d(x, w)\n    b = G.conv2d(x, w)\n"
                                   "    return a, b, helpers.m.modules, helpers.g(x)\n")
    found = scan_submission(tmp_path, "m", "f", CONV)
    assert [(u.name, u.line) for u in found.uses] == [("torch.nn.functional.conv2d", 4),
                                                      ("torch.nn.functional.conv2d", 5)]
    assert [r.line for r in found.refusals] == [6] and "sys.modules" in found.refusals[0].reason
    (tmp_path / "m.py").write_text("import helpers\ndef f(x, w):\n    return helpers.g(x)\n")
    assert scan_submission(tmp_path, "m", "f", CONV) == Scan()


def test_names_passed_on_between_the_submissions_modules_are_followed_and_cycles_end(tmp_path):
    """Is `a.F.conv2d` followed where a.py has `from b import F` and b.py `import torch.nn.functional as F`; and
    do modules that import names from each other in a cycle end quickly with nothing found?"""
    (tmp_path / "a.py").write_text("from b import F\n")
    (tmp_path / "b.py").write_text("import torch.nn.functional as F\n")
    (tmp_path / "m.py").write_text("import a\ndef f(x, w):\n    return a.F.conv2d(x, w)\n")
    assert scan_submission(tmp_path, "m", "f", CONV).uses[0].line == 3
    (tmp_path / "a.py").write_text("import b\nfrom b import X\n")
    (tmp_path / "b.py").write_text("import a\nfrom a import X\n")
    (tmp_path / "m.py").write_text("import a\ndef f(x):\n    return a.X.y\n")
    assert scan_submission(tmp_path, "m", "f", CONV) == Scan()
