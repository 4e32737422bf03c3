"""L10 exercises, part 2: filters (kernels) on a single grey-scale image.

Images and kernels are 2-D NumPy arrays indexed [row, column]; lists of lists and integer arrays are
accepted as input and converted to float64. "Convolution" means cross-correlation, as in the lecture and
in PyTorch: the kernel is laid over the image as it is, without flipping it. Returned arrays are float64
and new (inputs are never modified; the dtype is checked exactly). Impossible geometry raises ``ValueError``
(only the exception's type is graded).

A typo in the slides: the blur filter is printed with one weight as 0.0125; it is 0.0625 = 1/16, so the
filter is [[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16 and its weights sum to 1. The single-pixel example also
shows 144 left of 161 where the image has 244: with 244 the pixel becomes 177.75 (178 on the slide).

Python loops over pixels are allowed here and pass; cases that expect an exception carry at most 10% of an
exercise's points, and count only once the function also passes a case that returns a value.
"""
from __future__ import annotations

import numpy as np


def apply_filter_at(image: np.ndarray, kernel: np.ndarray, row: int, col: int) -> float:
    """Apply a filter to one pixel: the weighted sum of its neighbourhood.

    With an f x f kernel (f odd, r = (f - 1) / 2) the result is
    sum over i, j of image[row - r + i, col - r + j] * kernel[i, j]; with the lecture's 5 x 5 image and
    blur filter, the pixel at (1, 1) becomes 177.75.

    Args:
        image: 2-D array (H, W).
        kernel: 2-D array (f, f) with f odd.
        row: row index of the centre pixel.
        col: column index of the centre pixel.

    Returns:
        The weighted sum, as a float.

    Raises:
        ValueError: if the kernel's size is even, or the neighbourhood of (row, col) does not lie
            entirely inside the image.
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.shape[0] % 2 == 0:
        raise ValueError(f"kernel must be square with an odd size (f, f), got shape {kernel.shape}")
    r = kernel.shape[0] // 2
    height, width = image.shape
    if not (r <= row < height - r and r <= col < width - r):
        raise ValueError(f"the {kernel.shape[0]}x{kernel.shape[0]} neighbourhood of ({row}, {col}) "
                         f"leaves the {height}x{width} image")
    patch = image[row - r:row + r + 1, col - r:col + r + 1]
    return float(np.sum(patch * kernel))
    ### END SOLUTION


def conv2d_single(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Valid convolution (cross-correlation) of a 2-D image with a 2-D kernel, stride 1, no padding.

    out[i, j] = sum over a, b of image[i + a, j + b] * kernel[a, b], for every position where the
    kernel fits entirely inside the image. The lecture's 5 x 5 image and blur filter give a 3 x 3 image
    starting with 177.75, 175.375.

    Args:
        image: 2-D array (H, W).
        kernel: 2-D array (fh, fw), usually square (f, f); 1 <= fh <= H, 1 <= fw <= W.

    Returns:
        float64 array of shape (H - fh + 1, W - fw + 1).

    Raises:
        ValueError: if the kernel is larger than the image along an axis.
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (H, W), got shape {image.shape}")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be 2-D (f, f), got shape {kernel.shape}")
    if kernel.size == 0:
        raise ValueError(f"kernel must not be empty, got shape {kernel.shape}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel of shape {kernel.shape} is larger than the image of shape {image.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)  # (H', W', fh, fw)
    return np.ascontiguousarray(np.tensordot(windows, kernel, axes=([2, 3], [0, 1])), dtype=np.float64)
    ### END SOLUTION


def edge_kernels() -> dict[str, np.ndarray]:
    """The lecture's hand-designed 3 x 3 edge-detection kernels.

    - "vertical":  rows [1, 0, -1], [1, 0, -1], [1, 0, -1]
    - "sobel_vertical":  rows [1, 0, -1], [2, 0, -2], [1, 0, -1]
    - "scharr_vertical":  rows [3, 0, -3], [10, 0, -10], [3, 0, -3]
    - "horizontal", "sobel_horizontal", "scharr_horizontal": the transposes of the vertical ones
      (so "horizontal" has rows [1, 1, 1], [0, 0, 0], [-1, -1, -1]).

    Returns:
        A dict with exactly those six keys; each value is a new float64 array of shape (3, 3).
    """
    ### BEGIN SOLUTION
    vertical = {
        "": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
        "sobel_": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
        "scharr_": [[3, 0, -3], [10, 0, -10], [3, 0, -3]],
    }
    kernels = {}
    for prefix, rows in vertical.items():
        kernel = np.array(rows, dtype=np.float64)
        kernels[f"{prefix}vertical"] = kernel
        kernels[f"{prefix}horizontal"] = np.ascontiguousarray(kernel.T)
    return kernels
    ### END SOLUTION
