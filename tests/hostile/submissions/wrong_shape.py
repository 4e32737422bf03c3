# module: conv_numpy
# Right values with an extra axis.
_reference = conv_volume


def conv_volume(volume, kernel, padding=0, stride=1):
    return _reference(volume, kernel, padding, stride)[..., None]
