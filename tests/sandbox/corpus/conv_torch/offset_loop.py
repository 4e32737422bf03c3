# A loop over the kernel's offsets: k*k small matrix products of shifted slices, no loop over pixels.
import torch
import torch.nn.functional as F


def conv2d_forward_torch(x: torch.Tensor, weight: torch.Tensor, bias=None, stride: int = 1, padding: int = 0):
    if len(x.shape) != 4 or len(weight.shape) != 4:
        raise ValueError("4-D tensors expected")
    N, C, H, W = x.shape
    K, C2, kh, kw = weight.shape
    if C != C2:
        raise ValueError(f"x has {C} channels, weight {C2}")
    if stride < 1 or padding < 0:
        raise ValueError("bad stride/padding")
    if kh * kw == 0 or kh > H + 2 * padding or kw > W + 2 * padding:
        raise ValueError("bad kernel size")
    if bias is not None and list(bias.shape) != [K]:
        raise ValueError("bad bias")
    xp = F.pad(x, (padding, padding, padding, padding))
    Ho, Wo = (H + 2 * padding - kh) // stride + 1, (W + 2 * padding - kw) // stride + 1
    w = weight.to(dtype=x.dtype, device=x.device)
    out = torch.zeros(N, K, Ho, Wo, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for b in range(kw):
            patch = xp[:, :, a:a + stride * (Ho - 1) + 1:stride, b:b + stride * (Wo - 1) + 1:stride]
            out += torch.einsum("nchw,kc->nkhw", patch, w[:, :, a, b])
    if bias is not None:
        out += bias.to(dtype=x.dtype, device=x.device).view(1, K, 1, 1)
    return out
