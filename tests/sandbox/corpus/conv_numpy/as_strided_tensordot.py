# Windows by as_strided, products by tensordot; zero_pad by hand with zeros and a slice assignment.
from numpy.lib import stride_tricks


def zero_pad(x, p):
    x = np.asarray(x)
    if x.ndim not in (2, 3) or p < 0:
        raise ValueError("x must be 2-D or 3-D and p >= 0")
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p) + x.shape[2:], dtype=x.dtype)
    out[p:p + x.shape[0], p:p + x.shape[1]] = x
    return out


def _strided(x, fh, fw, s):
    oh, ow = (x.shape[0] - fh) // s + 1, (x.shape[1] - fw) // s + 1
    st = x.strides
    return stride_tricks.as_strided(x, (oh, ow, fh, fw) + x.shape[2:],
                                    (st[0] * s, st[1] * s, st[0], st[1]) + st[2:], writeable=False)


def _checks(shape, fshape, padding, stride):
    if stride < 1:
        raise ValueError("stride < 1")
    if padding < 0:
        raise ValueError("padding < 0")
    if 0 in fshape:
        raise ValueError("empty kernel")
    if fshape[0] > shape[0] + 2 * padding or fshape[1] > shape[1] + 2 * padding:
        raise ValueError("kernel larger than the padded input")


def conv2d(image, kernel, padding=0, stride=1):
    image, kernel = np.asarray(image, np.float64), np.asarray(kernel, np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("expected 2-D arrays")
    _checks(image.shape, kernel.shape, padding, stride)
    windows = _strided(np.ascontiguousarray(zero_pad(image, padding)), *kernel.shape, stride)
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))


def conv_volume(volume, kernel, padding=0, stride=1):
    volume, kernel = np.asarray(volume, np.float64), np.asarray(kernel, np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("expected 3-D arrays")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"volume channels {volume.shape[2]} != kernel channels {kernel.shape[2]}")
    _checks(volume.shape, kernel.shape, padding, stride)
    windows = _strided(np.ascontiguousarray(zero_pad(volume, padding)), kernel.shape[0], kernel.shape[1], stride)
    return np.tensordot(windows, kernel, axes=3)


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation != "relu" and activation is not None:
        raise ValueError("bad activation")
    x, weights, biases = (np.asarray(v, np.float64) for v in (x, weights, biases))
    if x.ndim != 3 or weights.ndim != 4:
        raise ValueError("bad dimensions")
    if x.shape[2] != weights.shape[3]:
        raise ValueError("channels differ")
    if biases.shape != (len(weights),):
        raise ValueError("bad biases")
    _checks(x.shape, weights.shape[1:], padding, stride)
    windows = _strided(np.ascontiguousarray(zero_pad(x, padding)), weights.shape[1], weights.shape[2], stride)
    z = np.tensordot(windows, weights, axes=([2, 3, 4], [1, 2, 3])) + biases
    return np.where(z > 0, z, 0.0) if activation == "relu" else z
