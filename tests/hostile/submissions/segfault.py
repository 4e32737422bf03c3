# module: shapes
# A segmentation fault through ctypes.
import ctypes


def conv_param_count(f, in_channels, filters):
    return ctypes.string_at(0)
