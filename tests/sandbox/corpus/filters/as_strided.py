# Windows built by hand with as_strided (read-only view), multiplied and summed.
import numpy
from numpy.lib.stride_tricks import as_strided


def _windows(a, fh, fw):
    oh, ow = a.shape[0] - fh + 1, a.shape[1] - fw + 1
    s0, s1 = a.strides
    return as_strided(a, shape=(oh, ow, fh, fw), strides=(s0, s1, s0, s1), writeable=False)


def conv2d_single(image, kernel):
    image = numpy.ascontiguousarray(image, dtype=numpy.float64)
    kernel = numpy.asarray(kernel, dtype=numpy.float64)
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2:
        raise ValueError("kernel must be 2-D")
    if kernel.size == 0:
        raise ValueError("kernel is empty")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("kernel is larger than the image")
    windows = _windows(image, *kernel.shape)
    return (windows * kernel).sum(axis=(2, 3))
