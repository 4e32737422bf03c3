# F.unfold (im2col) and one matrix product, with `from torch.nn import functional as F`.
from torch.nn import functional as F


def _validate(x, weight, bias, stride, padding):
    if x.dim() != 4 or weight.dim() != 4:
        raise ValueError("x and weight must be 4-D")
    if x.shape[1] != weight.shape[1]:
        raise ValueError("channel counts differ")
    if stride < 1 or padding < 0:
        raise ValueError("stride must be >= 1, padding >= 0")
    if weight.shape[2] == 0 or weight.shape[3] == 0:
        raise ValueError("empty kernel")
    if weight.shape[2] > x.shape[2] + 2 * padding or weight.shape[3] > x.shape[3] + 2 * padding:
        raise ValueError("kernel larger than padded input")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError("bias must be None or (F,)")


def conv2d_forward_torch(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                         stride: int = 1, padding: int = 0) -> torch.Tensor:
    _validate(x, weight, bias, stride, padding)
    n, _, h, w = x.shape
    f, _, kh, kw = weight.shape
    weight = weight.to(dtype=x.dtype, device=x.device)
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)         # (N, C*kh*kw, L)
    out_h, out_w = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    out = (weight.view(f, -1) @ cols).view(n, f, out_h, out_w)
    if bias is not None:
        out = out + bias.to(dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    return out
