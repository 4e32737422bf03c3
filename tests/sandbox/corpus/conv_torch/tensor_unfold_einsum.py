# Tensor.unfold windows, then einsum over channels and the kernel.
def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.ndim != 4:
        raise ValueError(f"x must be (N, C, H, W), got {tuple(x.shape)}")
    if weight.ndim != 4:
        raise ValueError(f"weight must be (F, C, k, k), got {tuple(weight.shape)}")
    if x.size(1) != weight.size(1):
        raise ValueError("x and weight have different channel counts")
    if stride < 1:
        raise ValueError("stride < 1")
    if padding < 0:
        raise ValueError("padding < 0")
    kh, kw = weight.shape[-2:]
    if kh < 1 or kw < 1 or kh > x.size(2) + 2 * padding or kw > x.size(3) + 2 * padding:
        raise ValueError("kernel empty or larger than the padded input")
    if bias is not None and bias.shape != (weight.size(0),):
        raise ValueError("bias must have one value per filter")
    padded = torch.nn.functional.pad(x, [padding] * 4)
    windows = padded.unfold(2, kh, stride).unfold(3, kw, stride)           # (N, C, H', W', kh, kw)
    out = torch.einsum("ncijab,fcab->nfij", windows, weight.to(x.dtype).to(x.device))
    if bias is not None:
        out = out + bias.to(x)[None, :, None, None]
    return out.contiguous()
