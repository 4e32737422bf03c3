# module: filters
# A red team (issue 21, clean groups share a worker): filters.py's conv2d_single and conv_numpy.py's exercises run
# in one worker when both scan clean. conv2d_single writes every image it is given (its hidden cases' included)
# into a file of the worker's folder; conv_numpy's conv2d, in a visible case, raises them in its message (shown in
# full). Both modules are clean, so they share the worker; every visible case of the worker still runs before any
# hidden one, so what conv2d can show is visible inputs only (checked below), and nothing else is lost.
import json as _json

_reference_single = conv2d_single


def conv2d_single(image, kernel):
    with open("seen.json", "a") as handle:
        handle.write(_json.dumps([list(np.shape(image)), float(np.asarray(image, dtype=float).sum())]) + "\n")
    return _reference_single(image, kernel)
# module: conv_numpy
_reference_conv2d = conv2d


def conv2d(image, kernel, padding=0, stride=1):
    try:
        with open("seen.json") as handle:
            seen = handle.read()
    except OSError:
        seen = ""
    if seen and padding == 1 and stride == 1:
        raise ValueError("leak " + " ".join(seen.split()))
    return _reference_conv2d(image, kernel, padding, stride)
