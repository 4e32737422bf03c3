"""L10 exercises, part 3: padding, strided convolutions, convolutions over volumes and a conv layer, in NumPy.

Conventions:
- images are channels-last: (H, W) for grey-scale, (H, W, C) for volumes; kernels are (f, f) or
  (f, f, C); a layer's weights are (n_filters, f, f, C) and its biases (n_filters,);
- "convolution" is cross-correlation (no kernel flip), as in the lecture and in PyTorch;
- inputs may be lists or integer arrays: convert them with ``np.asarray(..., dtype=np.float64)``;
  results are new float64 arrays and inputs are never modified;
- the output size along each axis is floor((n + 2p - f) / s) + 1; impossible geometry raises
  ``ValueError`` (only the exception's type is graded);
- the dtype of a result is checked exactly: float64 (zero_pad: the input's dtype).

Python loops over pixels pass (they are not graded here), but vectorised code is shorter and faster:
``np.lib.stride_tricks.sliding_window_view`` gives every f x f window of an array at once; ``np.tensordot``
or ``np.einsum`` then multiplies them with the kernel. Do not use SciPy or ``np.convolve``. Cases that expect
an exception carry at most 10% of an exercise's points, and count only once the function also passes a case
that returns a value.
"""
from __future__ import annotations

import numpy as np


def zero_pad(x: np.ndarray, p: int) -> np.ndarray:
    """Add a border of p zeros around the two spatial axes of an image or volume.

    An (H, W) array becomes (H + 2p, W + 2p); an (H, W, C) array becomes (H + 2p, W + 2p, C) (the
    channel axis is not padded). p = 0 returns the values of x unchanged. x itself is never modified.

    Args:
        x: array of shape (H, W) or (H, W, C).
        p: number of zeros to add on each side (>= 0).

    Returns:
        An array with the same dtype as ``np.asarray(x)`` (checked exactly).

    Raises:
        ValueError: if p is negative.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (H, W) or (H, W, C), got shape {x.shape}")
    if p < 0:
        raise ValueError(f"padding p must not be negative, got p={p}")
    widths = [(p, p), (p, p)] + [(0, 0)] * (x.ndim - 2)
    return np.pad(x, widths, mode="constant", constant_values=0)
    ### END SOLUTION


def conv2d(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Convolution (cross-correlation) of a 2-D image with a 2-D kernel, with padding and stride.

    The image is zero-padded by ``padding`` on each side, then
    out[i, j] = sum over a, b of padded[i * s + a, j * s + b] * kernel[a, b].

    Args:
        image: 2-D array (H, W).
        kernel: 2-D array (f, f) (a rectangular (fh, fw) kernel works the same way).
        padding: zeros added on each side of both spatial axes (>= 0).
        stride: step between two kernel positions (>= 1).

    Returns:
        float64 array of shape (floor((H + 2p - f) / s) + 1, floor((W + 2p - f) / s) + 1).

    Raises:
        ValueError: if the kernel is larger than the padded image, padding < 0 or stride < 1.
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (f, f), got shape {kernel.shape}")
    if stride < 1:
        raise ValueError(f"stride s must be at least 1, got s={stride}")
    if padding < 0:
        raise ValueError(f"padding p must not be negative, got p={padding}")
    if kernel.size == 0:
        raise ValueError(f"kernel must not be empty, got shape {kernel.shape}")
    for n, f in zip(image.shape, kernel.shape):
        if f > n + 2 * padding:
            raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {n + 2 * padding}")
    padded = zero_pad(image, padding)
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.ascontiguousarray(np.tensordot(windows, kernel, axes=([2, 3], [0, 1])), dtype=np.float64)
    ### END SOLUTION


def conv_volume(volume: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """Convolution of a volume (H, W, C) with one filter (f, f, C): a single 2-D output map.

    The filter has as many channels as the volume; at each position the products of all f * f * C
    overlapping values are summed:
    out[i, j] = sum over a, b, c of padded[i * s + a, j * s + b, c] * kernel[a, b, c].

    Args:
        volume: 3-D array (H, W, C).
        kernel: 3-D array (f, f, C) with the same number of channels C.
        padding: zeros added on each side of both spatial axes (>= 0).
        stride: step between two kernel positions (>= 1).

    Returns:
        float64 array of shape (floor((H + 2p - f) / s) + 1, floor((W + 2p - f) / s) + 1).

    Raises:
        ValueError: if the channel counts of volume and kernel differ, the kernel is larger than the
            padded volume, or stride < 1.
    """
    ### BEGIN SOLUTION
    volume = np.asarray(volume, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if volume.ndim != 3:
        raise ValueError(f"volume must be 3-D (H, W, C), got shape {volume.shape}")
    if kernel.ndim != 3:
        raise ValueError(f"kernel must be 3-D (f, f, C), got shape {kernel.shape}")
    if kernel.shape[2] != volume.shape[2]:
        raise ValueError(f"the kernel has {kernel.shape[2]} channels but the volume has {volume.shape[2]}: "
                         "they must be equal")
    if stride < 1:
        raise ValueError(f"stride s must be at least 1, got s={stride}")
    if padding < 0:
        raise ValueError(f"padding p must not be negative, got p={padding}")
    if kernel.size == 0:
        raise ValueError(f"kernel must not be empty, got shape {kernel.shape}")
    for n, f in zip(volume.shape[:2], kernel.shape[:2]):
        if f > n + 2 * padding:
            raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {n + 2 * padding}")
    padded = zero_pad(volume, padding)
    # windows[i, j, c, a, b] = padded[i + a, j + b, c], taken every `stride` positions
    windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape[:2], axis=(0, 1))
    windows = windows[::stride, ::stride]
    return np.ascontiguousarray(np.tensordot(windows, kernel, axes=([3, 4, 2], [0, 1, 2])), dtype=np.float64)
    ### END SOLUTION


def conv_layer_forward(x: np.ndarray, weights: np.ndarray, biases: np.ndarray, padding: int = 0,
                       stride: int = 1, activation: str | None = "relu") -> np.ndarray:
    """Forward pass of a convolutional layer with several filters, a bias per filter and an activation.

    For filter k: z[:, :, k] = conv_volume(x, weights[k], padding, stride) + biases[k] (the bias is added
    once to every output element), then a = ReLU(z) = max(z, 0) when activation is "relu", or a = z when
    activation is None. The outputs of the filters are stacked along the last (channel) axis.

    Args:
        x: input volume (H, W, C).
        weights: filters (n_filters, f, f, C).
        biases: one bias per filter, shape (n_filters,).
        padding: zeros added on each side of both spatial axes (>= 0).
        stride: step between two kernel positions (>= 1).
        activation: "relu" or None.

    Returns:
        float64 array of shape (H', W', n_filters) with H' = floor((H + 2p - f) / s) + 1 and
        W' = floor((W + 2p - f) / s) + 1.

    Raises:
        ValueError: if the channel counts of x and weights differ, or the filters are larger than the
            padded input.
    """
    ### BEGIN SOLUTION
    if activation not in ("relu", None):
        raise ValueError(f'activation must be "relu" or None, got {activation!r}')
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    biases = np.asarray(biases, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"x must be 3-D (H, W, C), got shape {x.shape}")
    if weights.ndim != 4:
        raise ValueError(f"weights must be 4-D (n_filters, f, f, C), got shape {weights.shape}")
    if weights.shape[3] != x.shape[2]:
        raise ValueError(f"the filters have {weights.shape[3]} channels but x has {x.shape[2]}: "
                         "they must be equal")
    if biases.shape != (weights.shape[0],):
        raise ValueError(f"biases must have shape ({weights.shape[0]},), one per filter, got {biases.shape}")
    if stride < 1:
        raise ValueError(f"stride s must be at least 1, got s={stride}")
    if padding < 0:
        raise ValueError(f"padding p must not be negative, got p={padding}")
    if weights.size == 0:
        raise ValueError(f"weights must not be empty, got shape {weights.shape}")
    for n, f in zip(x.shape[:2], weights.shape[1:3]):
        if f > n + 2 * padding:
            raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {n + 2 * padding}")
    # im2col, as in the lecture: every f x f x C window becomes one column, every filter one row, and a
    # single matrix product computes all the filters at all the positions.
    n_filters, fh, fw, channels = weights.shape
    # channels first, then zeros around H and W: a new contiguous (C, H + 2p, W + 2p) array
    padded = np.pad(x.transpose(2, 0, 1), ((0, 0), (padding, padding), (padding, padding)))
    # windows[c, i, j, a, b] = padded[c, i * s + a, j * s + b] (a view: nothing is copied yet)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (fh, fw), axis=(1, 2))[:, ::stride, ::stride]
    out_h, out_w = windows.shape[1:3]
    # columns[(c, a, b), (i, j)]: one column per output pixel, the spatial axes last (as the lecture's
    # W @ columns and torch's unfold); this reshape is the one copy, and it reads the image row by row
    columns = windows.transpose(0, 3, 4, 1, 2).reshape(channels * fh * fw, out_h * out_w)
    rows = weights.transpose(0, 3, 1, 2).reshape(n_filters, channels * fh * fw)  # the same (c, a, b) order
    z = rows @ columns + biases[:, None]  # (n_filters, H' * W'): one bias per filter, added once per pixel
    if activation == "relu":
        z = np.maximum(z, 0.0)
    # back to the exercise's channels-last layout (H', W', n_filters)
    return np.ascontiguousarray(z.reshape(n_filters, out_h, out_w).transpose(1, 2, 0), dtype=np.float64)
    ### END SOLUTION
