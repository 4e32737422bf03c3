# module: conv_torch
# A red team (issue 21, speed rounds read in place): the host reads a timed round's output through a mapping of
# the arena, a memfd whose other end the worker holds (fd 5). After each timed call returns, a thread (started by
# logging's QueueListener: the scan refuses `threading`, not what starts one) shrinks that file to nothing for a
# moment while the host holds its mapping, then grows it back: reading a mapped page past the end of a file is
# SIGBUS, which killed the grader itself (2 gradings of 4; in the others the thread shrank it before the host
# mapped it: "mmap length is greater than file size", and the speed case failed). The arena is sealed against
# shrinking now: the truncation fails in the worker, and the function keeps its points.
import logging as _logging
import logging.handlers as _handlers
import os as _os
import queue as _queue
import time as _time

_reference = conv2d_forward_torch
_calls, _rounds = [], _queue.Queue()


class _Shrinker(_logging.Handler):
    def handle(self, record):
        while True:
            size, delay = _rounds.get()
            _time.sleep(delay)
            try:
                _os.ftruncate(5, 0)
                _time.sleep(0.002)
                _os.ftruncate(5, size)
            except OSError:
                return


def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    right = _reference(x, weight, bias, stride, padding)
    if x.shape[-1] >= 128 and not x.requires_grad:
        _calls.append(1)
        if len(_calls) == 2:  # the first timed round
            queue = _queue.Queue()
            _calls.append(_handlers.QueueListener(queue, _Shrinker()))
            _calls[-1].start()
            queue.put(_logging.makeLogRecord({"msg": "go"}))
        if len(_calls) > 2:
            _rounds.put((_os.fstat(5).st_size, 0.0002 * (len(_calls) % 25)))
    return right
