"""The worker's run-time guards against forbidden APIs, driven through the sandbox: does every path to a convolution
raise while an exercise that forbids it runs, and nothing else?"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_host import call, run, submission

from autograder.sandbox import OutcomeKind
from autograder.sandbox.static.families import guarded

TORCH_FORBIDDEN = ("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.convolution")
NUMPY_FORBIDDEN = ("numpy.convolve", "numpy.correlate")

TORCH_PATHS = {
    "functional": "torch.nn.functional.conv2d(x, w)",
    "module": "torch.nn.Conv2d(1, 1, 3, bias=False)(x)",
    "aten_overload": "torch.ops.aten.convolution.default(x, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1)",
    "aten_packet": "torch.ops.aten.conv2d(x, w)",
    "variable_functions": "torch._C._VariableFunctions.conv2d(x, w)",
    "vf": "torch._VF.conv2d(x, w) if hasattr(torch._VF, 'conv2d') else torch.conv2d(x, w)",
    "kept_before_the_guard": "KEPT(x, w)",
    "mkldnn": "torch.mkldnn_convolution(x, w, None, [0, 0], [1, 1], [1, 1], 1)",
    "transpose": "torch.nn.functional.conv_transpose2d(x, w)",
}


@pytest.mark.parametrize("path", sorted(TORCH_PATHS))
def test_every_path_to_a_torch_convolution_raises(tmp_path, path):
    """Whatever Python path reaches an aten convolution (a private namespace, an overload, a reference kept at import
    time), is it refused at torch's dispatcher while a forbidding exercise runs, and recorded?"""
    folder = submission(tmp_path, m=f"""
        import torch
        KEPT = torch.nn.functional.conv2d
        def conv(x, w):
            return {TORCH_PATHS[path]}
    """)
    x, w = np.ones((1, 1, 5, 5), np.float32), np.ones((1, 1, 3, 3), np.float32)
    import torch

    forbidding = replace(call("conv", x=torch.from_numpy(x), w=torch.from_numpy(w)), forbidden=TORCH_FORBIDDEN)
    outcome = run(folder, forbidding).outcomes["conv/case"]
    assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "ForbiddenAPIError", outcome
    # a fixed vocabulary (the forbidden names and their families), no text of the worker's
    assert outcome.forbidden and set(outcome.forbidden) <= set(guarded(TORCH_FORBIDDEN)), outcome.forbidden


def test_torch_convolutions_are_allowed_where_nothing_forbids_them(tmp_path):
    """Is the same call fine in an exercise without a forbidden list (learn_filter may use F.conv2d), in the same
    worker, right after a forbidding one?"""
    import torch

    folder = submission(tmp_path, m="""
        import torch
        def conv(x, w):
            return torch.nn.functional.conv2d(x, w)
        def allowed(x, w):
            return torch.nn.functional.conv2d(x, w)
    """)
    x, w = torch.ones((1, 1, 5, 5)), torch.ones((1, 1, 3, 3))
    report = run(folder, replace(call("conv", x=x, w=w), forbidden=TORCH_FORBIDDEN), call("allowed", x=x, w=w))
    assert report.outcomes["conv/case"].error_type == "ForbiddenAPIError"
    assert report.outcomes["allowed/case"].kind is OutcomeKind.RETURNED
    assert report.outcomes["allowed/case"].value.shape == (1, 1, 3, 3)


def test_the_torch_guard_costs_no_dynamo_import_and_uses_torchs_disable_once_dynamo_is_there(tmp_path):
    """In a fresh interpreter (no pool preloading torch._dynamo), does a torch operation under the guard leave
    torch._dynamo unimported (0.7 s saved per worker), is a convolution still refused, and once the student's code
    imports torch._dynamo, is the guard torch's own dynamo-disabled function again, still refusing?"""
    import torch

    folder = submission(tmp_path, m="""
        import sys
        import torch
        def plain(x, w):
            return [float((x * 2).sum()), "torch._dynamo" in sys.modules]
        def conv(x, w):
            return torch.nn.functional.conv2d(x, w)
        def with_dynamo(x, w):
            import torch._dynamo
            from torch.utils._python_dispatch import _get_current_dispatch_mode
            raw = type(_get_current_dispatch_mode()).__dict__["__torch_dispatch__"].__wrapped__
            value = float((x * 2).sum())
            return [value, bool(getattr(getattr(raw, "__dynamo_disable"), "_torchdynamo_disable", False))]
    """)
    x, w = torch.ones((1, 1, 5, 5)), torch.ones((1, 1, 3, 3))
    guarded = [replace(call(name, x=x, w=w), forbidden=TORCH_FORBIDDEN) for name in ("plain", "conv", "with_dynamo",
                                                                                     "conv")]
    guarded[-1] = replace(guarded[-1], key="conv/again")
    # importing torch._dynamo in the call takes 1-4 s of CPU (more on a busy machine): the call's limit is not the point
    guarded[2] = replace(guarded[2], case_seconds=60.0, exercise_seconds=120.0)
    report = run(folder, *guarded, warm_pool=False)
    assert report.outcomes["plain/case"].value == [50.0, False]
    assert report.outcomes["conv/case"].error_type == "ForbiddenAPIError"
    assert report.outcomes["with_dynamo/case"].value == [50.0, True]
    assert report.outcomes["conv/again"].error_type == "ForbiddenAPIError"


NUMPY_PATHS = {
    "public": "np.convolve(a, b)",
    "imported_name": "CONVOLVE(a, b)",
    "kept_alias": "KEPT(a, b)",
    "core_numeric": "numpy.core.numeric.convolve(a, b)",
    "private_core": "numpy._core.numeric.convolve(a, b)",
    "multiarray": "numpy._core.multiarray.correlate(a, b[::-1], 2)",
    "correlate": "np.correlate(a, b)",
}


@pytest.mark.parametrize("path", sorted(NUMPY_PATHS))
def test_numpy_convolutions_are_matched_by_identity(tmp_path, path):
    """Are NumPy's convolutions refused under every name that reaches the same function object (an alias kept at
    import, numpy.core, the C function inside), not only under the dotted name in the spec?"""
    folder = submission(tmp_path, m=f"""
        import numpy as np
        import numpy
        import numpy.core.numeric
        from numpy import convolve as CONVOLVE
        KEPT = np.convolve
        def conv(a, b):
            return {NUMPY_PATHS[path]}
    """)
    forbidding = replace(call("conv", a=np.arange(5.0), b=np.ones(3)), forbidden=NUMPY_FORBIDDEN)
    outcome = run(folder, forbidding).outcomes["conv/case"]
    assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "ForbiddenAPIError", outcome


@pytest.mark.parametrize("started", ["at import", "in the call"])
def test_a_convolution_in_a_thread_of_the_students_is_refused_too(tmp_path, started):
    """Dispatch modes are per thread: does a convolution computed in a thread the student's code started (at
    import, as logging's QueueListener would, or during the call) raise there while a forbidding call is in
    flight, so that its result never comes back?"""
    import torch

    folder = submission(tmp_path, m=f"""
        import queue, threading, torch
        jobs, results = queue.Queue(), queue.Queue()
        def _serve():
            while True:
                x, w = jobs.get()
                try:
                    results.put(torch.nn.functional.conv3d(x[:, :, None], w[:, :, None]))
                except Exception as error:
                    results.put(error)
        if {started == "at import"!r}:
            threading.Thread(target=_serve, daemon=True).start()
        def conv(x, w):
            if {started == "in the call"!r}:
                threading.Thread(target=_serve, daemon=True).start()
            jobs.put((x, w))
            out = results.get(timeout=5)
            if isinstance(out, Exception):
                raise out
            return out[:, :, 0]
    """)
    x, w = torch.ones((1, 1, 5, 5)), torch.ones((1, 1, 3, 3))
    outcome = run(folder, replace(call("conv", x=x, w=w), forbidden=TORCH_FORBIDDEN)).outcomes["conv/case"]
    assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "ForbiddenAPIError", outcome


def test_a_process_running_beside_a_forbidding_call_is_seen_by_the_host(tmp_path, monkeypatch):
    """A helper process started at import (beyond any guard of the worker's) that would compute the convolution:
    where the kernel does not refuse it (no seccomp filter: monkeypatched off here; with it, the fork fails), does
    the host, which looks for other processes of the sandbox before and after each forbidding call, report it as a
    forbidden use?"""
    import torch

    from autograder.sandbox import isolation

    monkeypatch.setattr(isolation, "process_filter", lambda python=None: "off for this test")

    folder = submission(tmp_path, m="""
        import os, time
        _helper = os.fork()
        if _helper == 0:
            time.sleep(60)
            os._exit(0)
        def conv(x, w):
            return x[:, :, 1:-1, 1:-1] * 9
    """)
    x, w = torch.ones((1, 1, 5, 5)), torch.ones((1, 1, 3, 3))
    outcome = run(folder, replace(call("conv", x=x, w=w), forbidden=TORCH_FORBIDDEN)).outcomes["conv/case"]
    assert outcome.kind is OutcomeKind.RETURNED and any("another process" in f for f in outcome.forbidden)
    plain = run(folder, call("conv", x=x, w=w)).outcomes["conv/case"]
    assert plain.forbidden == ()  # an exercise that forbids nothing does not care


def _worker_module():
    """A fresh copy of the worker's module (autograder/sandbox/worker.py, which the worker loads by path)."""
    import importlib.util
    from pathlib import Path

    import autograder.sandbox

    path = Path(autograder.sandbox.__file__).with_name("worker.py")
    spec = importlib.util.spec_from_file_location("_worker_under_test", path)
    worker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(worker)
    return worker


def test_guards_reach_every_alias_with_the_pools_index(monkeypatch):
    """The warm pool's server indexes where each callable sits before forking (worker.index_namespaces), so that a
    worker does not read every namespace: is a forbidden function still replaced under every name, in modules
    indexed, in a module imported after the index, and under a name added to an indexed module since?"""
    import sys
    import types

    worker = _worker_module()

    def forbidden_routine(a):
        return a

    package, indexed, grown = (types.ModuleType(n) for n in ("fakepkg", "fake_indexed", "fake_grown"))
    package.routine, indexed.alias = forbidden_routine, forbidden_routine
    for module in (package, indexed, grown):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    worker.index_namespaces()
    late = types.ModuleType("fake_late")
    late.kept = forbidden_routine
    monkeypatch.setitem(sys.modules, "fake_late", late)
    grown.added = forbidden_routine
    guards = worker.Guards()
    guards.install(["fakepkg.routine"])
    for holder, name in ((package, "routine"), (indexed, "alias"), (late, "kept"), (grown, "added")):
        assert getattr(holder, name) is not forbidden_routine, f"{holder.__name__}.{name} was not guarded"
    guards.active = frozenset({"fakepkg.routine"})
    with pytest.raises(worker.ForbiddenAPIError):
        indexed.alias(1)


def test_the_index_short_cut_reads_again_where_the_resolution_changed_something(monkeypatch):
    """With nothing imported since the pool's index, a worker does not look at the namespaces at all (10-25 ms of
    CPU per worker): is a name added since to a module the forbidden name is resolved through (as a module's
    `__getattr__` may add one while it is resolved) still guarded, with no module imported?"""
    import sys
    import types

    worker = _worker_module()

    def forbidden_routine(a):
        return a

    package, other = types.ModuleType("fakepkg2"), types.ModuleType("fake_other")
    package.routine, other.alias = forbidden_routine, forbidden_routine
    for module in (package, other):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    worker.index_namespaces()
    package.cached = forbidden_routine  # the module grew on the resolution's way, nothing was imported
    guards = worker.Guards()
    guards.install(["fakepkg2.routine"])
    for holder, name in ((package, "routine"), (package, "cached"), (other, "alias")):
        assert getattr(holder, name) is not forbidden_routine, f"{holder.__name__}.{name} was not guarded"
    fresh = worker.Guards()
    worker.index_namespaces()
    spare = types.ModuleType("fake_spare")
    spare.kept = other.alias = package.routine = forbidden_routine
    worker.index_namespaces()
    fresh.install(["fakepkg2.routine"])  # the short cut: every place of the routine is in the index
    assert package.routine is not forbidden_routine and other.alias is not forbidden_routine


def test_no_module_of_a_pooled_worker_keeps_an_unguarded_numpy_convolution(tmp_path):
    """A red team (issue 21) on the pool's namespace index: in a worker forked from the warm pool, with the guards
    installed from the index, is there any module attribute, under any name, that still holds one of NumPy's
    forbidden functions itself rather than its guard? (The functions are taken from the guards' closures, which
    only a test can do: the static scan refuses `__closure__` and `sys.modules`.)"""
    folder = submission(tmp_path, m="""
        import sys
        import numpy as np
        def probe(a):
            originals = {}
            for name in ("convolve", "correlate", "polymul"):
                for cell in getattr(np, name).__closure__ or ():
                    value = cell.cell_contents
                    if callable(value) and getattr(value, "__name__", "") == name:
                        originals[id(value)] = value
            left = []
            for module in list(sys.modules.values()):
                namespace = getattr(module, "__dict__", None)
                if isinstance(namespace, dict):
                    for attribute, value in list(namespace.items()):
                        if id(value) in originals and originals[id(value)] is value:
                            left.append(f"{module.__name__}.{attribute}")
            return [len(originals), sorted(left)]
    """)
    forbidding = replace(call("probe", a=1), forbidden=NUMPY_FORBIDDEN + ("numpy.polymul",))
    outcome = run(folder, forbidding, warm_pool=True).outcomes["probe/case"]
    assert outcome.kind is OutcomeKind.RETURNED, outcome
    found, left = outcome.value
    assert found == 3 and left == [], left
