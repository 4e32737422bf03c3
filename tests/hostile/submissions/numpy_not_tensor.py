# module: conv_torch
# Right values as a NumPy array where a tensor is required.
_reference = conv2d_forward_torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    return _reference(x, weight, bias, stride, padding).numpy()
