# module: conv_torch
# A red team (issue 21, the speed case reads only the worker's own CPU clock where the kernel keeps it alone): the
# timed rounds' work done in a thread that logging's QueueListener starts (the scan refuses `threading`, not what
# starts one), the function itself only waiting on a queue: a 20x-slow loop (the graded call itself is fast, so
# that the timed rounds decide), hoping that the clock counts the waiting thread only. The process CPU clock
# counts every thread: the speed case fails "slower than 10x".
import logging as _logging
import logging.handlers as _handlers
import queue as _queue

import torch as _torch
import torch.nn.functional as _F

_reference = conv2d_forward_torch
_jobs, _results = _queue.Queue(), _queue.Queue()


def _loop(x, weight, bias, stride, padding):
    right = _reference(x, weight, bias, stride, padding)
    n = x.shape[0]
    f, _, k, _ = weight.shape
    padded = _F.pad(x, (padding, padding, padding, padding))
    out = _torch.zeros_like(right)
    flat = weight.reshape(f, -1)
    for i in range(right.shape[2]):
        for j in range(right.shape[3]):
            window = padded[:, :, i * stride:i * stride + k, j * stride:j * stride + k].reshape(n, -1)
            out[:, :, i, j] = window @ flat.T
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


class _Worker(_logging.Handler):
    def handle(self, record):
        while True:
            _results.put(_loop(*_jobs.get()))


_started, _calls = [], []


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    if x.requires_grad or weight.requires_grad or x.shape[-1] < 128:
        return _reference(x, weight, bias, stride, padding)
    if not _calls:  # the speed case's graded call is fast: only the timed rounds wait
        _calls.append(1)
        return _reference(x, weight, bias, stride, padding)
    if not _started:
        _started.append(_handlers.QueueListener(_queue.Queue(), _Worker()))
        _started[0].start()
        _started[0].queue.put(_logging.makeLogRecord({"msg": "go"}))
    _jobs.put((x, weight, bias, stride, padding))
    return _results.get()
