# `import torch.nn.functional as nnf`, unfold, a batched matrix product, type hints and a typing import.
from typing import Optional

import torch.nn.functional as nnf


def conv2d_forward_torch(x: torch.Tensor, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                         stride: int = 1, padding: int = 0) -> torch.Tensor:
    if x.dim() != 4:
        raise ValueError("x must be 4-D")
    if weight.dim() != 4:
        raise ValueError("weight must be 4-D")
    batch, channels, height, width = x.shape
    n_filters, w_channels, kh, kw = weight.shape
    if channels != w_channels:
        raise ValueError("the channel counts of x and weight differ")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if padding < 0:
        raise ValueError("padding must not be negative")
    if kh < 1 or kw < 1 or kh > height + 2 * padding or kw > width + 2 * padding:
        raise ValueError("the kernel is empty or larger than the padded input")
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != n_filters):
        raise ValueError("bias must be None or of shape (F,)")
    columns = nnf.unfold(x, kernel_size=(kh, kw), stride=stride, padding=padding)   # (N, C*kh*kw, L)
    rows = weight.to(dtype=x.dtype, device=x.device).reshape(1, n_filters, -1).expand(batch, -1, -1)
    out = torch.bmm(rows, columns)
    if bias is not None:
        out = out + bias.to(dtype=x.dtype, device=x.device).unsqueeze(-1)
    out_h = (height + 2 * padding - kh) // stride + 1
    out_w = (width + 2 * padding - kw) // stride + 1
    return out.reshape(batch, n_filters, out_h, out_w)
