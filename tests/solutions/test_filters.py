"""The reference filters.py: a filter at one pixel, valid convolution of an image, edge kernels."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

LECTURE_BLURRED = [[178, 175, 216], [141, 133, 183], [106, 117, 167]]


def torch_valid(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """F.conv2d of one float64 2-D image with one 2-D kernel (stride 1, no padding)."""
    x = torch.from_numpy(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.from_numpy(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w)[0, 0].numpy()


# --- apply_filter_at ---------------------------------------------------------------------------------

def test_apply_filter_at_lecture_pixel(filters, lecture_image, blur_kernel):
    """Does blurring the lecture's pixel 161 at (1, 1) give exactly 177.75, as a Python float?"""
    got = filters.apply_filter_at(lecture_image, blur_kernel, 1, 1)
    assert got == 177.75 and type(got) is float


def test_apply_filter_at_every_interior_pixel(filters, lecture_image, blur_kernel):
    """Does apply_filter_at at each interior pixel give the lecture's transformed image (rounded)?"""
    got = [[filters.apply_filter_at(lecture_image, blur_kernel, r, c) for c in range(1, 4)] for r in range(1, 4)]
    assert np.array_equal(np.round(got), LECTURE_BLURRED)
    assert got[0][1] == 175.375


def test_apply_filter_at_lists_and_5x5_kernel(filters):
    """Does it accept lists and a 5x5 kernel (the weighted sum of the whole 5x5 neighbourhood)?"""
    image = np.arange(49, dtype=np.int64).reshape(7, 7)
    kernel = np.arange(25, dtype=np.float64).reshape(5, 5) / 10
    expected = float(np.sum(image[1:6, 2:7] * kernel))
    assert filters.apply_filter_at(image.tolist(), kernel.tolist(), 3, 4) == pytest.approx(expected, rel=1e-12)


def test_apply_filter_at_1x1_kernel_scales_the_pixel(filters, lecture_image):
    """Is a 1x1 kernel just the pixel times the weight, even on the border?"""
    assert filters.apply_filter_at(lecture_image, [[2.0]], 0, 4) == 488.0


def test_apply_filter_at_does_not_flip_the_kernel(filters):
    """Is it cross-correlation (kernel laid as it is) rather than a flipped convolution?"""
    image = np.zeros((3, 3))
    image[0, 0] = 1.0
    kernel = np.arange(9.0).reshape(3, 3)
    assert filters.apply_filter_at(image, kernel, 1, 1) == kernel[0, 0]


@pytest.mark.parametrize("row, col", [(0, 0), (0, 2), (2, 0), (4, 4), (1, 4), (-1, 2), (5, 2)])
def test_apply_filter_at_rejects_neighbourhood_outside(filters, lecture_image, blur_kernel, row, col):
    """Does a neighbourhood that leaves the image raise ValueError?"""
    with pytest.raises(ValueError, match="leaves"):
        filters.apply_filter_at(lecture_image, blur_kernel, row, col)


@pytest.mark.parametrize("kernel", [np.ones((2, 2)), np.ones((4, 4)), np.ones((3, 5)), np.ones(3), np.ones((3, 3, 1))])
def test_apply_filter_at_rejects_bad_kernels(filters, lecture_image, kernel):
    """Does a kernel that is not square with an odd size raise ValueError?"""
    with pytest.raises(ValueError, match="kernel"):
        filters.apply_filter_at(lecture_image, kernel, 2, 2)


@pytest.mark.parametrize("image", [np.ones(5), np.ones((5, 5, 3))])
def test_apply_filter_at_rejects_non_2d_images(filters, image, blur_kernel):
    """Does an image that is not 2-D raise ValueError?"""
    with pytest.raises(ValueError, match="image"):
        filters.apply_filter_at(image, blur_kernel, 2, 2)


# --- conv2d_single -----------------------------------------------------------------------------------

def test_conv2d_single_lecture_blur(filters, lecture_image, blur_kernel):
    """Does blurring the lecture's 5x5 image give [[178,175,216],[141,133,183],[106,117,167]] (rounded)?"""
    got = filters.conv2d_single(lecture_image, blur_kernel)
    assert got.shape == (3, 3) and got.dtype == np.float64
    assert np.array_equal(np.round(got), LECTURE_BLURRED)
    assert got[0, 0] == 177.75 and got[0, 1] == 175.375


def test_conv2d_single_vertical_edge(filters):
    """Does the vertical kernel light up the middle of a bright-left/dark-right 6x6 image (0, 30, 30, 0)?"""
    image = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    got = filters.conv2d_single(image, filters.edge_kernels()["vertical"])
    assert np.array_equal(got, np.array([[0, 30, 30, 0]] * 4, dtype=np.float64))
    horizontal = filters.conv2d_single(image.T, filters.edge_kernels()["horizontal"])
    assert np.array_equal(horizontal, got.T)


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 12), w=st.integers(1, 12), fh=st.integers(1, 5), fw=st.integers(1, 5),
       seed=st.integers(0, 2**32 - 1))
def test_conv2d_single_matches_torch(filters, h, w, fh, fw, seed):
    """Does conv2d_single match F.conv2d on random images and (possibly rectangular) kernels?"""
    if fh > h or fw > w:
        return
    rng = np.random.default_rng(seed)
    image, kernel = rng.normal(size=(h, w)), rng.normal(size=(fh, fw))
    got = filters.conv2d_single(image, kernel)
    assert got.shape == (h - fh + 1, w - fw + 1) and got.dtype == np.float64
    np.testing.assert_allclose(got, torch_valid(image, kernel), rtol=1e-10, atol=1e-12)


def test_conv2d_single_integer_inputs_and_no_mutation(filters, lecture_image):
    """Do integer arrays and lists give float64 results, leaving the inputs unchanged?"""
    image = lecture_image.copy()
    kernel = [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
    got = filters.conv2d_single(image, kernel)
    assert got.dtype == np.float64
    assert np.array_equal(image, lecture_image) and kernel == [[1, 0, -1], [1, 0, -1], [1, 0, -1]]
    np.testing.assert_allclose(got, torch_valid(lecture_image, kernel))


def test_conv2d_single_kernel_as_large_as_image(filters, lecture_image):
    """Is a kernel the size of the image a single weighted sum (1x1 output)?"""
    got = filters.conv2d_single(lecture_image, np.ones((5, 5)))
    assert got.shape == (1, 1) and got[0, 0] == lecture_image.sum()


@pytest.mark.parametrize("image, kernel", [
    (np.ones((3, 3)), np.ones((5, 5))),
    (np.ones((3, 8)), np.ones((4, 2))),
    (np.ones((8, 3)), np.ones((2, 4))),
    (np.ones(5), np.ones((3, 3))),
    (np.ones((5, 5, 3)), np.ones((3, 3))),
    (np.ones((5, 5)), np.ones(3)),
    (np.ones((5, 5)), np.ones((3, 3, 1))),
    (np.ones((5, 5)), np.ones((0, 0))),
])
def test_conv2d_single_rejects_invalid_geometry(filters, image, kernel):
    """Does a kernel larger than the image, an empty kernel or a non-2-D input raise ValueError?"""
    with pytest.raises(ValueError):
        filters.conv2d_single(image, kernel)


# --- edge_kernels ------------------------------------------------------------------------------------

def test_edge_kernels_values(filters):
    """Are the six kernels the lecture's vertical, Sobel and Scharr kernels and their transposes?"""
    k = filters.edge_kernels()
    assert set(k) == {"vertical", "horizontal", "sobel_vertical", "sobel_horizontal",
                      "scharr_vertical", "scharr_horizontal"}
    assert np.array_equal(k["vertical"], [[1, 0, -1], [1, 0, -1], [1, 0, -1]])
    assert np.array_equal(k["horizontal"], [[1, 1, 1], [0, 0, 0], [-1, -1, -1]])
    assert np.array_equal(k["sobel_vertical"], [[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    assert np.array_equal(k["scharr_vertical"], [[3, 0, -3], [10, 0, -10], [3, 0, -3]])
    for name in ("", "sobel_", "scharr_"):
        assert np.array_equal(k[f"{name}horizontal"], k[f"{name}vertical"].T)
    for value in k.values():
        assert type(value) is np.ndarray and value.shape == (3, 3) and value.dtype == np.float64


def test_edge_kernels_are_fresh_arrays(filters):
    """Does each call return new arrays, so that changing one does not change the next call's?"""
    first = filters.edge_kernels()
    for value in first.values():
        value[...] = 99.0
    second = filters.edge_kernels()
    assert second["vertical"][0, 0] == 1.0 and second["scharr_horizontal"][1, 1] == 0.0
    assert not any(np.shares_memory(a, b) for a in second.values() for b in second.values() if a is not b)


def test_edge_kernels_sum_to_zero(filters):
    """Do all edge kernels give 0 on a flat image (their weights sum to zero)?"""
    flat = np.full((6, 6), 7.0)
    for kernel in filters.edge_kernels().values():
        assert np.array_equal(filters.conv2d_single(flat, kernel), np.zeros((4, 4)))
