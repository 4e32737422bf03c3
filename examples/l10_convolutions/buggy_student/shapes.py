"""L10 homework - sizes of conv layers and parameter counts."""


def dense_param_count(height, width, channels, units):
    # flatten the image: every pixel of every channel goes to every unit, + 1 bias per unit
    if height <= 0 or width <= 0 or channels <= 0 or units <= 0:
        raise ValueError("height, width, channels and units must all be positive")
    n_inputs = height * width * channels
    return int(n_inputs * units + units)


def output_size(n, f, padding=0, stride=1):
    if n < 1 or f < 1:
        raise ValueError(f"n and f have to be at least 1 (got n={n}, f={f})")
    if stride < 1:
        raise ValueError(f"stride has to be at least 1 (got {stride})")
    if padding < 0:
        raise ValueError(f"padding can't be negative (got {padding})")
    padded = n + 2 * padding
    if f > padded:
        raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {padded}")
    # slide: how many times does the filter fit, jumping `stride` each time
    return int((padded - f) // stride + 1)


def same_padding(f):
    # n + 2p - f + 1 = n  =>  p = (f - 1) / 2, only works for odd f
    if f <= 0 or f % 2 == 0:
        raise ValueError(f"f must be a positive odd number, got {f}")
    return int((f - 1) // 2)


def conv_param_count(f, in_channels, filters):
    # each filter is f x f x in_channels
    return f * f * in_channels * filters


def cnn_output_shapes(input_shape, layers):
    if len(input_shape) != 3:
        raise ValueError("input_shape should be (h, w, c)")
    h, w, c = input_shape
    if h < 1 or w < 1 or c < 1:
        raise ValueError("input_shape values must be positive")
    result = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise ValueError(f"layer {i} should be a dict")
        for key in ["f", "s", "p", "n"]:
            if key not in layer:
                raise ValueError(f"layer {i} has no '{key}'")
        if layer["n"] < 1:
            raise ValueError(f"layer {i} needs at least one filter")
        h = output_size(h, layer["f"], layer["p"], layer["s"])
        w = output_size(w, layer["f"], layer["p"], layer["s"])
        c = int(layer["n"])  # number of filters = channels of the output
        result.append((h, w, c))
    return result
