# im2col with index arrays (fancy indexing), then one matrix-vector product.
def conv2d_single(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("2-D arrays please")
    if not kernel.size:
        raise ValueError("empty kernel")
    (h, w), (fh, fw) = image.shape, kernel.shape
    if fh > h or fw > w:
        raise ValueError("kernel too big")
    oh, ow = h - fh + 1, w - fw + 1
    rows = np.arange(oh)[:, None, None, None] + np.arange(fh)[None, None, :, None]
    cols = np.arange(ow)[None, :, None, None] + np.arange(fw)[None, None, None, :]
    patches = image[rows, cols].reshape(oh * ow, fh * fw)
    return (patches @ kernel.ravel()).reshape(oh, ow)
