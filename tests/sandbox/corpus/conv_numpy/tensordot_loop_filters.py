# conv_layer_forward as a Python loop over filters, each a tensordot of the windows with one filter.
from numpy.lib.stride_tricks import sliding_window_view


def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    if activation not in ("relu", None):
        raise ValueError("activation must be 'relu' or None")
    x = np.asarray(x, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    biases = np.asarray(biases, dtype=np.float64)
    if x.ndim != 3 or weights.ndim != 4:
        raise ValueError("x must be (H, W, C) and weights (n, f, f, C)")
    if weights.shape[3] != x.shape[2]:
        raise ValueError("channels differ")
    if biases.shape != (weights.shape[0],):
        raise ValueError("biases must be (n_filters,)")
    if stride < 1 or padding < 0 or weights.size == 0:
        raise ValueError("bad stride, padding or weights")
    if weights.shape[1] > x.shape[0] + 2 * padding or weights.shape[2] > x.shape[1] + 2 * padding:
        raise ValueError("filters larger than the padded input")
    padded = zero_pad(x, padding)
    windows = sliding_window_view(padded, weights.shape[1:3], axis=(0, 1))[::stride, ::stride]  # (i, j, c, a, b)
    maps = []
    for k in range(weights.shape[0]):
        maps.append(np.tensordot(windows, weights[k].transpose(2, 0, 1), axes=3) + biases[k])
    z = np.dstack(maps)
    if activation == "relu":
        z[z < 0] = 0.0
    return z
