# whole module
"""conv_torch, written from scratch: an im2col helper class, learn_filter with F.conv2d (allowed there)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class _Im2col:
    """Columns of every kernel-sized patch of a padded batch."""

    def __init__(self, kh: int, kw: int, stride: int, padding: int):
        self._kh, self._kw, self._stride, self._padding = kh, kw, stride, padding

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, int, int]:
        p = self._padding
        xp = F.pad(x, (p, p, p, p))
        oh = math.floor((xp.shape[2] - self._kh) / self._stride) + 1
        ow = math.floor((xp.shape[3] - self._kw) / self._stride) + 1
        windows = xp.unfold(2, self._kh, self._stride).unfold(3, self._kw, self._stride)
        cols = windows.permute(0, 2, 3, 1, 4, 5).reshape(x.shape[0], oh * ow, -1)   # (N, L, C*kh*kw)
        return cols, oh, ow


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight.dim() != 4:
        raise ValueError("x and weight must be 4-D")
    if weight.shape[1] != x.shape[1]:
        raise ValueError("channel mismatch")
    if stride < 1 or padding < 0:
        raise ValueError("stride or padding out of range")
    kh, kw = weight.shape[2], weight.shape[3]
    if kh == 0 or kw == 0 or kh > x.shape[2] + 2 * padding or kw > x.shape[3] + 2 * padding:
        raise ValueError("kernel does not fit the padded input")
    if bias is not None and bias.shape != torch.Size([weight.shape[0]]):
        raise ValueError("bias must be (F,)")
    cols, oh, ow = _Im2col(kh, kw, stride, padding)(x)
    out = cols @ weight.to(x.dtype).to(x.device).reshape(weight.shape[0], -1).T    # (N, L, F)
    if bias is not None:
        out = out + bias.to(x.dtype).to(x.device)
    return out.transpose(1, 2).reshape(x.shape[0], weight.shape[0], oh, ow).contiguous()


def learn_filter(inputs, targets, steps=500, lr=0.1):
    inputs, targets = torch.as_tensor(inputs), torch.as_tensor(targets)
    if inputs.dim() != 3 or targets.dim() != 3:
        raise ValueError("inputs and targets must be 3-D")
    if not inputs.is_floating_point():
        raise ValueError("inputs must be floating point")
    if inputs.shape[0] != targets.shape[0]:
        raise ValueError("batch sizes differ")
    n, h, w = inputs.shape
    if not (1 <= targets.shape[1] <= h and 1 <= targets.shape[2] <= w):
        raise ValueError("targets larger than inputs")
    k = h - targets.shape[1] + 1
    if w - targets.shape[2] + 1 != k:
        raise ValueError("the filter must be square")
    if steps < 0 or lr <= 0:
        raise ValueError("steps >= 0 and lr > 0")
    x = inputs.detach().unsqueeze(1)
    t = targets.detach().to(inputs).unsqueeze(1)
    weight = torch.zeros(1, 1, k, k, dtype=inputs.dtype, device=inputs.device, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=lr, momentum=0.9)
    with torch.enable_grad():
        for _ in range(steps):
            optimizer.zero_grad()
            loss = ((F.conv2d(x, weight) - t) ** 2).mean()
            loss.backward()
            optimizer.step()
    return weight.detach()[0, 0].clone()


if __name__ == "__main__":
    demo = torch.arange(25.0).reshape(1, 1, 5, 5)
    print(conv2d_forward_torch(demo, torch.ones(1, 1, 3, 3) / 9, padding=1).shape)
