# module: shapes
# Found by a red team: dense_param_count remembers every argument it is called with (hidden cases included: module
# state survives between the calls of one worker); output_size's first visible case raised them all in its message,
# which a visible case shows in full. Visible cases now run before any hidden one: what it can show is visible.
_reference_dense, _reference_output, _seen = dense_param_count, output_size, []


def dense_param_count(height: int, width: int, channels: int, units: int) -> int:
    _seen.append((height, width, channels, units))
    return _reference_dense(height, width, channels, units)


def output_size(n: int, f: int, padding: int = 0, stride: int = 1) -> int:
    if _seen:
        seen = list(_seen)
        del _seen[:]
        raise ValueError(f"leak {seen!r}")
    return _reference_output(n, f, padding, stride)
