"""Does the progress bar show how far the batch is and when it will end, on a terminal and in a log?"""
from __future__ import annotations

import io

from autograder.batch.progress import Progress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_one_line_per_student_in_a_log_with_an_eta_from_the_graded_ones():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(10, stream=stream, tty=False, clock=clock)
    progress.skipped(4)
    assert progress.eta_seconds() is None
    clock.now += 30
    progress.finished("alice", "96/100")
    clock.now += 30
    progress.finished("bob", "0/100")
    progress.close()
    assert progress.eta_seconds() == 4 * 30  # 30 s a student, 4 left; the skipped ones cost nothing
    assert stream.getvalue() == ("[ 4/10] 4 already graded, skipped (--force grades them again)  (ETA --:--)\n"
                                 "[ 5/10] alice: 96/100  (ETA 2:30)\n"
                                 "[ 6/10] bob: 0/100  (ETA 2:00)\n")


def test_a_terminal_gets_one_redrawn_bar():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(4, stream=stream, tty=True, width=8, clock=clock)
    clock.now += 3725
    progress.finished("a_long_student_name", "1/2")
    progress.finished("bob", "2/2")
    progress.close()
    first = "[##......] 1/4  25% ETA 3:06:15  a_long_student_name: 1/2"
    second = "[####....] 2/4  50% ETA 1:02:05  bob: 2/2"
    assert stream.getvalue() == f"\r{first}\r{second}{' ' * (len(first) - len(second))}\n"
