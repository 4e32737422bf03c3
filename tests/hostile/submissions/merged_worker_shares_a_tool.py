# module: filters
# A red team (issue 21, clean groups share a worker): filters.py's conv2d_single and conv_numpy.py's three
# exercises forbid the same APIs; when both scan clean they run in one worker. apply_filter_at forbids nothing: it
# is graded elsewhere, and its body is excused from conv2d_single's rules. Here a decorator puts it on a logger
# (a shared object, not a module attribute), and conv_numpy's conv2d, which never imports filters, takes it from
# there and has it hand over NumPy's correlate itself (from its guard's closure): the forbidden routine computing a
# forbidding exercise, in a worker where the scan of conv_numpy never saw filters. The scan sees the decorator
# name apply_filter_at's body, so conv2d_single loses, its group is not clean, nothing is merged, and conv2d
# (in a worker without filters) finds no tool: both lose, nothing else does.
import logging as _logging

_reference_apply = apply_filter_at


def _shared(function):
    _logging.getLogger("rt.shared").helper = function
    return function


@_shared
def apply_filter_at(image, kernel, row, col):
    if row is None:  # asked for the tool
        for cell in np.correlate.__closure__ or ():
            if callable(cell.cell_contents) and getattr(cell.cell_contents, "__name__", "") == "correlate":
                return cell.cell_contents
        return np.correlate
    return _reference_apply(image, kernel, row, col)
# module: conv_numpy
import logging as _logging

_reference_conv2d = conv2d


def conv2d(image, kernel, padding=0, stride=1):
    correlate = _logging.getLogger("rt.shared").helper(None, None, None, None)
    padded = zero_pad(np.asarray(image, dtype=float), padding)
    k = np.asarray(kernel, dtype=float)
    full = np.array([sum(correlate(padded[r + i], k[i], "valid") for i in range(k.shape[0]))
                     for r in range(padded.shape[0] - k.shape[0] + 1)])
    return full[::stride, ::stride]
