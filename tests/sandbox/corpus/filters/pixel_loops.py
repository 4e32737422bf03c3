# Two loops over output pixels, a third and fourth over the kernel: the textbook definition.
import math
from typing import Sequence


def conv2d_single(image: Sequence[Sequence[float]] | np.ndarray, kernel: np.ndarray) -> np.ndarray:
    img = np.array(image, dtype=np.float64)
    ker = np.array(kernel, dtype=np.float64)
    if img.ndim != 2 or ker.ndim != 2:
        raise ValueError("image and kernel must both be 2-D")
    if ker.size == 0:
        raise ValueError("empty kernel")
    fh, fw = ker.shape
    if fh > img.shape[0] or fw > img.shape[1]:
        raise ValueError(f"kernel {ker.shape} larger than image {img.shape}")
    out = np.zeros((img.shape[0] - fh + 1, img.shape[1] - fw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = 0.0
            for a in range(fh):
                for b in range(fw):
                    total += img[i + a, j + b] * ker[a, b]
            out[i, j] = total
    return out
