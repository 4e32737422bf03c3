# Plain loops over output pixels (slow, but correct), with math.floor for the output size.
import math
import os  # left over from reading files while testing


def conv2d(image, kernel, padding: int = 0, stride: int = 1):
    image = np.array(image, dtype=np.float64)
    kernel = np.array(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("need 2-D image and kernel")
    if stride < 1 or padding < 0:
        raise ValueError("invalid stride or padding")
    if kernel.size == 0:
        raise ValueError("empty kernel")
    f_h, f_w = kernel.shape
    if f_h > image.shape[0] + 2 * padding or f_w > image.shape[1] + 2 * padding:
        raise ValueError("kernel larger than padded image")
    padded = zero_pad(image, padding)
    out_h = math.floor((image.shape[0] + 2 * padding - f_h) / stride) + 1
    out_w = math.floor((image.shape[1] + 2 * padding - f_w) / stride) + 1
    result = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride, j * stride
            result[i, j] = np.sum(padded[r:r + f_h, c:c + f_w] * kernel)
    return result


def conv_volume(volume, kernel, padding: int = 0, stride: int = 1):
    volume = np.array(volume, dtype=np.float64)
    kernel = np.array(kernel, dtype=np.float64)
    if volume.ndim != 3 or kernel.ndim != 3:
        raise ValueError("need 3-D volume and kernel")
    if volume.shape[2] != kernel.shape[2]:
        raise ValueError(f"{volume.shape[2]} channels in the volume, {kernel.shape[2]} in the kernel")
    if stride < 1 or padding < 0 or kernel.size == 0:
        raise ValueError("invalid stride, padding or kernel")
    f_h, f_w, _ = kernel.shape
    if f_h > volume.shape[0] + 2 * padding or f_w > volume.shape[1] + 2 * padding:
        raise ValueError("kernel larger than padded volume")
    padded = zero_pad(volume, padding)
    out_h = (volume.shape[0] + 2 * padding - f_h) // stride + 1
    out_w = (volume.shape[1] + 2 * padding - f_w) // stride + 1
    result = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            result[i, j] = np.sum(padded[i * stride:i * stride + f_h, j * stride:j * stride + f_w, :] * kernel)
    return result


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation not in ["relu", None]:
        raise ValueError("activation")
    x = np.array(x, dtype=np.float64)
    weights = np.array(weights, dtype=np.float64)
    biases = np.array(biases, dtype=np.float64)
    if x.ndim != 3 or weights.ndim != 4 or weights.shape[3] != x.shape[2]:
        raise ValueError("shapes")
    if biases.shape != (weights.shape[0],):
        raise ValueError("biases")
    out = None
    for k in range(weights.shape[0]):
        z = conv_volume(x, weights[k], padding, stride) + biases[k]
        if out is None:
            out = np.zeros(z.shape + (weights.shape[0],))
        out[:, :, k] = z
    if out is None:  # no filters: let conv_volume-like checks decide the shape
        raise ValueError("weights must not be empty")
    if activation == "relu":
        out = np.maximum(out, 0.0)
    return out
