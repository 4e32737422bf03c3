# F.pad, then the windows by as_strided on a contiguous copy, then tensordot.
import torch.nn.functional as F


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight.dim() != 4:
        raise ValueError("x and weight must be 4-D")
    n, c, h, w = x.shape
    f, wc, kh, kw = weight.shape
    if wc != c:
        raise ValueError("channels differ")
    if stride < 1 or padding < 0:
        raise ValueError("stride >= 1 and padding >= 0 required")
    if min(kh, kw) < 1 or kh > h + 2 * padding or kw > w + 2 * padding:
        raise ValueError("kernel does not fit")
    if bias is not None and tuple(bias.shape) != (f,):
        raise ValueError("bias shape")
    xp = F.pad(x, (padding,) * 4).contiguous()
    oh, ow = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    sn, sc, sh, sw = xp.stride()
    windows = xp.as_strided((n, oh, ow, c, kh, kw), (sn, sh * stride, sw * stride, sc, sh, sw))
    out = torch.tensordot(windows, weight.to(dtype=x.dtype, device=x.device), dims=([3, 4, 5], [1, 2, 3]))
    if bias is not None:
        out = out + bias.to(dtype=x.dtype, device=x.device)
    return out.permute(0, 3, 1, 2).contiguous()
