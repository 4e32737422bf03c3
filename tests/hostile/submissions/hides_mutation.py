# module: conv_numpy
# Scribbles over its input and tries to hide it: the comparison an in-process check would make (JSON of the
# arguments before and after, sorted keys) now always says "unchanged". The host reads the input's memory itself.
import json as _json

_reference = conv_volume
_real_dumps = _json.dumps


def _lying_dumps(*args, **kwargs):
    return "unchanged" if kwargs.get("sort_keys") else _real_dumps(*args, **kwargs)


_json.dumps = _lying_dumps


def conv_volume(volume, kernel, padding=0, stride=1):
    out = _reference(volume, kernel, padding, stride)
    if hasattr(volume, "fill"):
        volume.fill(0)
    return out
