"""The reference shapes.py: parameter counts, output sizes, same padding and a CNN's shapes."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

LECTURE_LAYERS = [{"f": 3, "s": 1, "p": 0, "n": 10},
                  {"f": 5, "s": 2, "p": 0, "n": 20},
                  {"f": 5, "s": 2, "p": 0, "n": 40}]


# --- dense_param_count -------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    ((1, 1, 1, 1), 2),
    ((28, 28, 1, 10), (784 + 1) * 10),
    ((39, 39, 3, 100), (39 * 39 * 3 + 1) * 100),
    ((1000, 1000, 3, 1000), 3_000_001_000),
])
def test_dense_param_count_values(shapes, args, expected):
    """Does dense_param_count give (h*w*c + 1)*units as a Python int?"""
    got = shapes.dense_param_count(*args)
    assert got == expected and type(got) is int


def test_dense_param_count_matches_torch_linear(shapes):
    """Does dense_param_count agree with the parameters of a torch.nn.Linear on the flattened image?"""
    layer = torch.nn.Linear(5 * 4 * 3, 7)
    assert shapes.dense_param_count(5, 4, 3, 7) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("args", [(0, 5, 3, 10), (5, 0, 3, 10), (5, 5, 0, 10), (5, 5, 3, 0), (-1, 5, 3, 10)])
def test_dense_param_count_rejects_non_positive(shapes, args):
    """Does dense_param_count raise ValueError when an argument is not positive?"""
    with pytest.raises(ValueError, match="positive"):
        shapes.dense_param_count(*args)


# --- output_size -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    ((6, 3), 4),            # (n x n) * (f x f) = n - f + 1
    ((5, 3), 3),
    ((5, 3, 1), 5),         # padding keeps the lecture's 5 x 5 image 5 x 5
    ((7, 3, 0, 2), 3),
    ((6, 3, 0, 2), 2),      # floor((6 - 3) / 2) + 1
    ((39, 3, 0, 1), 37),
    ((37, 5, 0, 2), 17),
    ((17, 5, 0, 2), 7),
    ((1, 1), 1),
    ((1, 3, 1), 1),
    ((3, 5, 1, 3), 1),
])
def test_output_size_values(shapes, args, expected):
    """Does output_size give floor((n + 2p - f)/s) + 1 on the lecture's and a few edge geometries?"""
    got = shapes.output_size(*args)
    assert got == expected and type(got) is int


def test_output_size_keywords_and_numpy_ints(shapes):
    """Does output_size accept keyword arguments and NumPy ints and still return a Python int?"""
    got = shapes.output_size(n=np.int64(10), f=np.int64(3), padding=np.int64(1), stride=np.int64(2))
    assert got == 5 and type(got) is int


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 40), f=st.integers(1, 9), p=st.integers(0, 4), s=st.integers(1, 5))
def test_output_size_counts_filter_positions(shapes, n, f, p, s):
    """Is output_size the number of positions 0, s, 2s, ... where the filter fits in the padded input?"""
    positions = [i for i in range(0, n + 2 * p) if i % s == 0 and i + f <= n + 2 * p]
    if f > n + 2 * p:
        with pytest.raises(ValueError):
            shapes.output_size(n, f, p, s)
    else:
        assert shapes.output_size(n, f, p, s) == len(positions)


def test_output_size_error_message_names_the_geometry(shapes):
    """Does a filter larger than the padded input raise ValueError saying f and n + 2p?"""
    with pytest.raises(ValueError, match=r"f=5 is larger than the padded input n \+ 2p = 3"):
        shapes.output_size(3, 5)
    with pytest.raises(ValueError, match=r"n \+ 2p = 4"):
        shapes.output_size(2, 5, padding=1)


@pytest.mark.parametrize("args, word", [
    ((0, 1), "n"), ((-3, 1), "n"), ((5, 0), "f"), ((5, -1), "f"),
    ((5, 3, 0, 0), "stride"), ((5, 3, 0, -2), "stride"), ((5, 3, -1, 1), "padding"),
])
def test_output_size_rejects_invalid_arguments(shapes, args, word):
    """Does output_size raise ValueError for n, f, s < 1 or p < 0, naming the culprit?"""
    with pytest.raises(ValueError, match=word):
        shapes.output_size(*args)


# --- same_padding ------------------------------------------------------------------------------------

@pytest.mark.parametrize("f, p", [(1, 0), (3, 1), (5, 2), (7, 3), (11, 5)])
def test_same_padding_values(shapes, f, p):
    """Is same_padding (f - 1)/2 as a Python int (3, 5, 7 -> 1, 2, 3)?"""
    got = shapes.same_padding(f)
    assert got == p and type(got) is int


@pytest.mark.parametrize("f", [1, 3, 5, 7, 9])
def test_same_padding_keeps_the_size(shapes, f):
    """Does a stride-1 convolution with same_padding(f) keep n x n images n x n?"""
    for n in range(f, f + 6):
        assert shapes.output_size(n, f, shapes.same_padding(f), 1) == n


@pytest.mark.parametrize("f", [2, 4, 0, -1, -3])
def test_same_padding_rejects_even_or_non_positive(shapes, f):
    """Does same_padding raise ValueError for an even or non-positive filter size?"""
    with pytest.raises(ValueError):
        shapes.same_padding(f)


# --- conv_param_count --------------------------------------------------------------------------------

def test_conv_param_count_lecture_exercise(shapes):
    """Do 10 filters of 3x3x3 have 280 parameters, i.e. a (10, 27) W plus 10 biases?"""
    got = shapes.conv_param_count(3, 3, 10)
    assert got == 280 and type(got) is int
    weights = np.zeros((10, 3, 3, 3))
    assert weights.reshape(10, -1).shape == (10, 27)
    assert got == weights.size + 10


@pytest.mark.parametrize("f, c, n", [(1, 1, 1), (3, 3, 10), (5, 10, 20), (5, 20, 40), (7, 64, 128)])
def test_conv_param_count_matches_torch_conv2d(shapes, f, c, n):
    """Does conv_param_count agree with the parameter count of torch.nn.Conv2d(c, n, f)?"""
    layer = torch.nn.Conv2d(c, n, f)
    assert shapes.conv_param_count(f, c, n) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("args", [(0, 3, 10), (3, 0, 10), (3, 3, 0), (-3, 3, 10), (3, 3, -1)])
def test_conv_param_count_rejects_non_positive(shapes, args):
    """Does conv_param_count raise ValueError when an argument is not positive?"""
    with pytest.raises(ValueError, match="positive"):
        shapes.conv_param_count(*args)


def test_conv_params_do_not_depend_on_image_size(shapes):
    """Is the conv layer's count independent of the image while the dense layer's explodes?"""
    assert shapes.conv_param_count(3, 3, 10) == 280
    assert shapes.dense_param_count(39, 39, 3, 10) > 100 * shapes.conv_param_count(3, 3, 10)


# --- cnn_output_shapes -------------------------------------------------------------------------------

@pytest.mark.parametrize("input_shape", [(39, 39, 3), [39, 39, 3]])
def test_cnn_output_shapes_lecture_network(shapes, input_shape):
    """Does the lecture's classification CNN give (37,37,10), (17,17,20), (7,7,40) and 1960 features?"""
    got = shapes.cnn_output_shapes(input_shape, LECTURE_LAYERS)
    assert got == [(37, 37, 10), (17, 17, 20), (7, 7, 40)]
    assert type(got) is list and all(type(t) is tuple and all(type(v) is int for v in t) for t in got)
    h, w, c = got[-1]
    assert h * w * c == 1960


def test_cnn_output_shapes_non_square_and_padding(shapes):
    """Are height and width computed separately, with padding?"""
    layers = [{"f": 3, "s": 1, "p": 1, "n": 8}, {"f": 3, "s": 2, "p": 0, "n": 4}]
    assert shapes.cnn_output_shapes((10, 7, 1), layers) == [(10, 7, 8), (4, 3, 4)]


def test_cnn_output_shapes_no_layers(shapes):
    """Does a network without layers give an empty list?"""
    assert shapes.cnn_output_shapes((5, 5, 3), []) == []


def test_cnn_output_shapes_does_not_modify_its_arguments(shapes):
    """Are input_shape and the layer dicts left as they were?"""
    shape, layers = [39, 39, 3], [dict(layer) for layer in LECTURE_LAYERS]
    shapes.cnn_output_shapes(shape, layers)
    assert shape == [39, 39, 3] and layers == LECTURE_LAYERS


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_cnn_output_shapes_match_torch(shapes, data):
    """Do the shapes agree with running F.conv2d layer after layer on random small networks?"""
    h, w, c = data.draw(st.integers(1, 20)), data.draw(st.integers(1, 20)), data.draw(st.integers(1, 3))
    x = torch.zeros(1, c, h, w)
    layers, expected = [], []
    for _ in range(data.draw(st.integers(1, 3))):
        f, s, p, n = (data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3)),
                      data.draw(st.integers(0, 2)), data.draw(st.integers(1, 4)))
        if f > min(x.shape[2], x.shape[3]) + 2 * p:
            break
        x = F.conv2d(x, torch.zeros(n, x.shape[1], f, f), stride=s, padding=p)
        layers.append({"f": f, "s": s, "p": p, "n": n})
        expected.append((x.shape[2], x.shape[3], x.shape[1]))
    assert shapes.cnn_output_shapes((h, w, c), layers) == expected


@pytest.mark.parametrize("layers, match", [
    ([{"f": 3, "s": 1, "p": 0}], "n"),                                   # missing key
    ([{"f": 3, "s": 1, "n": 4}], "p"),
    ([{"f": 3, "s": 1, "p": 0, "n": 4}, {"s": 1, "p": 0, "n": 4}], "f"),
    ([{"f": 50, "s": 1, "p": 0, "n": 4}], "larger"),                     # filter does not fit
    ([{"f": 3, "s": 1, "p": 0, "n": 4}, {"f": 9, "s": 1, "p": 0, "n": 4}], "layer 2"),
    ([{"f": 3, "s": 0, "p": 0, "n": 4}], "stride"),
    ([{"f": 3, "s": 1, "p": -1, "n": 4}], "padding"),
    ([{"f": 3, "s": 1, "p": 0, "n": 0}], "filters"),
    ([(3, 1, 0, 4)], "dict"),
])
def test_cnn_output_shapes_rejects_invalid_layers(shapes, layers, match):
    """Does an invalid layer (missing key, impossible geometry, no filters) raise ValueError?"""
    with pytest.raises(ValueError, match=match):
        shapes.cnn_output_shapes((10, 10, 3), layers)


@pytest.mark.parametrize("input_shape", [(10, 10), (10, 10, 3, 1), (0, 10, 3), (10, 10, 0)])
def test_cnn_output_shapes_rejects_invalid_input_shape(shapes, input_shape):
    """Does an input shape that is not three positive ints raise ValueError?"""
    with pytest.raises(ValueError):
        shapes.cnn_output_shapes(input_shape, LECTURE_LAYERS)
