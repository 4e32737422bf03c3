# `import numpy` without an alias, the sliding window by its full path, tensordot.
import numpy


def conv2d_single(image, kernel):
    image = numpy.asarray(image, dtype=numpy.float64)
    kernel = numpy.asarray(kernel, dtype=numpy.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    if kernel.size == 0 or numpy.any(numpy.array(kernel.shape) > numpy.array(image.shape)):
        raise ValueError("kernel must be non-empty and no larger than the image")
    windows = numpy.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return numpy.tensordot(windows, kernel, axes=2)
