"""L10 homework - convolutions in numpy (padding, stride, volumes, a conv layer)."""
import numpy as np


def zero_pad(x, p):
    x = np.asarray(x)
    if p < 0:
        raise ValueError("p can't be negative")
    if x.ndim == 2:
        h, w = x.shape
        out = np.zeros((h + 2 * p, w + 2 * p), dtype=x.dtype)
        out[p:p + h, p:p + w] = x
    elif x.ndim == 3:
        h, w, c = x.shape
        out = np.zeros((h + 2 * p, w + 2 * p, c), dtype=x.dtype)
        out[p:p + h, p:p + w, :] = x
    else:
        raise ValueError(f"expected a 2D or 3D array, got {x.ndim}D")
    return out


def conv2d(image, kernel, padding=0, stride=1):
    img = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("image must be 2D")
    if k.ndim != 2:
        raise ValueError("kernel must be 2D")
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if padding < 0:
        raise ValueError("padding must be >= 0")
    fh, fw = k.shape
    if fh == 0 or fw == 0:
        raise ValueError("kernel is empty")
    if fh > img.shape[0] + 2 * padding or fw > img.shape[1] + 2 * padding:
        raise ValueError(f"filter size f={max(fh, fw)} is larger than the padded input")
    padded = zero_pad(img, padding)
    out_h = (padded.shape[0] - fh) // stride + 1
    out_w = (padded.shape[1] - fw) // stride + 1
    out = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            top, left = r * stride, c * stride
            out[r, c] = np.sum(padded[top:top + fh, left:left + fw] * k)
    return out


def conv_volume(volume, kernel, padding=0, stride=1):
    vol = np.asarray(volume, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if vol.ndim != 3 or k.ndim != 3:
        raise ValueError("volume and kernel must both be 3D (H, W, C)")
    if vol.shape[2] != k.shape[2]:
        raise ValueError(f"channels don't match: volume has {vol.shape[2]}, kernel has {k.shape[2]}")
    if stride < 1 or padding < 0:
        raise ValueError("need stride >= 1 and padding >= 0")
    fh, fw = k.shape[0], k.shape[1]
    if fh == 0 or fw == 0:
        raise ValueError("kernel is empty")
    if fh > vol.shape[0] + 2 * padding or fw > vol.shape[1] + 2 * padding:
        raise ValueError("kernel doesn't fit in the padded volume")
    padded = zero_pad(vol, padding)
    out_h = (padded.shape[0] - fh) // stride + 1
    out_w = (padded.shape[1] - fw) // stride + 1
    out = np.zeros((out_h, out_w))
    for r in range(out_h):
        for c in range(out_w):
            # all channels at once
            piece = padded[r * stride:r * stride + fh, c * stride:c * stride + fw, :]
            out[r, c] = np.sum(piece * k)
    return out


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation != "relu" and activation is not None:
        raise ValueError(f"unknown activation {activation}")
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    biases = np.asarray(biases, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError("x must be (H, W, C)")
    if weights.ndim != 4:
        raise ValueError("weights must be (n_filters, f, f, C)")
    if weights.shape[3] != x.shape[2]:
        raise ValueError(f"weights have {weights.shape[3]} channels, x has {x.shape[2]}")
    if biases.shape != (weights.shape[0],):
        raise ValueError("need exactly one bias per filter")
    maps = []
    for i in range(weights.shape[0]):
        z = conv_volume(x, weights[i], padding, stride) + biases[i]
        maps.append(z)
    out = np.stack(maps, axis=-1)
    if activation == "relu":
        out = np.maximum(out, 0)
    return out
