"""A class for the similarity tests: eight independent solutions of two exercises (`out_size`, `correlate2d`,
module `m`), each written differently, and disguised copies of some of them."""
from __future__ import annotations

import re

STUB = '''import numpy as np


def out_size(n, f, p=0, s=1):
    """The output size of a convolution along one axis: floor((n + 2p - f) / s) + 1; ValueError if the filter
    does not fit."""
    raise NotImplementedError()


def correlate2d(image, kernel):
    """The valid cross-correlation of a 2D image with a 2D kernel, as a float64 array."""
    raise NotImplementedError()
'''

INDEPENDENT = {
    "s01": '''import numpy as np


def out_size(n, f, p=0, s=1):
    if s < 1 or p < 0 or f > n + 2 * p:
        raise ValueError("bad geometry")
    return (n + 2 * p - f) // s + 1


def correlate2d(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out
''',
    "s02": '''import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def out_size(n, f, p=0, s=1):
    span = n + 2 * p - f
    if span < 0:
        raise ValueError("the filter is larger than the padded input")
    if s <= 0:
        raise ValueError("stride must be positive")
    if p < 0:
        raise ValueError("padding must not be negative")
    return int(np.floor(span / s)) + 1


def correlate2d(image, kernel):
    windows = sliding_window_view(np.asarray(image, dtype=np.float64), np.shape(kernel))
    return np.einsum("ijkl,kl->ij", windows, np.asarray(kernel, dtype=np.float64))
''',
    "s03": '''import math

import numpy as np


def out_size(n, f, p=0, s=1):
    """Size after the convolution."""
    assert_ok = s >= 1 and p >= 0
    if not assert_ok:
        raise ValueError(f"stride {s} / padding {p}")
    positions = math.floor((n - f + 2 * p) / s)
    if positions < 0:
        raise ValueError("does not fit")
    return positions + 1


def correlate2d(image, kernel):
    img = np.array(image, dtype=np.float64)
    ker = np.array(kernel, dtype=np.float64)
    rows = img.shape[0] - ker.shape[0] + 1
    cols = img.shape[1] - ker.shape[1] + 1
    result = np.empty((rows, cols), dtype=np.float64)
    r = 0
    while r < rows:
        c = 0
        while c < cols:
            acc = 0.0
            for a in range(ker.shape[0]):
                for b in range(ker.shape[1]):
                    acc += img[r + a, c + b] * ker[a, b]
            result[r, c] = acc
            c += 1
        r += 1
    return result
''',
    "s04": '''import numpy as np


def correlate2d(image, kernel):
    x = np.asarray(image, float)
    w = np.asarray(kernel, float)
    out_h = x.shape[0] - w.shape[0] + 1
    out_w = x.shape[1] - w.shape[1] + 1
    total = np.zeros((out_h, out_w))
    for a in range(w.shape[0]):
        for b in range(w.shape[1]):
            total += w[a, b] * x[a:a + out_h, b:b + out_w]
    return total


def out_size(n, f, p=0, s=1):
    if not (s >= 1 and p >= 0 and n + 2 * p >= f):
        raise ValueError("invalid")
    count = 0
    start = 0
    while start + f <= n + 2 * p:
        count += 1
        start += s
    return count
''',
    "s05": '''import numpy as np


def out_size(n, f, p=0, s=1):
    checks = [(s >= 1, "stride"), (p >= 0, "padding"), (f <= n + 2 * p, "filter size")]
    for ok, what in checks:
        if not ok:
            raise ValueError("bad " + what)
    return len(range(0, n + 2 * p - f + 1, s))


def correlate2d(image, kernel):
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    k0, k1 = kernel.shape
    patches = np.stack([image[i:i + image.shape[0] - k0 + 1, j:j + image.shape[1] - k1 + 1]
                        for i in range(k0) for j in range(k1)], axis=-1)
    return patches @ kernel.reshape(-1)
''',
    "s06": '''from numpy import asarray, zeros, float64


def valid(n, f, p, s):
    return s > 0 and p >= 0 and f <= n + 2 * p


def out_size(n, f, p=0, s=1):
    if valid(n, f, p, s):
        return 1 + (n + p + p - f) // s
    raise ValueError("geometry")


def correlate2d(image, kernel):
    I = asarray(image, dtype=float64)
    K = asarray(kernel, dtype=float64)
    H = I.shape[0] - K.shape[0] + 1
    W = I.shape[1] - K.shape[1] + 1
    O = zeros((H, W), dtype=float64)
    for y in range(H):
        O[y] = [(I[y:y + K.shape[0], x:x + K.shape[1]] * K).sum() for x in range(W)]
    return O
''',
    "s07": '''import numpy as np


def out_size(n, f, p=0, s=1):
    try:
        assert s >= 1
        assert p >= 0
        assert f <= n + 2 * p
    except AssertionError:
        raise ValueError("invalid convolution geometry") from None
    q, _ = divmod(n + 2 * p - f, s)
    return q + 1


def correlate2d(image, kernel):
    a = np.asarray(image, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    fh, fw = k.shape
    cols = []
    for i in range(a.shape[0] - fh + 1):
        for j in range(a.shape[1] - fw + 1):
            cols.append(a[i:i + fh, j:j + fw].ravel())
    matrix = np.array(cols)
    return (matrix @ k.ravel()).reshape(a.shape[0] - fh + 1, a.shape[1] - fw + 1)
''',
    "s08": '''import numpy as np


def out_size(n, f, p=0, s=1):
    padded = n + 2 * p
    ok = s >= 1 and p >= 0 and padded >= f
    if ok:
        return int((padded - f) / s) + 1
    raise ValueError("n=%d f=%d p=%d s=%d" % (n, f, p, s))


def correlate2d(image, kernel):
    image = np.array(image, dtype=np.float64, copy=True)
    kernel = np.array(kernel, dtype=np.float64)
    h = image.shape[0] - kernel.shape[0] + 1
    w = image.shape[1] - kernel.shape[1] + 1
    flat = np.lib.stride_tricks.as_strided(
        image, shape=(h, w, *kernel.shape), strides=image.strides * 2)
    return np.tensordot(flat, kernel, axes=([2, 3], [0, 1]))
''',
}


def renamed(source: str, names: dict[str, str]) -> str:
    """`source` with each identifier of `names` renamed (whole words)."""
    for old, new in names.items():
        source = re.sub(rf"\b{old}\b", new, source)
    return source


def reordered(source: str) -> str:
    """The module's two functions swapped (the text between the first 'def ' and the second, and the rest)."""
    head, _, rest = source.partition("\ndef ")
    first, _, second = rest.partition("\n\n\ndef ")
    return f"{head}\ndef {second.rstrip()}\n\n\ndef {first.rstrip()}\n"


def commented(source: str) -> str:
    """Comments added on most lines, blank lines doubled, a docstring added."""
    lines = []
    for line in source.splitlines():
        lines.append(line + ("  # step" if line.strip() and not line.strip().startswith(("def", "@")) else ""))
        if not line.strip():
            lines.append("")
    return "\n".join(lines).replace('"""Size after', '"""The size after') + "\n"


DISGUISED = {
    # s01 copied by c01: identifiers renamed, functions reordered
    "c01": reordered(renamed(INDEPENDENT["s01"], {"kh": "rows_k", "kw": "cols_k", "oh": "H_out", "ow": "W_out",
                                                  "out": "res", "image": "img", "kernel": "filt"})),
    # s03 copied by c03: comments and layout changed, loop variables renamed
    "c03": commented(renamed(INDEPENDENT["s03"], {"acc": "total", "rows": "nr", "cols": "nc", "result": "y"})),
    # s07 copied by c07: a helper extracted from correlate2d, names changed
    "c07": renamed(INDEPENDENT["s07"], {"a": "src", "fh": "kh", "fw": "kw"}).replace(
        '''    cols = []
    for i in range(src.shape[0] - kh + 1):
        for j in range(src.shape[1] - kw + 1):
            cols.append(src[i:i + kh, j:j + kw].ravel())
    matrix = np.array(cols)
''', '''    matrix = im2col(src, kh, kw)
''') + '''

def im2col(src, kh, kw):
    cols = []
    for i in range(src.shape[0] - kh + 1):
        for j in range(src.shape[1] - kw + 1):
            cols.append(src[i:i + kh, j:j + kw].ravel())
    return np.array(cols)
''',
    # s05's out_size only, copied into an otherwise independent submission (s02's correlate2d)
    "c05": INDEPENDENT["s05"].split("\n\n\ndef correlate2d")[0] + "\n\n\ndef correlate2d" +
           INDEPENDENT["s02"].split("\n\n\ndef correlate2d")[1].replace("windows", "views"),
}
COPIED = {("c01", "s01", ""), ("c01", "s01", "out_size"), ("c01", "s01", "correlate2d"),
          ("c03", "s03", ""), ("c03", "s03", "out_size"), ("c03", "s03", "correlate2d"),
          ("c07", "s07", ""), ("c07", "s07", "out_size"), ("c07", "s07", "correlate2d"),
          ("c05", "s05", "out_size"), ("c05", "s02", "correlate2d")}
"""(copy, original, exercise) of every disguised copy: '' is the whole submission. c05 copied half of s05 and
half of s02: its whole-submission pairs are neither copies nor independent, and left out."""
