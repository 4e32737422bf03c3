# module: conv_numpy
# Computes the right answer, then scribbles over its input.
_reference = conv_volume


def conv_volume(volume, kernel, padding=0, stride=1):
    out = _reference(volume, kernel, padding, stride)
    if hasattr(volume, "fill"):
        volume.fill(0)
    return out
