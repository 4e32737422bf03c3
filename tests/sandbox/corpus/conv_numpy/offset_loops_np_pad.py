# Loops over kernel offsets with slicing; np.pad for the border; volumes channel by channel; a layer filter by
# filter, each through the function before it.
def _geometry(shape, fshape, padding, stride):
    if stride < 1:
        raise ValueError(f"stride must be >= 1, got {stride}")
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    if 0 in fshape:
        raise ValueError("empty kernel")
    for n, f in zip(shape, fshape):
        if f > n + 2 * padding:
            raise ValueError(f"kernel {f} larger than padded input {n + 2 * padding}")
    return [(n + 2 * padding - f) // stride + 1 for n, f in zip(shape, fshape)]


def conv2d(image, kernel, padding: int = 0, stride: int = 1):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("image and kernel must be 2-D")
    oh, ow = _geometry(image.shape, kernel.shape, padding, stride)
    padded = np.pad(image, padding)
    out = np.zeros((oh, ow))
    for a in range(kernel.shape[0]):
        for b in range(kernel.shape[1]):
            out += kernel[a, b] * padded[a:a + stride * (oh - 1) + 1:stride, b:b + stride * (ow - 1) + 1:stride]
    return out


def conv_volume(volume, kernel, padding: int = 0, stride: int = 1):
    volume = np.asarray(volume, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("volume and kernel must be 3-D")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"channels differ: volume {volume.shape[2]}, kernel {kernel.shape[2]}")
    _geometry(volume.shape[:2], kernel.shape, padding, stride)
    return sum(conv2d(volume[:, :, c], kernel[:, :, c], padding, stride) for c in range(volume.shape[2]))


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation not in ("relu", None):
        raise ValueError(f"unknown activation {activation}")
    x, weights, biases = (np.asarray(a, dtype=np.float64) for a in (x, weights, biases))
    if x.ndim != 3 or weights.ndim != 4:
        raise ValueError("x must be 3-D and weights 4-D")
    if weights.shape[3] != x.shape[2]:
        raise ValueError("channel counts differ")
    if biases.shape != (weights.shape[0],):
        raise ValueError("one bias per filter")
    _geometry(x.shape[:2], weights.shape[1:], padding, stride)
    maps = [conv_volume(x, w, padding, stride) + b for w, b in zip(weights, biases)]
    z = np.stack(maps, axis=-1)
    return np.maximum(z, 0) if activation == "relu" else z
