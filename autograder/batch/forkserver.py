"""Imported first by multiprocessing's fork server of `grade-all`'s process pool (executors.PRELOAD), and only
there: the server dies with the process that started it.

Each job process is a child of the fork server, not of `grade-all`, and dies with its parent (executors.
_job_process sets PR_SET_PDEATHSIG); the server itself would otherwise live on after `grade-all` is killed
(SIGKILL, no clean-up: every job process holds the server's "alive" pipe, so the server never sees it close) and
keep the job processes, their warm pools and workers with it. Linux only; elsewhere nothing happens.
"""
from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the setting took: it will never fire
        os._exit(1)


_die_with_parent()
