# A loop over the kernel's offsets, each adding one shifted slice of the image times one weight.
def _check(image, kernel):
    if image.ndim != 2:
        raise ValueError("image must be 2-D")
    if kernel.ndim != 2 or 0 in kernel.shape:
        raise ValueError("kernel must be 2-D and not empty")
    if any(k > n for k, n in zip(kernel.shape, image.shape)):
        raise ValueError("kernel larger than image")


def conv2d_single(image, kernel):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    _check(image, kernel)
    fh, fw = kernel.shape
    oh, ow = image.shape[0] - fh + 1, image.shape[1] - fw + 1
    out = np.zeros((oh, ow), dtype=np.float64)
    for a in range(fh):
        for b in range(fw):
            out += kernel[a, b] * image[a:a + oh, b:b + ow]
    return out
