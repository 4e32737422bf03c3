"""L10 exercises, part 1: sizes and parameter counts of dense and convolutional layers.

Everything here is integer arithmetic on Python ints; nothing touches an image.

Notation as in the lecture: an image is n x n (or height x width) with c channels, a filter is f x f,
p is the padding (zeros added on each side) and s the stride. Convolution means cross-correlation,
as in PyTorch. Every function returns integers (Python ints; NumPy integers are accepted too, floats are
not) and raises ``ValueError`` when the geometry is impossible (only the exception's type is graded).

The lecture's general rule is (n + 2p - f) / s + 1; when s does not divide n + 2p - f the last incomplete
step does not count (the filter must fit entirely), so the division rounds down: floor((n + 2p - f) / s) + 1.

Cases that expect an exception carry at most 10% of an exercise's points, and count only once the function
also passes a case that returns a value.
"""
from __future__ import annotations

from typing import Mapping, Sequence


def dense_param_count(height: int, width: int, channels: int, units: int) -> int:
    """Number of parameters of a dense layer applied to a flattened image.

    The image (height x width x channels) is flattened into a vector of height*width*channels features;
    a dense layer with ``units`` neurons then has one weight per (feature, unit) pair plus one bias per
    unit: (height * width * channels + 1) * units parameters. This is the "parameter explosion" that
    motivates convolutions.

    Args:
        height: image height in pixels (>= 1).
        width: image width in pixels (>= 1).
        channels: number of channels, e.g. 3 for RGB (>= 1).
        units: number of neurons of the dense layer (>= 1).

    Returns:
        The number of weights plus biases, as an int.

    Raises:
        ValueError: if any argument is smaller than 1.
    """
    ### BEGIN SOLUTION
    for name, value in (("height", height), ("width", width), ("channels", channels), ("units", units)):
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    return int((height * width * channels + 1) * units)
    ### END SOLUTION


def output_size(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    """Size of the output of a convolution along one spatial axis.

    With an input of size n, a filter of size f, padding p on each side and stride s, the output has
    floor((n + 2p - f) / s) + 1 positions (the filter must fit inside the padded input at least once).

    Args:
        n: input size along the axis (>= 1).
        f: filter size along the axis (>= 1).
        padding: number of zeros added on each side (>= 0).
        stride: step between two filter positions (>= 1).

    Returns:
        The output size, as an int, computed with integer arithmetic (//), e.g. output_size(8, 3, stride=2) == 3.

    Raises:
        ValueError: if n, f or stride is smaller than 1, if padding is negative, or if the filter is
            larger than the padded input (f > n + 2p).
    """
    ### BEGIN SOLUTION
    if n < 1:
        raise ValueError(f"input size n must be at least 1, got n={n}")
    if f < 1:
        raise ValueError(f"filter size f must be at least 1, got f={f}")
    if stride < 1:
        raise ValueError(f"stride s must be at least 1, got s={stride}")
    if padding < 0:
        raise ValueError(f"padding p must not be negative, got p={padding}")
    if f > n + 2 * padding:
        raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {n + 2 * padding}")
    return int((n + 2 * padding - f) // stride + 1)
    ### END SOLUTION


def same_padding(f: int) -> int:
    """Padding that keeps the size of the image unchanged by a stride-1 convolution ("same" padding).

    Solving n + 2p - f + 1 = n for p gives p = (f - 1) / 2, an integer only when f is odd.

    Args:
        f: filter size, a positive odd integer.

    Returns:
        The padding p, as an int.

    Raises:
        ValueError: if f is even or smaller than 1.
    """
    ### BEGIN SOLUTION
    if f < 1:
        raise ValueError(f"filter size f must be at least 1, got f={f}")
    if f % 2 == 0:
        raise ValueError(f"same padding needs an odd filter size, got f={f}")
    return int((f - 1) // 2)
    ### END SOLUTION


def conv_param_count(f: int, in_channels: int, filters: int) -> int:
    """Number of parameters of a convolutional layer.

    Each of the ``filters`` filters has f * f * in_channels weights and one bias, so the layer has
    (f * f * in_channels + 1) * filters parameters, whatever the size of the image. For example 10
    filters of 3 x 3 x 3 have (27 + 1) * 10 = 280 parameters.

    Args:
        f: filter size (>= 1); filters are f x f x in_channels.
        in_channels: number of channels of the layer's input (>= 1).
        filters: number of filters of the layer (>= 1).

    Returns:
        The number of weights plus biases, as an int.

    Raises:
        ValueError: if any argument is smaller than 1.
    """
    ### BEGIN SOLUTION
    for name, value in (("f", f), ("in_channels", in_channels), ("filters", filters)):
        if value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value}")
    return int((f * f * in_channels + 1) * filters)
    ### END SOLUTION


def cnn_output_shapes(input_shape: Sequence[int],
                      layers: Sequence[Mapping[str, int]]) -> list[tuple[int, int, int]]:
    """Shapes of the volumes produced by a stack of convolutional layers.

    Layer l turns an (h, w, c) volume into (h', w', n) where h' = output_size(h, f, p, s),
    w' = output_size(w, f, p, s) (height and width computed separately) and n is the layer's number of
    filters. For the lecture's network, input (39, 39, 3) and layers
    {f: 3, s: 1, p: 0, n: 10}, {f: 5, s: 2, p: 0, n: 20}, {f: 5, s: 2, p: 0, n: 40},
    the result is [(37, 37, 10), (17, 17, 20), (7, 7, 40)].

    Args:
        input_shape: (height, width, channels) of the input image, a tuple or a list of 3 positive ints.
        layers: one dict per layer with the keys "f" (filter size), "s" (stride), "p" (padding) and
            "n" (number of filters).

    Returns:
        A list with one (height, width, channels) tuple of ints per layer, in order.

    Raises:
        ValueError: if a layer's geometry is invalid (see ``output_size``) or its n < 1.
    """
    ### BEGIN SOLUTION
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels), got {tuple(input_shape)}")
    h, w, c = (int(v) for v in input_shape)
    if min(h, w, c) < 1:
        raise ValueError(f"input_shape entries must be positive, got {(h, w, c)}")
    shapes = []
    for index, layer in enumerate(layers, start=1):
        if not isinstance(layer, Mapping):
            raise ValueError(f"layer {index} must be a dict with keys f, s, p, n, got {type(layer).__name__}")
        missing = [key for key in ("f", "s", "p", "n") if key not in layer]
        if missing:
            raise ValueError(f"layer {index} is missing the key(s) {', '.join(missing)}")
        if layer["n"] < 1:
            raise ValueError(f"layer {index}: number of filters n must be at least 1, got n={layer['n']}")
        try:
            h = output_size(h, layer["f"], layer["p"], layer["s"])
            w = output_size(w, layer["f"], layer["p"], layer["s"])
        except ValueError as error:
            raise ValueError(f"layer {index}: {error}") from None
        c = int(layer["n"])
        shapes.append((h, w, c))
    return shapes
    ### END SOLUTION
