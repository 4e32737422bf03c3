"""L10 known mistakes: small wrong implementations of the exercises, one misconception each.

Trusted instructor code, run on the grading host only (autograder/diagnose.py): when a student's answer is
wrong, the grader runs the mistakes an exercise lists (`mistakes:` in assignment.yaml) on the same inputs and
names the one whose output the student's matches. Never copied into the student stubs.

Each function takes the same parameters as the exercise it imitates, validates its input as the reference
does (so that it raises, and is then no match, where the reference raises) and differs from the reference in
exactly one way, named in its docstring.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

# ---- shapes.py ----------------------------------------------------------------------------------------------


def _check_positive(**values: int) -> None:
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")


def dense_bias_forgotten(height: int, width: int, channels: int, units: int) -> int:
    """Weights only: height * width * channels * units, no bias per unit."""
    _check_positive(height=height, width=width, channels=channels, units=units)
    return int(height * width * channels * units)


def dense_bias_per_weight(height: int, width: int, channels: int, units: int) -> int:
    """A bias for every weight instead of one per unit: 2 * height * width * channels * units."""
    _check_positive(height=height, width=width, channels=channels, units=units)
    return int(2 * height * width * channels * units)


def _check_geometry(n: int, f: int, padding: int, stride: int) -> None:
    if n < 1 or f < 1 or stride < 1 or padding < 0 or f > n + 2 * padding:
        raise ValueError(f"invalid geometry n={n}, f={f}, p={padding}, s={stride}")


def output_size_ceil(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Rounds up: ceil((n + 2p - f) / s) + 1, counting a last incomplete step."""
    _check_geometry(n, f, padding, stride)
    return int(math.ceil((n + 2 * padding - f) / stride) + 1)


def output_size_no_plus_one(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Forgets the first position: floor((n + 2p - f) / s)."""
    _check_geometry(n, f, padding, stride)
    return int((n + 2 * padding - f) // stride)


def output_size_padding_once(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Pads one side only: floor((n + p - f) / s) + 1."""
    _check_geometry(n, f, padding, stride)
    return int((n + padding - f) // stride + 1)


def same_padding_even_accepted(f: int) -> int:
    """No check for an even f: returns (f - 1) // 2 where the size cannot be kept."""
    _check_positive(f=f)
    return int((f - 1) // 2)


def same_padding_even_halved(f: int) -> int:
    """No check for an even f, and p = f // 2 (the same as (f - 1) / 2 for odd f)."""
    _check_positive(f=f)
    return int(f // 2)


def conv_bias_forgotten(f: int, in_channels: int, filters: int) -> int:
    """Weights only: f * f * in_channels * filters, no bias per filter."""
    _check_positive(f=f, in_channels=in_channels, filters=filters)
    return int(f * f * in_channels * filters)


def conv_bias_per_weight(f: int, in_channels: int, filters: int) -> int:
    """A bias for every weight instead of one per filter: 2 * f * f * in_channels * filters."""
    _check_positive(f=f, in_channels=in_channels, filters=filters)
    return int(2 * f * f * in_channels * filters)


def output_size_padding_ignored(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Leaves the padding out: floor((n - f) / s) + 1."""
    _check_geometry(n, f, padding, stride)
    return int((n - f) // stride + 1)


def output_size_stride_ignored(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Leaves the stride out, as if s = 1: n + 2p - f + 1."""
    _check_geometry(n, f, padding, stride)
    return int(n + 2 * padding - f + 1)


def conv_channels_forgotten(f: int, in_channels: int, filters: int) -> int:
    """A filter as f x f only, without the depth of its input: (f * f + 1) * filters."""
    _check_positive(f=f, in_channels=in_channels, filters=filters)
    return int((f * f + 1) * filters)


def _cnn_shapes(input_shape: Sequence[int], layers: Sequence[Mapping[str, int]],
                size=lambda n, f, p, s: (n + 2 * p - f) // s + 1,
                order=lambda h, w, n: (h, w, n)) -> list[tuple[int, int, int]]:
    """cnn_output_shapes with its input checks, each layer's size computed by `size` and each shape written by
    `order`: the one place a shape mistake bends."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {tuple(input_shape)}")
    h, w, c = (int(v) for v in input_shape)
    if min(h, w, c) < 1:
        raise ValueError(f"input_shape entries must be positive, got {(h, w, c)}")
    shapes = []
    for layer in layers:
        if not isinstance(layer, Mapping) or any(key not in layer for key in "fspn") or layer["n"] < 1:
            raise ValueError(f"invalid layer {layer!r}")
        for dim in (h, w):
            _check_geometry(dim, layer["f"], layer["p"], layer["s"])
        h, w = (int(size(dim, layer["f"], layer["p"], layer["s"])) for dim in (h, w))
        if min(h, w) < 1:  # the mistake's own sizes ran out: no shape to write
            raise ValueError(f"a size below 1 ({h} x {w})")
        shapes.append(tuple(int(v) for v in order(h, w, layer["n"])))
    return shapes


def cnn_shapes_height_width_swapped(input_shape: Sequence[int],
                                    layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Reads the input as (width, height, channels): every shape comes out as (w', h', n)."""
    return _cnn_shapes(input_shape, layers, order=lambda h, w, n: (w, h, n))


def cnn_shapes_channels_first(input_shape: Sequence[int],
                              layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Writes each shape channels-first, as PyTorch does: (n, h', w') instead of (h', w', n)."""
    return _cnn_shapes(input_shape, layers, order=lambda h, w, n: (n, h, w))


def cnn_shapes_ceil(input_shape: Sequence[int], layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Rounds each layer's size up: ceil((n + 2p - f) / s) + 1."""
    return _cnn_shapes(input_shape, layers, size=lambda n, f, p, s: math.ceil((n + 2 * p - f) / s) + 1)


def cnn_shapes_padding_once(input_shape: Sequence[int],
                            layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Pads one side only at each layer: floor((n + p - f) / s) + 1."""
    return _cnn_shapes(input_shape, layers, size=lambda n, f, p, s: (n + p - f) // s + 1)


def cnn_shapes_padding_ignored(input_shape: Sequence[int],
                               layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Leaves the padding out at each layer: floor((n - f) / s) + 1."""
    return _cnn_shapes(input_shape, layers, size=lambda n, f, p, s: (n - f) // s + 1)


def cnn_shapes_stride_ignored(input_shape: Sequence[int],
                              layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Leaves the stride out at each layer, as if s = 1: n + 2p - f + 1."""
    return _cnn_shapes(input_shape, layers, size=lambda n, f, p, s: n + 2 * p - f + 1)


def cnn_shapes_no_plus_one(input_shape: Sequence[int],
                           layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Forgets the first position at each layer: floor((n + 2p - f) / s)."""
    return _cnn_shapes(input_shape, layers, size=lambda n, f, p, s: (n + 2 * p - f) // s)


# ---- filters.py and conv_numpy.py: one windowed sum, bent in one place per mistake ---------------------------

def _as_float(*arrays: np.ndarray) -> list[np.ndarray]:
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _check_conv(image: np.ndarray, kernel_hw: tuple[int, ...], padding: int, stride: int) -> None:
    if stride < 1 or padding < 0 or 0 in kernel_hw:
        raise ValueError(f"invalid stride {stride}, padding {padding} or kernel {kernel_hw}")
    for n, f in zip(image.shape[:2], kernel_hw):
        if f > n + 2 * padding:
            raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {n + 2 * padding}")


def _windows(x: np.ndarray, size: tuple[int, int], padding: int, stride: int) -> np.ndarray:
    """windows[i, j, ..., a, b] = padded[i*s + a, j*s + b, ...]."""
    widths = [(padding, padding)] * 2 + [(0, 0)] * (x.ndim - 2)
    padded = np.pad(x, widths)
    return np.lib.stride_tricks.sliding_window_view(padded, size, axis=(0, 1))[::stride, ::stride]


def _conv2d(image: np.ndarray, kernel: np.ndarray, padding: int, stride: int) -> np.ndarray:
    image, kernel = _as_float(image, kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D, got {image.shape} and {kernel.shape}")
    _check_conv(image, kernel.shape, padding, stride)
    windows = _windows(image, kernel.shape, padding, stride)
    return np.ascontiguousarray(np.tensordot(windows, kernel, axes=([2, 3], [0, 1])), dtype=np.float64)


def _conv_volume(volume: np.ndarray, kernel: np.ndarray, padding: int, stride: int) -> np.ndarray:
    volume, kernel = _as_float(volume, kernel)
    if volume.ndim != 3 or kernel.ndim != 3 or kernel.shape[2] != volume.shape[2]:
        raise ValueError(f"volume (H, W, C) and kernel (f, f, C) do not fit: {volume.shape}, {kernel.shape}")
    _check_conv(volume, kernel.shape[:2], padding, stride)
    windows = _windows(volume, kernel.shape[:2], padding, stride)  # (H', W', C, f, f)
    return np.ascontiguousarray(np.tensordot(windows, kernel, axes=([3, 4, 2], [0, 1, 2])), dtype=np.float64)


def apply_filter_at_flipped(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> float:
    """True convolution: the kernel rotated by 180 degrees before the weighted sum."""
    image, kernel = _as_float(image, kernel)
    if image.ndim != 2 or kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"bad image {image.shape} or kernel {kernel.shape}")
    r = kernel.shape[0] // 2
    if not (r <= row < image.shape[0] - r and r <= col < image.shape[1] - r):
        raise ValueError(f"the neighbourhood of ({row}, {col}) leaves the image")
    return float(np.sum(image[row - r:row + r + 1, col - r:col + r + 1] * kernel[::-1, ::-1]))


def apply_filter_at_top_left(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> float:
    """The window anchored at (row, col) as its top-left corner, not centred on it: image[row:row+f, col:col+f]."""
    image, kernel = _as_float(image, kernel)
    if image.ndim != 2 or kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"bad image {image.shape} or kernel {kernel.shape}")
    f, r = kernel.shape[0], kernel.shape[0] // 2
    if not (r <= row < image.shape[0] - r and r <= col < image.shape[1] - r):
        raise ValueError(f"the neighbourhood of ({row}, {col}) leaves the image")
    window = image[row:row + f, col:col + f]
    if window.shape != kernel.shape:  # the anchored window runs off the image where the centred one does not
        raise ValueError("the window leaves the image")
    return float(np.sum(window * kernel))


def conv2d_single_flipped(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """True convolution: the kernel rotated by 180 degrees."""
    return _conv2d(image, np.asarray(kernel, dtype=np.float64)[::-1, ::-1], 0, 1)


def conv2d_flipped(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """True convolution: the kernel rotated by 180 degrees."""
    return _conv2d(image, np.asarray(kernel, dtype=np.float64)[::-1, ::-1], padding, stride)


def conv2d_padding_ignored(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Never pads: the valid convolution, whatever `padding`."""
    _check_conv(np.asarray(image), np.shape(kernel), padding, stride)
    return _conv2d(image, kernel, 0, stride)


def conv2d_stride_ignored(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Always steps by one pixel, whatever `stride`."""
    _check_conv(np.asarray(image), np.shape(kernel), padding, stride)
    return _conv2d(image, kernel, padding, 1)


def conv2d_stride_in_window_ignored(image: np.ndarray, kernel: np.ndarray, padding: int = 0,
                                    stride: int = 1) -> np.ndarray:
    """The output size counts the stride, but window (i, j) starts at (i, j) instead of (i*s, j*s): the first
    H' x W' values of the stride-1 result."""
    height, width = _conv2d(image, kernel, padding, stride).shape
    return np.ascontiguousarray(_conv2d(image, kernel, padding, 1)[:height, :width])


def conv_volume_flipped(volume: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """True convolution: the kernel rotated by 180 degrees in the spatial axes."""
    return _conv_volume(volume, np.asarray(kernel, dtype=np.float64)[::-1, ::-1, :], padding, stride)


def conv_volume_padding_ignored(volume: np.ndarray, kernel: np.ndarray, padding: int = 0,
                                stride: int = 1) -> np.ndarray:
    """Never pads."""
    _check_conv(np.asarray(volume), np.shape(kernel)[:2], padding, stride)
    return _conv_volume(volume, kernel, 0, stride)


def conv_volume_stride_ignored(volume: np.ndarray, kernel: np.ndarray, padding: int = 0,
                               stride: int = 1) -> np.ndarray:
    """Always steps by one pixel."""
    _check_conv(np.asarray(volume), np.shape(kernel)[:2], padding, stride)
    return _conv_volume(volume, kernel, padding, 1)


def conv_volume_stride_in_window_ignored(volume: np.ndarray, kernel: np.ndarray, padding: int = 0,
                                         stride: int = 1) -> np.ndarray:
    """The right output size, windows starting at (i, j) instead of (i*s, j*s)."""
    height, width = _conv_volume(volume, kernel, padding, stride).shape
    return np.ascontiguousarray(_conv_volume(volume, kernel, padding, 1)[:height, :width])


def conv_volume_kernel_channels_first(volume: np.ndarray, kernel: np.ndarray, padding: int = 0,
                                      stride: int = 1) -> np.ndarray:
    """Reads the (f, f, C) kernel as channels-first (C, f, f), as PyTorch stores it; only runs when C == f."""
    kernel = np.asarray(kernel, dtype=np.float64)
    if kernel.ndim != 3 or kernel.shape[0] != kernel.shape[2]:
        raise ValueError("a channels-first reading needs C == f")
    return _conv_volume(volume, np.transpose(kernel, (1, 2, 0)), padding, stride)


def conv_volume_channels_not_summed(volume: np.ndarray, kernel: np.ndarray, padding: int = 0,
                                    stride: int = 1) -> np.ndarray:
    """Sums over the window but not over the channels: one map per channel, (H', W', C), instead of one (H', W')."""
    volume, kernel = _as_float(volume, kernel)
    if volume.ndim != 3 or kernel.ndim != 3 or kernel.shape[2] != volume.shape[2]:
        raise ValueError(f"volume (H, W, C) and kernel (f, f, C) do not fit: {volume.shape}, {kernel.shape}")
    _check_conv(volume, kernel.shape[:2], padding, stride)
    windows = _windows(volume, kernel.shape[:2], padding, stride)  # (H', W', C, f, f)
    return np.ascontiguousarray(np.einsum("ijcab,abc->ijc", windows, kernel), dtype=np.float64)


# ---- conv_layer_forward ---------------------------------------------------------------------------------------

def _layer(x: np.ndarray, weights: np.ndarray, biases: np.ndarray, padding: int, stride: int,
           activation: str | None, *, flip: bool = False, pad: bool = True, step: bool = True,
           weights_channels_first: bool = False, output_channels_first: bool = False,
           relu_first: bool = False, relu: bool = True, bias_times_window: bool = False,
           bias: bool = True, im2col_weight_order: bool = False) -> np.ndarray:
    """The reference layer, with each keyword switching one mistake on."""
    if activation not in ("relu", None):
        raise ValueError(f'activation must be "relu" or None, got {activation!r}')
    x, weights, biases = _as_float(x, weights, biases)
    if x.ndim != 3 or weights.ndim != 4 or weights.shape[3] != x.shape[2] or biases.shape != weights.shape[:1]:
        raise ValueError(f"x {x.shape}, weights {weights.shape} and biases {biases.shape} do not fit")
    _check_conv(x, weights.shape[1:3], padding, stride)
    if weights_channels_first:
        if weights.shape[1] != weights.shape[3]:
            raise ValueError("a channels-first reading needs C == f")
        weights = np.transpose(weights, (0, 2, 3, 1))
    if im2col_weight_order:  # rows flattened in (a, b, c) order, multiplied with columns in (c, a, b) order
        n_filters, fh, fw, channels = weights.shape
        weights = weights.reshape(n_filters, channels, fh, fw).transpose(0, 2, 3, 1)
    if flip:
        weights = weights[:, ::-1, ::-1, :]
    windows = _windows(x, weights.shape[1:3], padding if pad else 0, stride if step else 1)
    z = np.tensordot(windows, weights, axes=([3, 4, 2], [1, 2, 3]))  # (H', W', n_filters)
    if activation == "relu" and relu_first:
        z = np.maximum(z, 0.0)
    if bias:
        z = z + biases * (weights[0].size if bias_times_window else 1)
    if activation == "relu" and relu and not relu_first:
        z = np.maximum(z, 0.0)
    if output_channels_first:
        z = np.transpose(z, (2, 0, 1))
    return np.ascontiguousarray(z, dtype=np.float64)


def conv_layer_flipped(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """True convolution: every filter rotated by 180 degrees in the spatial axes."""
    return _layer(x, weights, biases, padding, stride, activation, flip=True)


def conv_layer_padding_ignored(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """Never pads."""
    return _layer(x, weights, biases, padding, stride, activation, pad=False)


def conv_layer_stride_ignored(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """Always steps by one pixel."""
    return _layer(x, weights, biases, padding, stride, activation, step=False)


def conv_layer_stride_in_window_ignored(x, weights, biases, padding: int = 0, stride: int = 1,
                                        activation="relu"):
    """The right output size, windows starting at (i, j) instead of (i*s, j*s)."""
    height, width = _layer(x, weights, biases, padding, stride, activation).shape[:2]
    return np.ascontiguousarray(_layer(x, weights, biases, padding, stride, activation, step=False)[:height, :width])


def conv_layer_weights_channels_first(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """Reads the (n, f, f, C) weights as PyTorch's (n, C, f, f); only runs when C == f."""
    return _layer(x, weights, biases, padding, stride, activation, weights_channels_first=True)


def conv_layer_output_channels_first(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """Stacks the filters' maps first: (n_filters, H', W') instead of (H', W', n_filters)."""
    return _layer(x, weights, biases, padding, stride, activation, output_channels_first=True)


def conv_layer_relu_before_bias(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """ReLU on the sums, then the bias: max(conv, 0) + b instead of max(conv + b, 0)."""
    return _layer(x, weights, biases, padding, stride, activation, relu_first=True)


def conv_layer_relu_missing(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """No ReLU even when activation is "relu"."""
    return _layer(x, weights, biases, padding, stride, activation, relu=False)


def conv_layer_bias_per_element(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """The bias added inside the sum over the window: f * f * C times instead of once."""
    return _layer(x, weights, biases, padding, stride, activation, bias_times_window=True)


def conv_layer_bias_forgotten(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """The biases are never added: max(conv, 0) instead of max(conv + b, 0)."""
    return _layer(x, weights, biases, padding, stride, activation, bias=False)


def conv_layer_im2col_weight_order(x, weights, biases, padding: int = 0, stride: int = 1, activation="relu"):
    """im2col with the weights flattened as they are stored, (n_filters, f, f, C), while the columns hold each
    window in (C, f, f) order: weights.reshape(n_filters, -1) @ columns pairs the wrong values."""
    return _layer(x, weights, biases, padding, stride, activation, im2col_weight_order=True)


# ---- conv_torch.py --------------------------------------------------------------------------------------------

def _torch_layer(x, weight, bias, stride: int, padding: int, *, flip: bool = False, pad: bool = True,
                 step: bool = True, bias_times_window: bool = False, use_bias: bool = True,
                 im2col_weight_order: bool = False):
    """The reference forward pass (torch's own conv2d: trusted code may use it), bent by one keyword."""
    import torch
    import torch.nn.functional as F

    if x.dim() != 4 or weight.dim() != 4 or weight.shape[1] != x.shape[1]:
        raise ValueError(f"x {tuple(x.shape)} and weight {tuple(weight.shape)} do not fit")
    if stride < 1 or padding < 0 or weight.shape[2] > x.shape[2] + 2 * padding \
            or weight.shape[3] > x.shape[3] + 2 * padding:
        raise ValueError("invalid geometry")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(f"bias must be None or have shape ({weight.shape[0]},)")
    weight = weight.to(dtype=x.dtype, device=x.device)
    if im2col_weight_order:  # rows flattened in (a, b, c) order, columns (F.unfold) in (c, a, b) order
        filters, channels, kh, kw = weight.shape
        weight = weight.permute(0, 2, 3, 1).reshape(filters, channels, kh, kw)
    if flip:
        weight = torch.flip(weight, dims=(2, 3))
    if not use_bias:
        bias = None
    if bias is not None:
        bias = bias.to(dtype=x.dtype, device=x.device) * (weight[0].numel() if bias_times_window else 1)
    return F.conv2d(x, weight, bias, stride=stride if step else 1, padding=padding if pad else 0).contiguous()


def conv2d_torch_flipped(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """True convolution: the kernels rotated by 180 degrees."""
    return _torch_layer(x, weight, bias, stride, padding, flip=True)


def conv2d_torch_padding_ignored(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """Never pads."""
    return _torch_layer(x, weight, bias, stride, padding, pad=False)


def conv2d_torch_stride_ignored(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """Always steps by one pixel."""
    return _torch_layer(x, weight, bias, stride, padding, step=False)


def conv2d_torch_stride_in_window_ignored(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """The right output size, windows starting at (i, j) instead of (i*s, j*s)."""
    height, width = _torch_layer(x, weight, bias, stride, padding).shape[2:]
    return _torch_layer(x, weight, bias, stride, padding, step=False)[:, :, :height, :width].contiguous()


def conv2d_torch_bias_per_element(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """The bias added inside the sum over the window: C * k * k times instead of once."""
    return _torch_layer(x, weight, bias, stride, padding, bias_times_window=True)


def conv2d_torch_bias_forgotten(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """The bias is never added."""
    return _torch_layer(x, weight, bias, stride, padding, use_bias=False)


def conv2d_torch_im2col_weight_order(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """im2col with the weights flattened as (F, k, k, C) (weight.permute(0, 2, 3, 1)), while the columns of
    unfold hold each patch in (C, k, k) order."""
    return _torch_layer(x, weight, bias, stride, padding, im2col_weight_order=True)


def conv2d_torch_pixel_loop(x, weight, bias=None, stride: int = 1, padding: int = 0):
    """Right but slow (the speed case's `slow`): a Python loop over the output pixels, one small matrix product
    each, as a student who has not met im2col writes it."""
    import torch
    import torch.nn.functional as F

    filters, channels, kh, kw = weight.shape
    if channels != x.shape[1] or stride < 1 or padding < 0 or kh > x.shape[2] + 2 * padding \
            or kw > x.shape[3] + 2 * padding:
        raise ValueError("the geometry does not fit")
    padded = F.pad(x, (padding, padding, padding, padding))
    out_h = (padded.shape[2] - kh) // stride + 1
    out_w = (padded.shape[3] - kw) // stride + 1
    flat = weight.to(dtype=x.dtype, device=x.device).reshape(filters, -1)
    out = torch.zeros(x.shape[0], filters, out_h, out_w, dtype=x.dtype, device=x.device)
    for i in range(out_h):
        for j in range(out_w):
            patch = padded[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw].reshape(x.shape[0], -1)
            out[:, :, i, j] = patch @ flat.T
    if bias is not None:
        out = out + bias.to(dtype=x.dtype, device=x.device).reshape(1, filters, 1, 1)
    return out
