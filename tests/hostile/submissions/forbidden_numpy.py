# module: filters
# Right answers through numpy.correlate, which the NumPy convolutions may not use.
import numpy as _np


def conv2d_single(image, kernel):
    image, kernel = _np.asarray(image, dtype=float), _np.asarray(kernel, dtype=float)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError("the kernel is larger than the image")
    rows = image.shape[0] - kernel.shape[0] + 1
    return _np.array([sum(_np.correlate(image[i + a], kernel[a], mode="valid") for a in range(kernel.shape[0]))
                      for i in range(rows)])
