"""The host's handling of processes (autograder/sandbox/process.py): are a private uid's processes, and a sandbox's
processes, all ended at once?"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from autograder.sandbox.isolation import PRIVATE_UID_BASE
from autograder.sandbox.process import kill_uid, running


def wait_gone(pid: int, seconds: float = 5.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if not running(pid):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.skipif(os.geteuid() != 0, reason="private uids exist only for a root grader")
def test_kill_uid_ends_every_process_of_a_private_uid_and_nothing_else():
    """A process left with a private uid (an earlier worker's, whose pid a new worker got after pids wrapped):
    does kill_uid end it, in one kill(-1) under that uid, and leave processes of other uids alone?"""
    uid = PRIVATE_UID_BASE + 999_999_000 % 4_000_000  # a uid no worker of this run has
    stray = subprocess.Popen(["sleep", "60"], user=uid, group=uid,
                             extra_groups=[], start_new_session=True)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    try:
        time.sleep(0.1)
        kill_uid(uid)
        assert stray.wait(timeout=5) == -9
        assert bystander.poll() is None, "a process of another uid was killed"
    finally:
        for process in (stray, bystander):
            process.kill()
            process.wait()
