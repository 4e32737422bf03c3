# sliding_window_view under a short alias, then einsum.
from numpy.lib.stride_tricks import sliding_window_view as swv


def conv2d_single(image, kernel) -> np.ndarray:
    x = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if x.ndim != 2 or k.ndim != 2:
        raise ValueError(f"expected 2-D image and kernel, got {x.shape} and {k.shape}")
    if k.size == 0 or k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError("the kernel must be non-empty and fit inside the image")
    return np.einsum("ijab,ab->ij", swv(x, k.shape), k)
