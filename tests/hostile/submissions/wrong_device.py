# module: conv_torch
# Returns its result on another device than the input's ("meta" exists on every machine).
_reference = conv2d_forward_torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    return _reference(x, weight, bias, stride, padding).to("meta")
