"""Forbidden families for any API, derived from what is listed (autograder/sandbox/static/families.py), on an
example that is not a convolution: an exercise that lists `torch.nn.functional.max_pool2d` forbids its family in
the static scan and at run time, and nothing outside it."""
from __future__ import annotations

import textwrap
import time
from dataclasses import replace

import numpy as np
import pytest
from test_host import call, run, submission

from autograder.sandbox import OutcomeKind
from autograder.sandbox.static import Scan, Use, scan_source
from autograder.sandbox.static.families import guarded, in_family, stem, stems

POOL = ("torch.nn.functional.max_pool2d",)


def scan(source: str, forbidden: tuple[str, ...] = POOL) -> Scan:
    return scan_source(textwrap.dedent(source).lstrip("\n"), "f", forbidden)


# ---- the family, as strings ----------------------------------------------------------------------------------

def test_a_stem_is_the_last_name_without_case_or_underscores():
    """Are `max_pool2d` and `MaxPool2d` one stem, a package's stems grouped by package, and a stem too short to
    mean anything (`torch.t`) no family at all?"""
    assert stem("torch.nn.functional.max_pool2d") == stem("torch.nn.MaxPool2d") == "maxpool2d"
    assert stems(("torch.nn.functional.max_pool2d", "numpy.convolve", "torch.t")) == {
        "torch": frozenset({"maxpool2d"}), "numpy": frozenset({"convolve"})}
    assert in_family(frozenset({"maxpool2d"}), "mkldnn_max_pool2d")
    assert not in_family(frozenset({"maxpool2d"}), "max_pool1d") and not in_family(frozenset({"maxpool2d"}), "avg_pool2d")


@pytest.mark.parametrize("expression, found", [
    ("torch.mkldnn_max_pool2d(x, 2)", "torch.mkldnn_max_pool2d"),
    ("torch.quantized_max_pool2d(x, 2)", "torch.quantized_max_pool2d"),
    ("F.max_pool2d_with_indices(x, 2)", "torch.nn.functional.max_pool2d_with_indices"),
    ("torch.nn.MaxPool2d(2)(x)", "torch.nn.MaxPool2d"),
    ("torch.nn.modules.pooling.MaxPool2d(2)(x)", "torch.nn.modules.pooling.MaxPool2d"),
    ("torch.nn.functional.max_pool2d(x, 2)", "torch.nn.functional.max_pool2d"),
    ("torch.max_pool2d(x, 2)", "torch.max_pool2d"),
])
def test_the_family_of_a_listed_routine_is_reported(expression, found):
    """Is every torch API whose name contains the listed routine's (the brief's `torch.mkldnn_max_pool2d`,
    `quantized_max_pool2d`, `max_pool2d_with_indices`, the module class) reported as written?"""
    assert scan(f"""
        import torch
        import torch.nn.functional as F
        def f(x):
            return {expression}
    """).uses == (Use(found, 4),)


@pytest.mark.parametrize("expression", ["F._max_pool2d(x, 2)", "torch.ops.aten.max_pool2d_with_indices(x, [2, 2])"])
def test_private_and_operator_paths_to_the_family_are_refused(expression):
    """Are `F._max_pool2d` and `torch.ops.aten.max_pool2d_with_indices` refused (private names, torch's operators
    by their internal names)?"""
    assert scan(f"import torch\nimport torch.nn.functional as F\ndef f(x):\n    return {expression}\n").refusals


def test_routines_outside_the_family_are_fine():
    """Are avg_pool2d, max_pool1d, adaptive average pooling and plain tensor code left alone?"""
    assert scan("""
        import torch
        import torch.nn.functional as F
        def f(x):
            y = F.avg_pool2d(x, 2) + F.adaptive_avg_pool2d(x, 2) + F.max_pool1d(x[0], 2).sum()
            return y, x.unfold(2, 2, 2).unfold(3, 2, 2).amax((-1, -2))
    """) == Scan()


# ---- the family, as the worker's guard gets it ---------------------------------------------------------------

def test_the_guarded_family_holds_the_dispatchers_operators_of_the_stem():
    """Does the host derive every aten operator whose name contains the stem (every overload by its operator's
    name, backward too), and none other; and is it cheap (once per forbidden list)?"""
    import torch  # noqa: F401  (imported once a process, by the host's pipeline too; not what is timed here)

    started = time.perf_counter()
    names = guarded(POOL)
    spent = time.perf_counter() - started
    for operator in ("aten::max_pool2d", "aten::max_pool2d_with_indices", "aten::max_pool2d_with_indices_backward",
                     "aten::mkldnn_max_pool2d", "aten::quantized_max_pool2d"):
        assert operator in names
    assert "aten::avg_pool2d" not in names and "aten::max_pool1d" not in names
    assert not [n for n in names if "." in n and n.startswith("aten::")]  # `aten::x.out` is `aten::x`
    assert spent < 2.0  # the walk over the dispatcher's operators: milliseconds
    assert guarded(POOL) is guarded(POOL)


def test_a_numpy_family_is_guarded_by_every_path_to_its_objects():
    """Does the family of numpy.convolve name numpy's internal paths to the same routine
    (`numpy._core.numeric.convolve`), for the worker to guard by identity?"""
    names = guarded(("numpy.convolve",))
    assert "numpy.convolve" in names and "numpy._core.numeric.convolve" in names
    assert "numpy.ma.core._convolve_or_correlate" in names  # numpy.ma's convolution, loaded with the family
    assert not [n for n in names if n.endswith(".correlate") or "aten::" in n]


# ---- at run time, in the sandbox ----------------------------------------------------------------------------

POOL_PATHS = {
    "functional": "F.max_pool2d(x, 2)",
    "with_indices": "F.max_pool2d_with_indices(x, 2)[0]",
    "module": "torch.nn.MaxPool2d(2)(x)",
    "aten": "torch.ops.aten.max_pool2d_with_indices(x, [2, 2])[0]",
    "aten_overload": "torch.ops.aten.max_pool2d_with_indices.default(x, [2, 2])[0]",
    "kept_before_the_guard": "KEPT(x, 2)",
}


@pytest.mark.parametrize("path", sorted(POOL_PATHS))
def test_every_path_to_a_listed_routines_family_raises_at_run_time(tmp_path, path):
    """Whatever Python path reaches max pooling (a private namespace, an operator's overload, a reference kept at
    import time), is it refused by the worker's guard while an exercise listing max_pool2d runs, and recorded
    with a name from the family?"""
    import torch

    folder = submission(tmp_path, m=f"""
        import torch
        import torch.nn.functional as F
        KEPT = F.max_pool2d
        def pool(x):
            return {POOL_PATHS[path]}
        def allowed(x):
            return F.avg_pool2d(x, 2) + F.max_pool2d(x, 2)
    """)
    x = torch.from_numpy(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    report = run(folder, replace(call("pool", x=x), forbidden=POOL), call("allowed", x=x))
    outcome = report.outcomes["pool/case"]
    assert outcome.kind is OutcomeKind.RAISED and outcome.error_type == "ForbiddenAPIError", outcome
    assert outcome.forbidden and set(outcome.forbidden) <= set(guarded(POOL)), outcome.forbidden
    assert report.outcomes["allowed/case"].kind is OutcomeKind.RETURNED  # nothing forbidden there


def test_other_routines_run_under_the_guard(tmp_path):
    """Does avg_pool2d (outside the family) run fine in an exercise that lists max_pool2d?"""
    import torch

    folder = submission(tmp_path, m="""
        import torch.nn.functional as F
        def pool(x):
            return F.avg_pool2d(x, 2)
    """)
    x = torch.ones((1, 1, 4, 4))
    outcome = run(folder, replace(call("pool", x=x), forbidden=POOL)).outcomes["pool/case"]
    assert outcome.kind is OutcomeKind.RETURNED and outcome.forbidden == ()
