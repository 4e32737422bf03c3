"""A degenerate submission: zeros of the right shape, dtype and device, computing nothing."""
import torch


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    size = lambda a, k: max((a + 2 * padding - k) // max(stride, 1) + 1, 0)  # noqa: E731
    return torch.zeros(n, f, size(h, kh), size(w, kw), dtype=x.dtype, device=x.device)


def learn_filter(inputs, targets, steps=500, lr=0.1):
    k = inputs.shape[1] - targets.shape[1] + 1
    return torch.zeros(k, k, dtype=inputs.dtype, device=inputs.device)
