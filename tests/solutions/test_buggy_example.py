"""The bundled buggy student (examples/l10_convolutions/buggy_student): right everywhere but conv_param_count."""
from __future__ import annotations

import ast
import copy
import inspect
import math
import time
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

BUGGY = Path(__file__).resolve().parents[2] / "examples" / "l10_convolutions" / "buggy_student"
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")

FORBIDDEN = ("torch.nn.functional.conv2d", "torch.conv2d", "torch.nn.Conv2d", "torch.convolution")
LECTURE_IMAGE = [[206, 205, 247, 245, 244], [244, 161, 137, 244, 254], [192, 154, 75, 200, 249],
                 [90, 109, 96, 143, 223], [67, 69, 107, 196, 236]]
BLUR = [[1 / 16, 1 / 8, 1 / 16], [1 / 8, 1 / 4, 1 / 8], [1 / 16, 1 / 8, 1 / 16]]
LECTURE_LAYERS = [{"f": 3, "s": 1, "p": 0, "n": 10}, {"f": 5, "s": 2, "p": 0, "n": 20},
                  {"f": 5, "s": 2, "p": 0, "n": 40}]


def outcome(function, args: dict):
    """('value', result) or ('ValueError', None); any other exception propagates and fails the test."""
    try:
        return "value", function(**copy.deepcopy(args))
    except ValueError:
        return "ValueError", None


def assert_same(got, expected, rtol=1e-7, atol=1e-9):
    """Same type (exactly), same shape/dtype/device, values equal (ints) or close (floats)."""
    assert type(got) is type(expected), (type(got), type(expected))
    if isinstance(expected, np.ndarray):
        assert got.shape == expected.shape and got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    elif isinstance(expected, torch.Tensor):
        assert got.shape == expected.shape and got.dtype == expected.dtype and got.device == expected.device
        torch.testing.assert_close(got, expected, rtol=rtol, atol=atol)
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            assert_same(a, b, rtol, atol)
    elif isinstance(expected, dict):
        assert list(got) == list(expected) or set(got) == set(expected)
        for key in expected:
            assert_same(got[key], expected[key], rtol, atol)
    elif isinstance(expected, float):
        assert math.isclose(got, expected, rel_tol=rtol, abs_tol=atol)
    else:
        assert got == expected


def agree(reference, buggy, module, function, args, **tolerance):
    ref_kind, ref_value = outcome(getattr(getattr(reference, module), function), args)
    bug_kind, bug_value = outcome(getattr(getattr(buggy, module), function), args)
    assert bug_kind == ref_kind, f"{function}({args}): reference {ref_kind}, buggy {bug_kind}"
    if ref_kind == "value":
        assert_same(bug_value, ref_value, **tolerance)


def T(*shape, seed=0, dtype=torch.float32):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64).to(dtype)


def N(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


CASES = [
    # shapes
    ("shapes", "dense_param_count", {"height": 39, "width": 39, "channels": 3, "units": 100}),
    ("shapes", "dense_param_count", {"height": 1, "width": 1, "channels": 1, "units": 1}),
    ("shapes", "dense_param_count", {"height": 0, "width": 5, "channels": 3, "units": 10}),
    ("shapes", "dense_param_count", {"height": 5, "width": 5, "channels": 3, "units": -1}),
    ("shapes", "output_size", {"n": 39, "f": 3}),
    ("shapes", "output_size", {"n": 37, "f": 5, "stride": 2}),
    ("shapes", "output_size", {"n": 6, "f": 3, "padding": 0, "stride": 2}),
    ("shapes", "output_size", {"n": 5, "f": 3, "padding": 1}),
    ("shapes", "output_size", {"n": 3, "f": 5}),
    ("shapes", "output_size", {"n": 0, "f": 1}),
    ("shapes", "output_size", {"n": 5, "f": 0}),
    ("shapes", "output_size", {"n": 5, "f": 3, "stride": 0}),
    ("shapes", "output_size", {"n": 5, "f": 3, "padding": -1}),
    ("shapes", "same_padding", {"f": 3}),
    ("shapes", "same_padding", {"f": 7}),
    ("shapes", "same_padding", {"f": 4}),
    ("shapes", "same_padding", {"f": 0}),
    ("shapes", "cnn_output_shapes", {"input_shape": (39, 39, 3), "layers": LECTURE_LAYERS}),
    ("shapes", "cnn_output_shapes", {"input_shape": [10, 7, 1], "layers": [{"f": 3, "s": 1, "p": 1, "n": 8},
                                                                         {"f": 3, "s": 2, "p": 0, "n": 4}]}),
    ("shapes", "cnn_output_shapes", {"input_shape": (5, 5, 3), "layers": []}),
    ("shapes", "cnn_output_shapes", {"input_shape": (10, 10, 3), "layers": [{"f": 3, "s": 1, "p": 0}]}),
    ("shapes", "cnn_output_shapes", {"input_shape": (10, 10, 3), "layers": [{"f": 50, "s": 1, "p": 0, "n": 4}]}),
    ("shapes", "cnn_output_shapes", {"input_shape": (10, 10, 3), "layers": [{"f": 3, "s": 1, "p": 0, "n": 0}]}),
    ("shapes", "cnn_output_shapes", {"input_shape": (10, 10, 3), "layers": [(3, 1, 0, 4)]}),
    ("shapes", "cnn_output_shapes", {"input_shape": (10, 10), "layers": LECTURE_LAYERS}),
    ("shapes", "cnn_output_shapes", {"input_shape": (0, 10, 3), "layers": LECTURE_LAYERS}),
    # filters
    ("filters", "apply_filter_at", {"image": LECTURE_IMAGE, "kernel": BLUR, "row": 1, "col": 1}),
    ("filters", "apply_filter_at", {"image": np.array(LECTURE_IMAGE), "kernel": np.ones((5, 5)), "row": 2, "col": 2}),
    ("filters", "apply_filter_at", {"image": LECTURE_IMAGE, "kernel": BLUR, "row": 0, "col": 1}),
    ("filters", "apply_filter_at", {"image": LECTURE_IMAGE, "kernel": BLUR, "row": 4, "col": 3}),
    ("filters", "apply_filter_at", {"image": LECTURE_IMAGE, "kernel": np.ones((2, 2)), "row": 2, "col": 2}),
    ("filters", "apply_filter_at", {"image": LECTURE_IMAGE, "kernel": np.ones((3, 5)), "row": 2, "col": 2}),
    ("filters", "apply_filter_at", {"image": np.ones((5, 5, 3)), "kernel": BLUR, "row": 2, "col": 2}),
    ("filters", "conv2d_single", {"image": LECTURE_IMAGE, "kernel": BLUR}),
    ("filters", "conv2d_single", {"image": N(9, 7), "kernel": N(2, 4, seed=1)}),
    ("filters", "conv2d_single", {"image": np.ones((3, 3)), "kernel": np.ones((5, 5))}),
    ("filters", "conv2d_single", {"image": np.ones((5, 5)), "kernel": np.ones((0, 0))}),
    ("filters", "conv2d_single", {"image": np.ones(5), "kernel": np.ones((3, 3))}),
    ("filters", "edge_kernels", {}),
    # conv_numpy
    ("conv_numpy", "zero_pad", {"x": np.arange(12).reshape(3, 4), "p": 2}),
    ("conv_numpy", "zero_pad", {"x": N(3, 4, 2).astype(np.float32), "p": 1}),
    ("conv_numpy", "zero_pad", {"x": [[1, 2], [3, 4]], "p": 0}),
    ("conv_numpy", "zero_pad", {"x": np.ones((3, 3)), "p": -1}),
    ("conv_numpy", "zero_pad", {"x": np.ones(3), "p": 1}),
    ("conv_numpy", "conv2d", {"image": LECTURE_IMAGE, "kernel": BLUR, "padding": 1, "stride": 2}),
    ("conv_numpy", "conv2d", {"image": np.ones((3, 3)), "kernel": np.ones((5, 5))}),
    ("conv_numpy", "conv2d", {"image": np.ones((5, 5)), "kernel": np.ones((3, 3)), "stride": 0}),
    ("conv_numpy", "conv2d", {"image": np.ones((5, 5)), "kernel": np.ones((3, 3)), "padding": -1}),
    ("conv_numpy", "conv2d", {"image": np.ones((5, 5, 1)), "kernel": np.ones((3, 3))}),
    ("conv_numpy", "conv_volume", {"volume": N(5, 5, 3), "kernel": N(3, 3, 3, seed=1)}),
    ("conv_numpy", "conv_volume", {"volume": np.ones((5, 5, 3)), "kernel": np.ones((3, 3, 2))}),
    ("conv_numpy", "conv_volume", {"volume": np.ones((3, 3, 1)), "kernel": np.ones((5, 5, 1))}),
    ("conv_numpy", "conv_volume", {"volume": np.ones((5, 5)), "kernel": np.ones((3, 3, 1))}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5, 3), "weights": N(2, 3, 3, 3, seed=1), "biases": [0.5, -1.0]}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5, 2), "weights": N(2, 3, 3, 2), "biases": N(2),
                                          "activation": "sigmoid"}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5, 2), "weights": N(2, 3, 3, 3), "biases": N(2)}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5, 2), "weights": N(2, 3, 3, 2), "biases": N(3)}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5, 2), "weights": N(2, 7, 7, 2), "biases": N(2)}),
    ("conv_numpy", "conv_layer_forward", {"x": N(5, 5), "weights": N(2, 3, 3, 2), "biases": N(2)}),
    # conv_torch
    ("conv_torch", "conv2d_forward_torch", {"x": T(2, 3, 39, 39), "weight": T(10, 3, 3, 3, seed=1),
                                            "bias": T(10, seed=2)}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 2, 6, 5, dtype=torch.float64),
                                            "weight": T(3, 2, 2, 4, dtype=torch.float64), "stride": 2, "padding": 1}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 3, 8, 8), "weight": T(2, 2, 3, 3)}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(3, 8, 8), "weight": T(2, 3, 3, 3)}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 3, 4, 8), "weight": T(2, 3, 5, 5)}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 3, 8, 8), "weight": T(2, 3, 3, 3), "stride": 0}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 3, 8, 8), "weight": T(2, 3, 3, 3), "padding": -1}),
    ("conv_torch", "conv2d_forward_torch", {"x": T(1, 3, 8, 8), "weight": T(2, 3, 3, 3), "bias": T(3)}),
    ("conv_torch", "learn_filter", {"inputs": T(4, 8, 8), "targets": T(3, 6, 6)}),
    ("conv_torch", "learn_filter", {"inputs": T(4, 8, 8), "targets": T(4, 6, 5)}),
    ("conv_torch", "learn_filter", {"inputs": T(4, 8, 8), "targets": T(4, 9, 9)}),
    ("conv_torch", "learn_filter", {"inputs": T(8, 8), "targets": T(6, 6)}),
    ("conv_torch", "learn_filter", {"inputs": T(4, 8, 8), "targets": T(4, 6, 6), "steps": -1}),
    ("conv_torch", "learn_filter", {"inputs": T(4, 8, 8), "targets": T(4, 6, 6), "lr": 0.0}),
]


@pytest.mark.parametrize("module, function, args", CASES,
                         ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_buggy_student_agrees_with_the_reference(reference, buggy, module, function, args):
    """Does the buggy student return what the reference returns (or raise ValueError when it does)?"""
    agree(reference, buggy, module, function, args, rtol=1e-5, atol=1e-5)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), k=st.integers(1, 5), padding=st.integers(0, 2),
       stride=st.integers(1, 3), c=st.integers(1, 4), f=st.integers(1, 4), n=st.integers(1, 3),
       seed=st.integers(0, 2**31 - 1))
def test_buggy_student_agrees_on_random_geometries(reference, buggy, h, w, k, padding, stride, c, f, n, seed):
    """On random geometries (valid or not), do the buggy convolutions agree with the reference?"""
    geometry = {"padding": padding, "stride": stride}
    agree(reference, buggy, "conv_numpy", "conv2d", {"image": N(h, w, seed=seed), "kernel": N(k, k), **geometry})
    agree(reference, buggy, "conv_numpy", "conv_volume", {"volume": N(h, w, c, seed=seed), "kernel": N(k, k, c),
                                                          **geometry})
    agree(reference, buggy, "conv_numpy", "conv_layer_forward",
          {"x": N(h, w, c, seed=seed), "weights": N(f, k, k, c), "biases": N(f), **geometry})
    if k <= min(h, w):
        agree(reference, buggy, "filters", "conv2d_single", {"image": N(h, w, seed=seed), "kernel": N(k, k)})
    for dtype in (torch.float64, torch.float32):
        agree(reference, buggy, "conv_torch", "conv2d_forward_torch",
              {"x": T(n, c, h, w, seed=seed, dtype=dtype), "weight": T(f, c, k, k, dtype=dtype),
               "bias": T(f, dtype=dtype), "stride": stride, "padding": padding}, rtol=1e-5, atol=1e-5)
    agree(reference, buggy, "shapes", "output_size", {"n": h, "f": k, **geometry})
    agree(reference, buggy, "shapes", "cnn_output_shapes",
          {"input_shape": (h, w, c), "layers": [{"f": k, "s": stride, "p": padding, "n": f}]})


@pytest.mark.parametrize("seed, n, size, k", [(0, 4, 8, 5), (1, 8, 12, 3), (2, 5, 10, 5), (3, 6, 9, 3)])
def test_buggy_student_learns_filters_like_the_reference(reference, buggy, seed, n, size, k):
    """Does the buggy student's learn_filter recover the filter to 1e-3 and agree with the reference?"""
    gen = torch.Generator().manual_seed(seed)
    inputs, kernel = torch.randn(n, size, size, generator=gen), 3 * torch.randn(k, k, generator=gen)
    targets = F.conv2d(inputs[:, None], kernel[None, None])[:, 0]
    mine = buggy.conv_torch.learn_filter(inputs, targets)
    assert_same(mine, reference.conv_torch.learn_filter(inputs, targets), rtol=0, atol=1e-4)
    assert (mine - kernel).abs().max().item() < 1e-3


@pytest.mark.parametrize("args, reference_value, buggy_value", [
    ((3, 3, 10), 280, 270),
    ((5, 10, 20), 5020, 5000),
    ((1, 1, 1), 2, 1),
])
def test_conv_param_count_forgets_the_bias(reference, buggy, args, reference_value, buggy_value):
    """Is conv_param_count the one disagreement: the bias forgotten (270 instead of 280)?"""
    assert reference.shapes.conv_param_count(*args) == reference_value
    assert buggy.shapes.conv_param_count(*args) == buggy_value


@pytest.mark.parametrize("args", [(0, 3, 10), (3, 0, 10), (3, 3, 0), (-3, 3, 10)])
def test_conv_param_count_does_not_validate(reference, buggy, args):
    """Does the buggy conv_param_count return a number where the reference raises ValueError?"""
    with pytest.raises(ValueError):
        reference.shapes.conv_param_count(*args)
    assert isinstance(buggy.shapes.conv_param_count(*args), int)


def test_buggy_student_is_a_plain_submission(buggy):
    """Does each buggy module define every exercise function, without nbgrader markers or forbidden calls,
    and does no other function call conv_param_count?"""
    from autograder.sandbox.static import forbidden_uses

    functions = {"shapes": ["dense_param_count", "output_size", "same_padding", "conv_param_count",
                            "cnn_output_shapes"],
                 "filters": ["apply_filter_at", "conv2d_single", "edge_kernels"],
                 "conv_numpy": ["zero_pad", "conv2d", "conv_volume", "conv_layer_forward"],
                 "conv_torch": ["conv2d_forward_torch", "learn_filter"]}
    for module in MODULES:
        source = (BUGGY / f"{module}.py").read_text()
        assert "BEGIN SOLUTION" not in source and "END SOLUTION" not in source
        for name in functions[module]:
            assert callable(getattr(getattr(buggy, module), name))
        calls = {node.func.id for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        assert "conv_param_count" not in calls
    torch_source = (BUGGY / "conv_torch.py").read_text()
    # learn_filter may use F.conv2d (the pipeline excuses it the same way: it forbids nothing)
    assert forbidden_uses(torch_source, "conv2d_forward_torch", FORBIDDEN, frozenset({"learn_filter"})) == []


def test_buggy_torch_conv_is_fast_enough(buggy):
    """Does the buggy student's loop over output positions handle (4, 3, 16, 16) with 4 3x3 filters quickly?"""
    x, weight, bias = T(4, 3, 16, 16), T(4, 3, 3, 3, seed=1), T(4, seed=2)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        start = time.process_time()  # CPU time: insensitive to other processes' load
        got = buggy.conv_torch.conv2d_forward_torch(x, weight, bias, stride=1, padding=1)
        assert time.process_time() - start < 1.0
    finally:
        torch.set_num_threads(threads)
    torch.testing.assert_close(got, F.conv2d(x, weight, bias, padding=1), rtol=1e-5, atol=1e-5)


def test_reference_conv_torch_also_passes_the_static_scan(reference):
    """Does the grader's own static scan find no forbidden API in the reference conv2d_forward_torch?"""
    from autograder.sandbox.static import forbidden_uses

    source = inspect.getsource(reference.conv_torch)
    assert forbidden_uses(source, "conv2d_forward_torch", FORBIDDEN) == []
