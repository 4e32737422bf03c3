# torch.nn.functional.unfold by its full name, einsum, an `_`-named helper and a demo that checks shapes.
import os
import sys


def _out_size(n: int, k: int, p: int, s: int) -> int:
    return (n + 2 * p - k) // s + 1


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.dim() != 4 or weight.dim() != 4:
        raise ValueError("expected 4-D x and weight")
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"x has {x.shape[1]} channels, weight {weight.shape[1]}")
    if stride < 1 or padding < 0:
        raise ValueError("stride must be >= 1 and padding >= 0")
    f, _, kh, kw = weight.shape
    if kh == 0 or kw == 0 or kh > x.shape[2] + 2 * padding or kw > x.shape[3] + 2 * padding:
        raise ValueError("kernel does not fit")
    if bias is not None and tuple(bias.shape) != (f,):
        raise ValueError("bias must be (F,)")
    cols = torch.nn.functional.unfold(x, (kh, kw), padding=padding, stride=stride)   # (N, C*kh*kw, L)
    out = torch.einsum("fk,nkl->nfl", weight.reshape(f, -1).to(x), cols)
    if bias is not None:
        out = out + bias.to(x)[:, None]
    return out.reshape(x.shape[0], f, _out_size(x.shape[2], kh, padding, stride),
                       _out_size(x.shape[3], kw, padding, stride))


if __name__ == "__main__":
    torch.manual_seed(0)
    demo = conv2d_forward_torch(torch.randn(2, 3, 8, 8), torch.randn(4, 3, 3, 3), stride=2, padding=1)
    print(demo.shape, os.getpid(), file=sys.stderr)
