"""The reference conv_torch.py: a convolution forward pass without conv routines, and learning a filter."""
from __future__ import annotations

import ast
import inspect
import textwrap
import time

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

FORBIDDEN_NAMES = {"conv1d", "conv2d", "conv3d", "Conv1d", "Conv2d", "Conv3d", "convolution", "_convolution",
                   "conv_transpose2d", "ConvTranspose2d", "conv_tbc", "cudnn_convolution", "mkldnn_convolution"}
TOLERANCE = {torch.float64: {"rtol": 1e-10, "atol": 1e-12}, torch.float32: {"rtol": 1e-5, "atol": 1e-5}}


@st.composite
def batches(draw):
    """A random NCHW batch geometry whose kernel fits in the padded input."""
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    padding, stride = draw(st.integers(0, 2)), draw(st.integers(1, 3))
    k = draw(st.integers(1, min(5, min(h, w) + 2 * padding)))
    return {"n": draw(st.integers(1, 3)), "c": draw(st.integers(1, 4)), "f": draw(st.integers(1, 4)),
            "h": h, "w": w, "k": k, "padding": padding, "stride": stride, "bias": draw(st.booleans()),
            "seed": draw(st.integers(0, 2**31 - 1))}


def make_batch(g, dtype=torch.float64, device="cpu"):
    gen = torch.Generator().manual_seed(g["seed"])
    x = torch.randn(g["n"], g["c"], g["h"], g["w"], generator=gen, dtype=dtype).to(device)
    weight = torch.randn(g["f"], g["c"], g["k"], g["k"], generator=gen, dtype=dtype).to(device)
    bias = torch.randn(g["f"], generator=gen, dtype=dtype).to(device) if g["bias"] else None
    return x, weight, bias


def check_against_torch(conv_torch, g, dtype, device="cpu"):
    x, weight, bias = make_batch(g, dtype, device)
    originals = [t.clone() for t in (x, weight) + ((bias,) if bias is not None else ())]
    got = conv_torch.conv2d_forward_torch(x, weight, bias, stride=g["stride"], padding=g["padding"])
    expected = F.conv2d(x, weight, bias, stride=g["stride"], padding=g["padding"])
    assert type(got) is torch.Tensor
    assert got.shape == expected.shape and got.dtype == dtype and got.device == x.device
    torch.testing.assert_close(got, expected, **TOLERANCE[dtype])
    assert all(torch.equal(a, b) for a, b in zip((x, weight) + ((bias,) if bias is not None else ()), originals))


# --- conv2d_forward_torch ----------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(g=batches())
def test_conv2d_forward_torch_matches_f_conv2d_float64(conv_torch, g):
    """Does conv2d_forward_torch match F.conv2d on random geometries in float64?"""
    check_against_torch(conv_torch, g, torch.float64)


@settings(max_examples=60, deadline=None)
@given(g=batches())
def test_conv2d_forward_torch_matches_f_conv2d_float32(conv_torch, g):
    """Does conv2d_forward_torch match F.conv2d on random geometries in float32, keeping float32?"""
    check_against_torch(conv_torch, g, torch.float32)


def test_conv2d_forward_torch_lecture_layer(conv_torch, shapes):
    """Does a layer of 10 filters 3x3x3 on a 39x39 RGB batch give (N, 10, 37, 37) with 280 parameters?"""
    x, weight, bias = torch.randn(2, 3, 39, 39), torch.randn(10, 3, 3, 3), torch.randn(10)
    got = conv_torch.conv2d_forward_torch(x, weight, bias)
    assert got.shape == (2, 10, 37, 37)
    assert weight.reshape(10, -1).shape == (10, 27) and weight.numel() + bias.numel() == 280
    torch.testing.assert_close(got, F.conv2d(x, weight, bias), rtol=1e-5, atol=1e-4)


def test_conv2d_forward_torch_keyword_defaults(conv_torch):
    """Do the defaults mean no bias, stride 1 and no padding?"""
    x, weight = torch.randn(1, 2, 6, 5, dtype=torch.float64), torch.randn(3, 2, 3, 3, dtype=torch.float64)
    torch.testing.assert_close(conv_torch.conv2d_forward_torch(x, weight), F.conv2d(x, weight))


def test_conv2d_forward_torch_rectangular_kernel(conv_torch):
    """Does a rectangular (kh, kw) kernel work like in F.conv2d?"""
    x, weight = torch.randn(2, 3, 7, 9, dtype=torch.float64), torch.randn(4, 3, 2, 4, dtype=torch.float64)
    got = conv_torch.conv2d_forward_torch(x, weight, stride=2, padding=1)
    torch.testing.assert_close(got, F.conv2d(x, weight, stride=2, padding=1))


def test_conv2d_forward_torch_supports_autograd(conv_torch):
    """Does the forward pass stay differentiable with the same gradients as F.conv2d?"""
    x = torch.randn(2, 2, 6, 6, dtype=torch.float64)
    weight = torch.randn(3, 2, 3, 3, dtype=torch.float64, requires_grad=True)
    conv_torch.conv2d_forward_torch(x, weight, padding=1, stride=2).square().sum().backward()
    mine = weight.grad.clone()
    weight.grad = None
    F.conv2d(x, weight, padding=1, stride=2).square().sum().backward()
    torch.testing.assert_close(mine, weight.grad)


@pytest.mark.parametrize("x_shape, w_shape, bias_shape, stride, padding, match", [
    ((1, 3, 8, 8), (2, 2, 3, 3), None, 1, 0, "channels"),
    ((3, 8, 8), (2, 3, 3, 3), None, 1, 0, "x"),
    ((1, 1, 3, 8, 8), (2, 3, 3, 3), None, 1, 0, "x"),
    ((1, 3, 8, 8), (3, 3, 3), None, 1, 0, "weight"),
    ((1, 3, 4, 8), (2, 3, 5, 5), None, 1, 0, r"f=5 is larger than the padded input n \+ 2p = 4"),
    ((1, 3, 2, 2), (2, 3, 5, 5), None, 1, 1, r"n \+ 2p = 4"),
    ((1, 3, 8, 8), (2, 3, 3, 3), None, 0, 0, "stride"),
    ((1, 3, 8, 8), (2, 3, 3, 3), None, 1, -1, "padding"),
    ((1, 3, 8, 8), (2, 3, 3, 3), (3,), 1, 0, "bias"),
    ((1, 3, 8, 8), (2, 3, 3, 3), (2, 1), 1, 0, "bias"),
    ((1, 3, 8, 8), (2, 3, 0, 0), None, 1, 0, "empty"),
])
def test_conv2d_forward_torch_rejects_invalid_geometry(conv_torch, x_shape, w_shape, bias_shape, stride,
                                                       padding, match):
    """Does conv2d_forward_torch raise ValueError for mismatched channels, wrong ndim, a too-large kernel,
    stride < 1, padding < 0 or a badly shaped bias?"""
    bias = None if bias_shape is None else torch.zeros(bias_shape)
    with pytest.raises(ValueError, match=match):
        conv_torch.conv2d_forward_torch(torch.zeros(x_shape), torch.zeros(w_shape), bias, stride, padding)


def test_conv2d_forward_torch_uses_no_convolution_routine(conv_torch):
    """Does conv2d_forward_torch's source avoid every conv2d/convolution/Conv2d call?"""
    tree = ast.parse(textwrap.dedent(inspect.getsource(conv_torch.conv2d_forward_torch)))
    names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert not names & FORBIDDEN_NAMES
    assert "getattr" not in names and "__import__" not in names


def test_conv2d_forward_torch_makes_no_conv_call_at_run_time(conv_torch, monkeypatch):
    """Does a run succeed with F.conv2d, torch.conv2d and torch.convolution made to fail?"""
    def refuse(*args, **kwargs):
        raise AssertionError("a convolution routine was called")
    for module, name in ((F, "conv2d"), (torch, "conv2d"), (torch, "convolution"), (torch.nn.functional, "conv2d")):
        monkeypatch.setattr(module, name, refuse)
    got = conv_torch.conv2d_forward_torch(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 3, 3), padding=1)
    assert got[0, 0, 0, 0] == 4 and got[0, 0, 1, 1] == 9


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA not available")
@settings(max_examples=30, deadline=None)
@given(g=batches(), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_conv2d_forward_torch_on_cuda(conv_torch, g, dtype):
    """On a GPU, does conv2d_forward_torch stay on CUDA, keep the dtype and match F.conv2d there?"""
    # F.conv2d on Ampere and later GPUs uses TF32 for float32 by default: compare with full float32
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        check_against_torch(conv_torch, g, dtype, device="cuda")
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


@pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA not available")
def test_learn_filter_on_cuda(conv_torch):
    """On a GPU, does learn_filter return a CUDA tensor close to the true filter?"""
    gen = torch.Generator().manual_seed(5)
    inputs, kernel = torch.randn(6, 10, 10, generator=gen), torch.randn(3, 3, generator=gen)
    targets = F.conv2d(inputs[:, None], kernel[None, None])[:, 0]
    got = conv_torch.learn_filter(inputs.cuda(), targets.cuda())
    assert got.device.type == "cuda" and got.dtype == torch.float32
    assert (got.cpu() - kernel).abs().max() < 1e-3


# --- learn_filter ------------------------------------------------------------------------------------

def cpu_seconds(function, *args):
    """function(*args) and the CPU time it took on one torch thread (insensitive to other processes' load)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        start = time.process_time()
        result = function(*args)
        return result, time.process_time() - start
    finally:
        torch.set_num_threads(threads)


def filter_problem(seed: int, n: int, size: int, k: int, scale: float = 1.0, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, size, size, generator=gen, dtype=torch.float64)
    kernel = scale * torch.randn(k, k, generator=gen, dtype=torch.float64)
    targets = F.conv2d(inputs[:, None], kernel[None, None])[:, 0]
    return inputs.to(dtype), targets.to(dtype), kernel


@pytest.mark.parametrize("seed, n, size, k", [
    (0, 4, 8, 5), (1, 4, 8, 3), (2, 8, 12, 5), (3, 8, 12, 3), (4, 5, 9, 5),
    (5, 6, 10, 3), (6, 7, 11, 5), (7, 4, 12, 5), (8, 8, 8, 5), (9, 4, 8, 5),
])
def test_learn_filter_recovers_the_filter(conv_torch, seed, n, size, k):
    """Does learn_filter recover a random filter to 1e-3 with the default steps and lr, in well under 1 s?"""
    inputs, targets, kernel = filter_problem(seed, n, size, k)
    got, elapsed = cpu_seconds(conv_torch.learn_filter, inputs, targets)
    assert got.shape == (k, k) and got.dtype == torch.float32 and got.device == inputs.device
    assert not got.requires_grad and got.grad_fn is None
    assert (got.double() - kernel).abs().max().item() < 1e-3
    assert elapsed < 2.0  # CPU time on one thread; about 0.1 s


@pytest.mark.parametrize("name", ["scharr_vertical", "sobel_horizontal"])
def test_learn_filter_recovers_edge_kernels(conv_torch, filters, name):
    """Does it recover the lecture's Scharr and Sobel kernels (weights up to 10) from 4 small images?"""
    kernel = torch.from_numpy(filters.edge_kernels()[name])
    inputs = torch.randn(4, 8, 8, generator=torch.Generator().manual_seed(11), dtype=torch.float64)
    targets = F.conv2d(inputs[:, None], kernel[None, None])[:, 0]
    got = conv_torch.learn_filter(inputs.float(), targets.float())
    assert (got.double() - kernel).abs().max().item() < 1e-3


def test_learn_filter_float64_deterministic_and_no_grad_safe(conv_torch):
    """Does it keep float64, give the same result twice, and work inside torch.no_grad()?"""
    inputs, targets, kernel = filter_problem(21, 5, 9, 3, dtype=torch.float64)
    first = conv_torch.learn_filter(inputs, targets)
    with torch.no_grad():
        second = conv_torch.learn_filter(inputs, targets)
    assert first.dtype == torch.float64 and torch.equal(first, second)
    assert (first - kernel).abs().max().item() < 1e-6


def test_learn_filter_steps_and_lr_matter(conv_torch):
    """Do zero steps give the zero filter, and do more steps get closer than fewer?"""
    inputs, targets, kernel = filter_problem(31, 4, 8, 3)
    assert torch.equal(conv_torch.learn_filter(inputs, targets, steps=0), torch.zeros(3, 3))
    few = (conv_torch.learn_filter(inputs, targets, steps=5) - kernel.float()).abs().max()
    many = (conv_torch.learn_filter(inputs, targets, steps=100) - kernel.float()).abs().max()
    small_lr = (conv_torch.learn_filter(inputs, targets, steps=100, lr=0.001) - kernel.float()).abs().max()
    assert many < few and many < small_lr


def test_learn_filter_leaves_inputs_alone(conv_torch):
    """Are inputs and targets unchanged and without gradients afterwards?"""
    inputs, targets, _ = filter_problem(41, 4, 8, 3)
    copies = inputs.clone(), targets.clone()
    conv_torch.learn_filter(inputs, targets, steps=20)
    assert torch.equal(inputs, copies[0]) and torch.equal(targets, copies[1])
    assert inputs.grad is None and not inputs.requires_grad


@pytest.mark.parametrize("inputs_shape, targets_shape, kwargs", [
    ((4, 8, 8), (3, 6, 6), {}),          # batch sizes differ
    ((4, 8, 8), (4, 6, 5), {}),          # non-square filter
    ((4, 8, 8), (4, 9, 9), {}),          # targets larger than inputs
    ((4, 8, 8), (4, 0, 0), {}),          # empty targets
    ((8, 8), (6, 6), {}),                # not 3-D
    ((4, 8, 8), (4, 1, 6, 6), {}),
    ((4, 8, 8), (4, 6, 6), {"steps": -1}),
    ((4, 8, 8), (4, 6, 6), {"lr": 0.0}),
])
def test_learn_filter_rejects_inconsistent_shapes(conv_torch, inputs_shape, targets_shape, kwargs):
    """Does learn_filter raise ValueError for inconsistent shapes or a meaningless steps/lr?"""
    with pytest.raises(ValueError):
        conv_torch.learn_filter(torch.zeros(inputs_shape), torch.zeros(targets_shape), **kwargs)


def test_learn_filter_rejects_integer_inputs(conv_torch):
    """Does an integer input tensor raise ValueError rather than failing inside autograd?"""
    with pytest.raises(ValueError, match="floating"):
        conv_torch.learn_filter(torch.zeros(4, 8, 8, dtype=torch.int64), torch.zeros(4, 6, 6))
