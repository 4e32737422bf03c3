"""L10 homework - conv forward pass in pytorch + learning a filter."""
import torch
import torch.nn.functional as F


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.dim() != 4:
        raise ValueError("x should be (N, C, H, W)")
    if weight.dim() != 4:
        raise ValueError("weight should be (F, C, k, k)")
    N, C, H, W = x.shape
    n_filters, C_w, kh, kw = weight.shape
    if C != C_w:
        raise ValueError(f"x has {C} channels but the filters have {C_w}")
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if padding < 0:
        raise ValueError("padding must be >= 0")
    if kh == 0 or kw == 0:
        raise ValueError("empty kernel")
    if kh > H + 2 * padding or kw > W + 2 * padding:
        raise ValueError("kernel is larger than the padded input")
    if bias is not None and tuple(bias.shape) != (n_filters,):
        raise ValueError("bias must have one value per filter")

    # zero padding by hand
    xp = torch.zeros(N, C, H + 2 * padding, W + 2 * padding, dtype=x.dtype, device=x.device)
    xp[:, :, padding:padding + H, padding:padding + W] = x

    H_out = (H + 2 * padding - kh) // stride + 1
    W_out = (W + 2 * padding - kw) // stride + 1
    w_flat = weight.to(device=x.device, dtype=x.dtype).reshape(n_filters, -1)  # (F, C*kh*kw)
    out = torch.zeros(N, n_filters, H_out, W_out, dtype=x.dtype, device=x.device)
    for i in range(H_out):
        for j in range(W_out):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = patch.reshape(N, -1) @ w_flat.T
    if bias is not None:
        out += bias.to(device=x.device, dtype=x.dtype).view(1, -1, 1, 1)
    return out


def learn_filter(inputs, targets, steps=500, lr=0.1):
    if inputs.dim() != 3 or targets.dim() != 3:
        raise ValueError("inputs and targets must be (N, H, W)")
    if not inputs.is_floating_point():
        raise ValueError("inputs must be floating point")
    N, H, W = inputs.shape
    if targets.shape[0] != N:
        raise ValueError("different number of images and targets")
    Ht, Wt = targets.shape[1], targets.shape[2]
    if Ht < 1 or Wt < 1 or Ht > H or Wt > W:
        raise ValueError("targets don't fit the inputs")
    k = H - Ht + 1
    if W - Wt + 1 != k:
        raise ValueError("the filter must be square")
    if steps < 0 or lr <= 0:
        raise ValueError("steps must be >= 0 and lr > 0")

    x = inputs.detach().unsqueeze(1)
    y = targets.detach().to(inputs.dtype).unsqueeze(1)
    w = torch.zeros(1, 1, k, k, dtype=inputs.dtype, device=inputs.device, requires_grad=True)
    velocity = torch.zeros_like(w)  # momentum from L9, plain GD was too slow for k=5
    with torch.enable_grad():
        for _ in range(steps):
            pred = F.conv2d(x, w)  # allowed here
            loss = ((pred - y) ** 2).mean()
            (grad,) = torch.autograd.grad(loss, w)
            with torch.no_grad():
                velocity = 0.9 * velocity + grad
                w -= lr * velocity
    return w.detach()[0, 0].clone()
