"""Convolution forward passes against torch.nn.functional.conv2d: time, GFLOP/s and the ratio to F.conv2d.

Each implementation is a function ``(x, weight, bias, padding) -> (N, F, H', W') float tensor`` on NCHW
tensors, stride 1, so that all of them are timed and checked the same way. Converting the inputs to what an
implementation takes (channels-last float64 NumPy arrays for the NumPy reference) happens once, outside the
timed region; converting the result back is not timed either.
"""
from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions" / "l10_convolutions"

# (N, C, H, W, F, k): a CIFAR-like first layer, a small middle layer, and a ResNet-like 56x56 layer.
SHAPES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (8, 3, 32, 32, 16, 3),
    (32, 16, 32, 32, 32, 3),
    (16, 64, 56, 56, 64, 3),
)
PADDING = 1  # "same" padding for k = 3; stride is always 1
MATMUL_SIZE = 2048  # the ceiling: a MATMUL_SIZE x MATMUL_SIZE matrix product
NAIVE_MAX_FLOPS = 2 * 8 * 16 * 3 * 3 * 3 * 32 * 32  # the naive loop runs on the smallest shape only


def load_solution(name: str) -> ModuleType:
    """A module of solutions/l10_convolutions (not a package), loaded by path under a private name."""
    qualified = f"_bench_ref_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, SOLUTIONS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


# ---- the implementations ---------------------------------------------------------------------------------------

def naive_conv2d(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, padding: int) -> np.ndarray:
    """The textbook loop, one output pixel at a time: NCHW float64 arrays in, (N, F, H', W') out."""
    n, _, h, w = x.shape
    filters, _, k, _ = weight.shape
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.empty((n, filters, h + 2 * padding - k + 1, w + 2 * padding - k + 1))
    for b in range(n):
        for f in range(filters):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[b, f, i, j] = np.sum(padded[b, :, i:i + k, j:j + k] * weight[f]) + bias[f]
    return out


@dataclass(frozen=True)
class Impl:
    """One row of the kernel table."""

    name: str
    """What the row shows, e.g. "NumPy reference (im2col)"."""
    dtype: str
    """The dtype it computes in ("float32", "float64")."""
    prepare: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], tuple]
    """NCHW tensors -> the arguments of ``run`` (not timed)."""
    run: Callable[..., object]
    """The timed call."""
    to_nchw: Callable[[object], torch.Tensor]
    """Its result -> an (N, F, H', W') tensor, for the agreement check (not timed)."""
    naive: bool = False
    """Too slow for the large shapes: run on the smallest shape only."""


def implementations(device: torch.device) -> list[Impl]:
    """F.conv2d (the baseline, first) and the implementations compared with it, on ``device``."""
    conv_numpy = load_solution("conv_numpy")
    conv_torch = load_solution("conv_torch")

    def torch_args(dtype: torch.dtype):
        return lambda x, w, b: (x.to(device, dtype), w.to(device, dtype), b.to(device, dtype))

    def numpy_channels_last(x, w, b):  # the exercise's layout: one (H, W, C) volume, weights (F, k, k, C)
        return (x.permute(0, 2, 3, 1).double().numpy().copy(), w.permute(0, 2, 3, 1).double().numpy().copy(),
                b.double().numpy().copy())

    def numpy_reference(x, w, b):  # conv_layer_forward takes one volume: loop over the batch, not the pixels
        return np.stack([conv_numpy.conv_layer_forward(volume, w, b, PADDING, 1, activation=None) for volume in x])

    impls = [
        Impl("F.conv2d", "float32", torch_args(torch.float32),
             lambda x, w, b: F.conv2d(x, w, b, padding=PADDING), lambda out: out),
        Impl("torch reference (unfold + matmul)", "float32", torch_args(torch.float32),
             lambda x, w, b: conv_torch.conv2d_forward_torch(x, w, b, stride=1, padding=PADDING), lambda out: out),
    ]
    if device.type == "cpu":
        impls += [
            Impl("F.conv2d", "float64", torch_args(torch.float64),
                 lambda x, w, b: F.conv2d(x, w, b, padding=PADDING), lambda out: out),
            Impl("NumPy reference (im2col)", "float64", numpy_channels_last, numpy_reference,
                 lambda out: torch.from_numpy(out).permute(0, 3, 1, 2)),
            Impl("naive pixel loop (NumPy)", "float64",
                 lambda x, w, b: (x.double().numpy(), w.double().numpy(), b.double().numpy()),
                 lambda x, w, b: naive_conv2d(x, w, b, PADDING), torch.from_numpy, naive=True),
        ]
    return impls


# ---- timing ----------------------------------------------------------------------------------------------------

def _timer(device: torch.device | None) -> Callable[[Callable[[], object]], float]:
    """A function timing one call, with CUDA synchronised before and after it."""
    sync = torch.cuda.synchronize if device is not None and device.type == "cuda" else (lambda: None)

    def timed(call: Callable[[], object]) -> float:
        sync()
        start = time.perf_counter()
        call()
        sync()
        return time.perf_counter() - start

    return timed


def median_seconds(call: Callable[[], object], repeats: int, warmup: int = 1, device: torch.device | None = None):
    """The median wall time of ``repeats`` calls after ``warmup`` untimed ones."""
    timed = _timer(device)
    for _ in range(warmup):
        timed(call)
    return statistics.median(timed(call) for _ in range(repeats))


def interleaved_medians(calls: list[Callable[[], object]], repeats: int, device: torch.device | None = None,
                        min_seconds: float = 0.0, max_rounds: int = 200) -> list[float]:
    """The median wall time of each call, after one warm-up each, timing them in turn (a, b, c, a, b, c, ...) so
    that a machine that gets busier or quieter during the run slows all of them alike. At least ``repeats``
    rounds, more (up to ``max_rounds``) until the rounds took ``min_seconds``: fast calls get many samples,
    so that a few stalls on a busy machine do not move their median."""
    timed = _timer(device)
    for call in calls:
        timed(call)
    times: list[list[float]] = [[] for _ in calls]
    spent_in_all = 0.0
    while len(times[0]) < repeats or (spent_in_all < min_seconds and len(times[0]) < max_rounds):
        for call, spent in zip(calls, times):
            spent.append(timed(call))
            spent_in_all += spent[-1]
    return [statistics.median(spent) for spent in times]


def conv_flops(n: int, c: int, h: int, w: int, f: int, k: int, padding: int = PADDING) -> int:
    """Multiply-adds x 2 of a stride-1 convolution: 2 * N * F * C * k * k * H' * W'."""
    out_h, out_w = h + 2 * padding - k + 1, w + 2 * padding - k + 1
    return 2 * n * f * c * k * k * out_h * out_w


def matmul_gflops(device: torch.device, size: int | None = None, repeats: int = 5, dtype=torch.float32) -> float:
    """The matrix-multiply rate, size x size @ size x size: the ceiling of any im2col convolution."""
    size = size or MATMUL_SIZE
    a = torch.randn(size, size, device=device, dtype=dtype)
    b = torch.randn(size, size, device=device, dtype=dtype)
    seconds = median_seconds(lambda: a @ b, repeats, warmup=2, device=device)
    return 2 * size**3 / seconds / 1e9


@dataclass(frozen=True)
class Row:
    """One measured implementation at one shape."""

    device: str
    shape: tuple[int, int, int, int, int, int]
    name: str
    dtype: str
    seconds: float
    gflops: float
    ratio: float
    """seconds / seconds of F.conv2d in the same dtype on the same device (1.0 for F.conv2d itself)."""
    ratio_f32: float
    """seconds / seconds of F.conv2d float32 on the same device."""
    max_error: float
    """max |out - F.conv2d(float64)| over the output."""


def measure(device: torch.device, shapes=None, repeats: int = 5, seed: int = 0, check: bool = True,
            min_seconds: float = 0.0) -> list[Row]:
    """Time every implementation at every shape (default: SHAPES) on ``device``, in turn (interleaved_medians,
    at least ``repeats`` rounds and ``min_seconds``);
    the naive loop, separately and at most 3 times without warm-up, only at shapes no larger (in flops) than
    the smallest benchmark shape."""
    rows = []
    shapes = SHAPES if shapes is None else shapes
    generator = torch.Generator().manual_seed(seed)
    for shape in shapes:
        n, c, h, w, f, k = shape
        x = torch.randn(n, c, h, w, generator=generator)
        weight = torch.randn(f, c, k, k, generator=generator)
        bias = torch.randn(f, generator=generator)
        expected = F.conv2d(x.double(), weight.double(), bias.double(), padding=PADDING)
        flops = conv_flops(*shape)
        impls = [impl for impl in implementations(device) if not (impl.naive and flops > NAIVE_MAX_FLOPS)]
        calls = [(lambda impl=impl, args=impl.prepare(x, weight, bias): impl.run(*args)) for impl in impls]
        fast = [i for i, impl in enumerate(impls) if not impl.naive]
        seconds = dict(zip(fast, interleaved_medians([calls[i] for i in fast], repeats, device,
                                                       min_seconds=min_seconds)))
        for i, impl in enumerate(impls):
            if impl.naive:
                seconds[i] = median_seconds(calls[i], max(1, min(repeats, 3)), warmup=0, device=device)
        baseline = {impl.dtype: seconds[i] for i, impl in enumerate(impls) if impl.name == "F.conv2d"}
        for i, impl in enumerate(impls):
            error = float("nan")
            if check:
                got = impl.to_nchw(calls[i]()).to("cpu", torch.float64)
                error = float((got - expected).abs().max())
            rows.append(Row(device.type, shape, impl.name, impl.dtype, seconds[i], flops / seconds[i] / 1e9,
                            seconds[i] / baseline[impl.dtype], seconds[i] / baseline["float32"], error))
    return rows
