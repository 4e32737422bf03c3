# module: conv_numpy
# Right values except one NaN.
_reference = conv2d


def conv2d(image, kernel, padding=0, stride=1):
    out = _reference(image, kernel, padding, stride)
    out.flat[0] = float("nan")
    return out
