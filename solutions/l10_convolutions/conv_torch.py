"""L10 exercises, part 4: the convolution forward pass in PyTorch, and learning a filter by gradient descent.

Conventions: tensors are NCHW, i.e. a batch of images is (N, C, H, W) and a layer's weights are
(F, C, k, k) (F filters of C channels); "convolution" is cross-correlation, exactly what
``torch.nn.functional.conv2d`` computes. Results keep the dtype and the device (CPU or GPU) of the input,
so write device-agnostic code: create new tensors with ``dtype=x.dtype, device=x.device``. Impossible
geometry raises ``ValueError`` with a message saying what is wrong.

In ``conv2d_forward_torch`` you may not use any convolution routine (``torch.nn.functional.conv2d``,
``torch.conv2d``, ``torch.nn.Conv2d``, ``torch.convolution``, ...): build it from padding, patches
(``torch.nn.functional.unfold`` or ``Tensor.unfold``) and a matrix product. Only the exception's type is
graded; cases that expect an exception carry at most 10% of an exercise's points, and count only once the
function also passes a case that returns a value.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def conv2d_forward_torch(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                         stride: int = 1, padding: int = 0) -> torch.Tensor:
    """Forward pass of a 2-D convolutional layer on a batch, without PyTorch's convolution routines.

    out[n, f, i, j] = bias[f] + sum over c, a, b of padded[n, c, i * s + a, j * s + b] * weight[f, c, a, b]
    where padded is x with ``padding`` zeros on each side of H and W. This is what
    ``torch.nn.functional.conv2d(x, weight, bias, stride=stride, padding=padding)`` returns. A way to get
    there: gather every k x k x C patch as a column (im2col, shape (N, C*k*k, H'*W')), multiply by the
    weights reshaped to (F, C*k*k) -- the lecture's W of shape (10, 3x3x3) -- and reshape.

    Args:
        x: input batch (N, C, H, W), a floating-point tensor on any device.
        weight: filters (F, C, k, k) (rectangular (F, C, kh, kw) works the same way), with x's dtype.
        bias: None, or one bias per filter, shape (F,).
        stride: step between two kernel positions (>= 1).
        padding: zeros added on each side of H and W (>= 0).

    Returns:
        Tensor (N, F, H', W') with H' = floor((H + 2p - k) / s) + 1, W' = floor((W + 2p - k) / s) + 1,
        with x's dtype and on x's device.

    Raises:
        ValueError: if the channel counts of x and weight differ, the kernel is larger than the padded
            input, or stride < 1.

    Speed ({{ speed.points }} of the exercise's {{ points }} points, a visible case: ``check`` runs it too, on
    the CPU): on a {{ speed.args.x.dtype }} batch x of shape {{ speed.args.x.shape }} with weights of shape
    {{ speed.args.weight.shape }}, a right result taking at most {{ speed.max_ratio }}x the time of
    ``{{ speed.baseline }}`` on the same input. Unfold and one matrix product are well within it; a Python
    loop over output pixels is far over it and loses these points.
    """
    ### BEGIN SOLUTION
    if x.dim() != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W), got shape {tuple(x.shape)}")
    if weight.dim() != 4:
        raise ValueError(f"weight must be 4-D (F, C, k, k), got shape {tuple(weight.shape)}")
    n, channels, height, width = x.shape
    filters, weight_channels, kh, kw = weight.shape
    if weight_channels != channels:
        raise ValueError(f"the filters have {weight_channels} channels but x has {channels}: they must be equal")
    if stride < 1:
        raise ValueError(f"stride s must be at least 1, got s={stride}")
    if padding < 0:
        raise ValueError(f"padding p must not be negative, got p={padding}")
    if kh < 1 or kw < 1:
        raise ValueError(f"kernel must not be empty, got shape {tuple(weight.shape)}")
    for size, f in ((height, kh), (width, kw)):
        if f > size + 2 * padding:
            raise ValueError(f"filter size f={f} is larger than the padded input n + 2p = {size + 2 * padding}")
    if bias is not None and tuple(bias.shape) != (filters,):
        raise ValueError(f"bias must be None or have shape ({filters},), got {tuple(bias.shape)}")
    weight = weight.to(dtype=x.dtype, device=x.device)
    padded = F.pad(x, (padding, padding, padding, padding))  # zeros on both sides of W, then of H
    # windows[n, c, i, j, a, b] = padded[n, c, i * s + a, j * s + b] (a view: nothing is copied yet)
    windows = padded.unfold(2, kh, stride).unfold(3, kw, stride)
    out_h, out_w = windows.shape[2:4]
    # im2col: columns[n, (c, a, b), (i, j)], one column per output pixel, in the (c, a, b) order of
    # weight.reshape(F, C*kh*kw). This is the one copy; it is faster than F.unfold, which does the same.
    columns = windows.permute(0, 1, 4, 5, 2, 3).reshape(n, channels * kh * kw, out_h * out_w)
    out = weight.reshape(filters, -1) @ columns  # (F, C*kh*kw) @ (N, C*kh*kw, L) -> (N, F, L)
    out = out.reshape(n, filters, out_h, out_w)
    if bias is not None:
        out = out + bias.to(dtype=x.dtype, device=x.device).reshape(1, filters, 1, 1)
    return out.contiguous()
    ### END SOLUTION


def learn_filter(inputs: torch.Tensor, targets: torch.Tensor, steps: int = 500, lr: float = 0.1) -> torch.Tensor:
    """Recover an unknown k x k filter from images and their filtered versions, by gradient descent.

    ``targets[n]`` is the valid cross-correlation (stride 1, no padding) of ``inputs[n]`` with an unknown
    k x k filter, so k = H - H_t + 1 where H_t is the targets' height. Start from a k x k filter of
    zeros and minimise the mean squared error between the filtered inputs and the targets
    (mean over all N * H_t * W_t output pixels) with ``steps`` steps of gradient descent with momentum
    (``torch.optim.SGD(..., lr=lr, momentum=0.9)``, as in the previous lecture; plain gradient descent gets
    there too, in more steps). Graded: the filter is within 1e-2 of the true one (atol, rtol = 0), i.e.
    gradient descent converged; with the defaults and inputs drawn from N(0, 1) (N from 4 to 8, H = W from
    8 to 12, k = 3 or 5) SGD with momentum gets it to about 1e-6.

    Args:
        inputs: images (N, H, W), a floating-point tensor.
        targets: filtered images (N, H - k + 1, W - k + 1).
        steps: number of gradient-descent steps (>= 0).
        lr: learning rate (> 0).

    Returns:
        The learned filter, a detached (k, k) tensor with inputs' dtype and on inputs' device.
    """
    ### BEGIN SOLUTION
    inputs = torch.as_tensor(inputs)
    targets = torch.as_tensor(targets)
    if inputs.dim() != 3 or targets.dim() != 3:
        raise ValueError(f"inputs and targets must be 3-D (N, H, W), got shapes {tuple(inputs.shape)} "
                         f"and {tuple(targets.shape)}")
    if not inputs.is_floating_point():
        raise ValueError(f"inputs must be a floating-point tensor, got {inputs.dtype}")
    n, height, width = inputs.shape
    if targets.shape[0] != n:
        raise ValueError(f"inputs hold {n} images but targets hold {targets.shape[0]}")
    if not (1 <= targets.shape[1] <= height and 1 <= targets.shape[2] <= width):
        raise ValueError(f"targets of shape {tuple(targets.shape)} do not fit inputs of shape {tuple(inputs.shape)}")
    k = height - targets.shape[1] + 1
    if width - targets.shape[2] + 1 != k:
        raise ValueError(f"inputs {tuple(inputs.shape)} and targets {tuple(targets.shape)} imply a "
                         f"{k}x{width - targets.shape[2] + 1} filter; it must be square")
    if steps < 0:
        raise ValueError(f"steps must not be negative, got {steps}")
    if lr <= 0:
        raise ValueError(f"lr must be positive, got {lr}")
    x = inputs.detach().unsqueeze(1)  # (N, 1, H, W)
    t = targets.detach().to(dtype=inputs.dtype, device=inputs.device).unsqueeze(1)
    w = torch.zeros(1, 1, k, k, dtype=inputs.dtype, device=inputs.device, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, momentum=0.9)
    with torch.enable_grad():
        for _ in range(steps):
            optimizer.zero_grad()
            loss = torch.mean((conv2d_forward_torch(x, w) - t) ** 2)
            loss.backward()
            optimizer.step()
    return w.detach()[0, 0].clone()
    ### END SOLUTION
