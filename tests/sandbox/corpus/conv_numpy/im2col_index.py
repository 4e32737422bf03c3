# im2col with explicit index arrays and one matrix product, as in the lecture's W @ X.
def _im2col(padded, fh, fw, stride):
    h, w = padded.shape[:2]
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    i = (np.arange(oh) * stride)[:, None] + np.arange(fh)[None, :]   # (oh, fh)
    j = (np.arange(ow) * stride)[:, None] + np.arange(fw)[None, :]   # (ow, fw)
    cols = padded[i[:, None, :, None], j[None, :, None, :]]            # (oh, ow, fh, fw, ...)
    return cols.reshape(oh * ow, -1), (oh, ow)


def _check(shape, fshape, p, s):
    if s < 1:
        raise ValueError("stride must be positive")
    if p < 0:
        raise ValueError("padding must be non-negative")
    if not all(fshape) or any(f > n + 2 * p for n, f in zip(shape, fshape)):
        raise ValueError("kernel empty or larger than the padded input")


def conv2d(image, kernel, padding=0, stride=1):
    image, kernel = np.asarray(image, np.float64), np.asarray(kernel, np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("2-D")
    _check(image.shape, kernel.shape, padding, stride)
    cols, (oh, ow) = _im2col(zero_pad(image, padding), *kernel.shape, stride)
    return (cols @ kernel.reshape(-1)).reshape(oh, ow)


def conv_volume(volume, kernel, padding=0, stride=1):
    volume, kernel = np.asarray(volume, np.float64), np.asarray(kernel, np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("3-D")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"channels: volume {volume.shape[2]}, kernel {kernel.shape[2]}")
    _check(volume.shape[:2], kernel.shape[:2], padding, stride)
    cols, (oh, ow) = _im2col(zero_pad(volume, padding), kernel.shape[0], kernel.shape[1], stride)
    return (cols @ kernel.reshape(-1)).reshape(oh, ow)


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation not in ("relu", None):
        raise ValueError("activation must be relu or None")
    x, weights, biases = np.asarray(x, np.float64), np.asarray(weights, np.float64), np.asarray(biases, np.float64)
    if x.ndim != 3 or weights.ndim != 4 or weights.shape[3] != x.shape[2] or biases.shape != (weights.shape[0],):
        raise ValueError("x, weights and biases do not fit together")
    _check(x.shape[:2], weights.shape[1:3], padding, stride)
    cols, (oh, ow) = _im2col(zero_pad(x, padding), weights.shape[1], weights.shape[2], stride)
    z = cols @ weights.reshape(weights.shape[0], -1).T + biases      # (oh*ow, n_filters)
    z = z.reshape(oh, ow, -1)
    return np.maximum(z, 0) if activation == "relu" else z
