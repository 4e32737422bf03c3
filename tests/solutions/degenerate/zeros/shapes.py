"""A degenerate submission: every function returns zeros of the right form, computing nothing."""


def dense_param_count(height, width, channels, units):
    return 0


def output_size(n, f, padding=0, stride=1):
    return 0


def same_padding(f):
    return 0


def conv_param_count(f, in_channels, filters):
    return 0


def cnn_output_shapes(input_shape, layers):
    return [(0, 0, 0) for _ in layers]
