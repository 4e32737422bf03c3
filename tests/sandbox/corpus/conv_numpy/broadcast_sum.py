# Broadcasting: windows times kernel, summed over the window axes; stride by slicing the windows.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as windows_of


def conv2d(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    if kernel.size == 0 or kernel.shape[0] > image.shape[0] + 2 * padding or \
            kernel.shape[1] > image.shape[1] + 2 * padding:
        raise ValueError("kernel empty or larger than padded image")
    w = windows_of(np.pad(image, padding, mode="constant"), kernel.shape)[::stride, ::stride]
    return (w * kernel[None, None]).sum(axis=(-2, -1))


def conv_volume(volume: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    volume, kernel = np.asarray(volume, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("volume and kernel must be 3-D")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"volume channels ({volume.shape[2]}) != kernel channels ({kernel.shape[2]})")
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0")
    if kernel.size == 0 or kernel.shape[0] > volume.shape[0] + 2 * padding or \
            kernel.shape[1] > volume.shape[1] + 2 * padding:
        raise ValueError("kernel empty or larger than padded volume")
    padded = np.pad(volume, ((padding, padding), (padding, padding), (0, 0)))
    w = windows_of(padded, kernel.shape)[::stride, ::stride, 0]   # (i, j, a, b, c)
    return (w * kernel).sum(axis=(2, 3, 4))
