# A small class holding the kernel, a dataclass for the geometry, and a demo block.
from dataclasses import dataclass


@dataclass(frozen=True)
class _Geometry:
    padding: int
    stride: int

    def check(self, shape, fshape):
        if self.stride < 1 or self.padding < 0:
            raise ValueError("stride must be >= 1 and padding >= 0")
        if min(fshape) == 0:
            raise ValueError("empty kernel")
        if max(f - n - 2 * self.padding for n, f in zip(shape, fshape)) > 0:
            raise ValueError("kernel larger than padded input")

    def out(self, n, f):
        return (n + 2 * self.padding - f) // self.stride + 1


class _Filter:
    def __init__(self, kernel):
        self._kernel = np.asarray(kernel, dtype=np.float64)
        self._cache = {}

    def __call__(self, padded, geometry, out_h, out_w):
        fh, fw = self._kernel.shape[:2]
        s = geometry.stride
        out = np.empty((out_h, out_w))
        for i in range(out_h):
            rows = padded[i * s:i * s + fh]
            for j in range(out_w):
                out[i, j] = np.vdot(rows[:, j * s:j * s + fw], self._kernel)
        return out


def conv2d(image, kernel, padding=0, stride=1):
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or np.ndim(kernel) != 2:
        raise ValueError("image and kernel must be 2-D")
    g = _Geometry(padding, stride)
    g.check(image.shape, np.shape(kernel))
    f = _Filter(kernel)
    return f(zero_pad(image, padding), g, g.out(image.shape[0], np.shape(kernel)[0]),
             g.out(image.shape[1], np.shape(kernel)[1]))


def conv_volume(volume, kernel, padding=0, stride=1):
    volume, kernel = np.asarray(volume, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("volume and kernel must be 3-D")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"volume has {volume.shape[2]} channels but kernel has {kernel.shape[2]}")
    g = _Geometry(padding, stride)
    g.check(volume.shape[:2], kernel.shape)
    return _Filter(kernel)(zero_pad(volume, padding), g, g.out(volume.shape[0], kernel.shape[0]),
                           g.out(volume.shape[1], kernel.shape[1]))


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation not in ("relu", None):
        raise ValueError("activation must be 'relu' or None")
    x, weights, biases = np.asarray(x, np.float64), np.asarray(weights, np.float64), np.asarray(biases, np.float64)
    if x.ndim != 3 or weights.ndim != 4 or weights.shape[3] != x.shape[2]:
        raise ValueError("x and weights do not match")
    if biases.shape != (weights.shape[0],):
        raise ValueError("biases must be (n_filters,)")
    g = _Geometry(padding, stride)
    g.check(x.shape[:2], weights.shape[1:])
    z = np.stack([conv_volume(x, w, padding, stride) + b for w, b in zip(weights, biases)], axis=2)
    return np.maximum(z, 0) if activation == "relu" else z


if __name__ == "__main__":
    print(conv2d(np.arange(25.0).reshape(5, 5), np.ones((3, 3)) / 9, padding=1))
