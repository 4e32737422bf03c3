"""The reference conv_numpy.py: padding, strided 2-D convolution, volumes and a conv layer, against F.conv2d."""
from __future__ import annotations

import ast
import inspect
import textwrap

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=60, deadline=None)


@st.composite
def geometries(draw):
    """A random layer geometry whose kernel fits in the padded input."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    padding, stride = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    k = draw(st.integers(1, min(5, min(h, w) + 2 * padding)))
    return {"h": h, "w": w, "k": k, "padding": padding, "stride": stride,
            "channels": draw(st.integers(1, 4)), "filters": draw(st.integers(1, 4)),
            "seed": draw(st.integers(0, 2**32 - 1))}


def torch_conv_hwc(x: np.ndarray, weights: np.ndarray, biases=None, padding=0, stride=1) -> np.ndarray:
    """F.conv2d on channels-last NumPy data: x (H, W, C), weights (F, f, f, C) -> (H', W', F)."""
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))[None]
    wt = torch.from_numpy(np.ascontiguousarray(weights.transpose(0, 3, 1, 2)))
    bt = None if biases is None else torch.from_numpy(biases)
    return F.conv2d(xt, wt, bt, stride=stride, padding=padding)[0].numpy().transpose(1, 2, 0)


# --- zero_pad ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8])
def test_zero_pad_2d(conv_numpy, dtype):
    """Does zero_pad add p zeros on each side of an (H, W) array, keeping its dtype?"""
    x = (np.arange(12).reshape(3, 4) + 1).astype(dtype)
    got = conv_numpy.zero_pad(x, 2)
    assert got.shape == (7, 8) and got.dtype == dtype
    assert np.array_equal(got[2:5, 2:6], x)
    assert got.sum() == x.sum() and np.count_nonzero(got) == 12


def test_zero_pad_3d_pads_only_spatial_axes(conv_numpy):
    """Is the channel axis of an (H, W, C) volume left unpadded?"""
    x = np.ones((2, 3, 4))
    got = conv_numpy.zero_pad(x, 1)
    assert got.shape == (4, 5, 4)
    assert np.array_equal(got[1:3, 1:4, :], x) and got[0].sum() == 0 and got[:, -1].sum() == 0


def test_zero_pad_zero_is_a_copy_and_lists_work(conv_numpy):
    """Does p = 0 return an equal new array, and does a list of lists work?"""
    x = np.arange(6.0).reshape(2, 3)
    got = conv_numpy.zero_pad(x, 0)
    assert np.array_equal(got, x) and not np.shares_memory(got, x)
    got[0, 0] = 42
    assert x[0, 0] == 0
    assert conv_numpy.zero_pad([[1, 2], [3, 4]], 1).shape == (4, 4)


def test_zero_pad_lecture_image(conv_numpy, lecture_image):
    """Does padding the lecture's 5x5 image by 1 give a 7x7 image with a zero border?"""
    got = conv_numpy.zero_pad(lecture_image, 1)
    assert got.shape == (7, 7) and got.dtype == lecture_image.dtype
    assert got[0].sum() == got[-1].sum() == got[:, 0].sum() == got[:, -1].sum() == 0


@pytest.mark.parametrize("x, p", [(np.ones((3, 3)), -1), (np.ones(3), 1), (np.ones((2, 2, 2, 2)), 1),
                                  (np.float64(3.0), 1)])
def test_zero_pad_rejects_bad_arguments(conv_numpy, x, p):
    """Does zero_pad raise ValueError for p < 0 or an array that is neither 2-D nor 3-D?"""
    with pytest.raises(ValueError):
        conv_numpy.zero_pad(x, p)


# --- conv2d ------------------------------------------------------------------------------------------

@FAST
@given(g=geometries())
def test_conv2d_matches_torch(conv_numpy, g):
    """Does conv2d match F.conv2d on random 2-D geometries (size, kernel, padding, stride)?"""
    rng = np.random.default_rng(g["seed"])
    image, kernel = rng.normal(size=(g["h"], g["w"])), rng.normal(size=(g["k"], g["k"]))
    got = conv_numpy.conv2d(image, kernel, padding=g["padding"], stride=g["stride"])
    expected = torch_conv_hwc(image[:, :, None], kernel[None, :, :, None], None, g["padding"], g["stride"])[:, :, 0]
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_conv2d_lecture_blur_with_and_without_padding(conv_numpy, filters, lecture_image, blur_kernel):
    """Is conv2d without padding the lecture's blurred image, and with same padding still 5x5?"""
    assert np.array_equal(conv_numpy.conv2d(lecture_image, blur_kernel),
                          filters.conv2d_single(lecture_image, blur_kernel))
    same = conv_numpy.conv2d(lecture_image, blur_kernel, padding=1)
    assert same.shape == (5, 5) and same[1, 1] == 177.75
    assert same[0, 0] == pytest.approx((206 * 4 + 205 * 2 + 244 * 2 + 161) / 16)


def test_conv2d_stride_picks_every_other_position(conv_numpy, filters):
    """Is a stride-2 output the stride-1 output sampled every other row and column?"""
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 8)), rng.normal(size=(3, 3))
    full = filters.conv2d_single(image, kernel)
    np.testing.assert_allclose(conv_numpy.conv2d(image, kernel, stride=2), full[::2, ::2], rtol=1e-12)
    assert conv_numpy.conv2d(image, kernel, stride=2).shape == (4, 3)


def test_conv2d_integer_inputs_not_modified(conv_numpy, lecture_image):
    """Do integer inputs give float64 and stay unchanged?"""
    image, kernel = lecture_image.copy(), np.array([[1, 0, -1]] * 3)
    got = conv_numpy.conv2d(image, kernel, padding=2, stride=3)
    assert got.dtype == np.float64 and got.shape == (3, 3)
    assert np.array_equal(image, lecture_image) and np.array_equal(kernel, [[1, 0, -1]] * 3)


@pytest.mark.parametrize("kwargs, match", [
    ({"image": np.ones((3, 3)), "kernel": np.ones((5, 5))}, r"f=5 is larger than the padded input n \+ 2p = 3"),
    ({"image": np.ones((3, 3)), "kernel": np.ones((6, 6)), "padding": 1}, r"n \+ 2p = 5"),
    ({"image": np.ones((5, 5)), "kernel": np.ones((3, 3)), "stride": 0}, "stride"),
    ({"image": np.ones((5, 5)), "kernel": np.ones((3, 3)), "padding": -1}, "padding"),
    ({"image": np.ones((5, 5, 1)), "kernel": np.ones((3, 3))}, "image"),
    ({"image": np.ones((5, 5)), "kernel": np.ones((3, 3, 1))}, "kernel"),
    ({"image": np.ones((5, 5)), "kernel": np.ones((0, 0))}, "kernel"),
])
def test_conv2d_rejects_invalid_geometry(conv_numpy, kwargs, match):
    """Does conv2d raise ValueError (saying what is wrong) on impossible geometry?"""
    with pytest.raises(ValueError, match=match):
        conv_numpy.conv2d(**kwargs)


# --- conv_volume -------------------------------------------------------------------------------------

@FAST
@given(g=geometries())
def test_conv_volume_matches_torch(conv_numpy, g):
    """Does conv_volume (H, W, C) * (f, f, C) match F.conv2d with one filter, converted HWC <-> CHW?"""
    rng = np.random.default_rng(g["seed"])
    volume = rng.normal(size=(g["h"], g["w"], g["channels"]))
    kernel = rng.normal(size=(g["k"], g["k"], g["channels"]))
    got = conv_numpy.conv_volume(volume, kernel, padding=g["padding"], stride=g["stride"])
    expected = torch_conv_hwc(volume, kernel[None], None, g["padding"], g["stride"])[:, :, 0]
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_conv_volume_rgb_lecture_geometry(conv_numpy):
    """Does a 5x5x3 image with a 3x3x3 filter give a 3x3 map, the sum of the three channel convolutions?"""
    rng = np.random.default_rng(1)
    volume, kernel = rng.integers(0, 256, size=(5, 5, 3)), rng.normal(size=(3, 3, 3))
    got = conv_numpy.conv_volume(volume, kernel)
    assert got.shape == (3, 3) and got.dtype == np.float64
    per_channel = sum(conv_numpy.conv2d(volume[:, :, c], kernel[:, :, c]) for c in range(3))
    np.testing.assert_allclose(got, per_channel, rtol=1e-12)


def test_conv_volume_inputs_not_modified(conv_numpy):
    """Are the volume and the kernel left unchanged?"""
    volume, kernel = np.arange(48.0).reshape(4, 4, 3), np.ones((2, 2, 3))
    conv_numpy.conv_volume(volume, kernel, padding=1, stride=2)
    assert np.array_equal(volume, np.arange(48.0).reshape(4, 4, 3)) and np.array_equal(kernel, np.ones((2, 2, 3)))


def test_conv_volume_channel_mismatch_names_both_counts(conv_numpy):
    """Does a 2-channel filter on a 3-channel volume raise ValueError naming 2 and 3?"""
    with pytest.raises(ValueError, match=r"(?=.*\b2\b)(?=.*\b3\b)"):
        conv_numpy.conv_volume(np.ones((5, 5, 3)), np.ones((3, 3, 2)))


@pytest.mark.parametrize("kwargs", [
    {"volume": np.ones((5, 5)), "kernel": np.ones((3, 3, 1))},
    {"volume": np.ones((5, 5, 1)), "kernel": np.ones((3, 3))},
    {"volume": np.ones((3, 3, 1)), "kernel": np.ones((5, 5, 1))},
    {"volume": np.ones((5, 5, 1)), "kernel": np.ones((3, 3, 1)), "stride": 0},
    {"volume": np.ones((5, 5, 1)), "kernel": np.ones((3, 3, 1)), "padding": -2},
])
def test_conv_volume_rejects_invalid_geometry(conv_numpy, kwargs):
    """Does conv_volume raise ValueError for wrong ndim, a too-large kernel, stride < 1 or padding < 0?"""
    with pytest.raises(ValueError):
        conv_numpy.conv_volume(**kwargs)


# --- conv_layer_forward ------------------------------------------------------------------------------

@FAST
@given(g=geometries(), activation=st.sampled_from(["relu", None]))
def test_conv_layer_forward_matches_torch(conv_numpy, g, activation):
    """Does conv_layer_forward match F.conv2d + bias (+ ReLU) with several filters, HWC <-> NCHW?"""
    rng = np.random.default_rng(g["seed"])
    x = rng.normal(size=(g["h"], g["w"], g["channels"]))
    weights = rng.normal(size=(g["filters"], g["k"], g["k"], g["channels"]))
    biases = rng.normal(size=g["filters"])
    got = conv_numpy.conv_layer_forward(x, weights, biases, g["padding"], g["stride"], activation)
    expected = torch_conv_hwc(x, weights, biases, g["padding"], g["stride"])
    if activation == "relu":
        expected = np.maximum(expected, 0)
    assert got.shape == expected.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_conv_layer_forward_two_filters_lecture_geometry(conv_numpy):
    """Do two 3x3x3 filters on a 5x5x3 image stack into a 3x3x2 output, one conv_volume per filter?"""
    rng = np.random.default_rng(2)
    x, weights, biases = rng.normal(size=(5, 5, 3)), rng.normal(size=(2, 3, 3, 3)), np.array([0.5, -1.0])
    got = conv_numpy.conv_layer_forward(x, weights, biases, activation=None)
    assert got.shape == (3, 3, 2)
    for k in range(2):
        np.testing.assert_allclose(got[:, :, k], conv_numpy.conv_volume(x, weights[k]) + biases[k], rtol=1e-12)


def test_conv_layer_forward_bias_added_once_and_relu(conv_numpy):
    """Is the bias added once per output element, and does ReLU zero the negative ones?"""
    x, weights = np.zeros((4, 4, 2)), np.zeros((3, 3, 3, 2))
    got = conv_numpy.conv_layer_forward(x, weights, [1.5, -2.0, 0.0], padding=1)
    assert got.shape == (4, 4, 3)
    assert np.all(got[:, :, 0] == 1.5) and np.all(got[:, :, 1] == 0) and np.all(got[:, :, 2] == 0)
    linear = conv_numpy.conv_layer_forward(x, weights, np.array([1.5, -2.0, 0.0]), padding=1, activation=None)
    assert np.all(linear[:, :, 1] == -2.0)


def test_conv_layer_forward_inputs_not_modified(conv_numpy):
    """Are x, weights and biases left unchanged (also by the in-place-looking ReLU)?"""
    rng = np.random.default_rng(3)
    x, weights, biases = rng.normal(size=(6, 6, 2)), rng.normal(size=(2, 3, 3, 2)), rng.normal(size=2)
    copies = [a.copy() for a in (x, weights, biases)]
    conv_numpy.conv_layer_forward(x, weights, biases, padding=1, stride=2)
    assert all(np.array_equal(a, b) for a, b in zip((x, weights, biases), copies))


def test_conv_layer_forward_integer_inputs(conv_numpy):
    """Do integer arrays and lists give a float64 result?"""
    got = conv_numpy.conv_layer_forward(np.ones((3, 3, 1), dtype=np.int64), np.ones((1, 2, 2, 1), dtype=np.int64), [1])
    assert got.dtype == np.float64 and np.array_equal(got, np.full((2, 2, 1), 5.0))


@pytest.mark.parametrize("kwargs, match", [
    ({"activation": "sigmoid"}, "activation"),
    ({"activation": "ReLU"}, "activation"),
    ({"x": np.ones((5, 5))}, "x"),
    ({"weights": np.ones((3, 3, 2))}, "weights"),
    ({"weights": np.ones((2, 3, 3, 3))}, "channels"),
    ({"biases": np.ones(3)}, "biases"),
    ({"biases": np.ones((2, 1))}, "biases"),
    ({"weights": np.ones((2, 7, 7, 2))}, "larger"),
    ({"stride": 0}, "stride"),
    ({"padding": -1}, "padding"),
])
def test_conv_layer_forward_rejects_invalid_arguments(conv_numpy, kwargs, match):
    """Does conv_layer_forward raise ValueError for a bad activation or mismatched shapes?"""
    args = {"x": np.ones((5, 5, 2)), "weights": np.ones((2, 3, 3, 2)), "biases": np.ones(2), **kwargs}
    with pytest.raises(ValueError, match=match):
        conv_numpy.conv_layer_forward(**args)


# --- vectorisation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["conv2d", "conv_volume", "conv_layer_forward"])
def test_numpy_convolutions_are_vectorised(conv_numpy, name):
    """Are the NumPy convolutions free of Python loops over pixels, SciPy and np.convolve?"""
    tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(conv_numpy, name))))
    loops = [node for node in ast.walk(tree) if isinstance(node, (ast.While, ast.ListComp, ast.GeneratorExp))]
    fors = [node for node in ast.walk(tree) if isinstance(node, ast.For)]
    # the only loops allowed run over the two spatial axes' sizes for validation, never over pixels
    assert not loops and all("zip" in ast.unparse(node.iter) for node in fors)
    module = ast.parse(inspect.getsource(conv_numpy))
    imported = {alias.name.split(".")[0] for node in ast.walk(module) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(module) if isinstance(node, ast.ImportFrom)}
    assert "scipy" not in imported
    assert not any(isinstance(node, ast.Attribute) and node.attr in ("convolve", "correlate")
                   for node in ast.walk(module))
