"""A degenerate submission: zeros of the right shape and dtype, computing nothing."""
import numpy as np


def _size(n, f, padding, stride):
    return max((n + 2 * padding - f) // max(stride, 1) + 1, 0)


def zero_pad(x, p):
    x = np.asarray(x)
    return np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p) + x.shape[2:], dtype=x.dtype)


def conv2d(image, kernel, padding=0, stride=1):
    (h, w), (fh, fw) = np.shape(image), np.shape(kernel)
    return np.zeros((_size(h, fh, padding, stride), _size(w, fw, padding, stride)))


def conv_volume(volume, kernel, padding=0, stride=1):
    (h, w, _), (fh, fw, _) = np.shape(volume), np.shape(kernel)
    return np.zeros((_size(h, fh, padding, stride), _size(w, fw, padding, stride)))


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    (h, w, _), (n, fh, fw, _) = np.shape(x), np.shape(weights)
    return np.zeros((_size(h, fh, padding, stride), _size(w, fw, padding, stride), n))
