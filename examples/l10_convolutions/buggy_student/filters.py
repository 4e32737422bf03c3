"""L10 homework - filters on grey images."""
import numpy as np


def apply_filter_at(image, kernel, row, col):
    img = np.array(image, dtype=float)
    k = np.array(kernel, dtype=float)
    if img.ndim != 2:
        raise ValueError("image must be 2D")
    if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] % 2 != 1:
        raise ValueError("kernel must be square with odd size")
    half = k.shape[0] // 2
    if row - half < 0 or col - half < 0 or row + half >= img.shape[0] or col + half >= img.shape[1]:
        raise ValueError("the neighbourhood goes outside the image")
    total = 0.0
    for i in range(k.shape[0]):
        for j in range(k.shape[1]):
            total += img[row - half + i, col - half + j] * k[i, j]
    return float(total)


def conv2d_single(image, kernel):
    img = np.array(image, dtype=np.float64)
    k = np.array(kernel, dtype=np.float64)
    if img.ndim != 2 or k.ndim != 2:
        raise ValueError("image and kernel must be 2D")
    kh, kw = k.shape
    if kh == 0 or kw == 0:
        raise ValueError("kernel is empty")
    if kh > img.shape[0] or kw > img.shape[1]:
        raise ValueError("kernel is bigger than the image")
    out = np.zeros((img.shape[0] - kh + 1, img.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(img[i:i + kh, j:j + kw] * k)
    return out


def edge_kernels():
    vert = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=np.float64)
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float64)
    scharr = np.array([[3, 0, -3], [10, 0, -10], [3, 0, -3]], dtype=np.float64)
    # horizontal versions are just the transposes
    return {
        "vertical": vert,
        "horizontal": vert.T.copy(),
        "sobel_vertical": sobel,
        "sobel_horizontal": sobel.T.copy(),
        "scharr_vertical": scharr,
        "scharr_horizontal": scharr.T.copy(),
    }
