"""Baseline workers kept between gradings (autograder.sandbox.host._Baselines): is one reused by the next grading
of the process, replaced when it died or failed, and ended with the process?"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from test_host import submission, timed

from autograder.sandbox import SandboxOptions, host, run_calls
from autograder.sandbox.isolation import Level, Policy, choose
from autograder.sandbox.protocol import Timing

REPO = Path(__file__).resolve().parents[2]
FAST = """
    def fast(a, b):
        return a + b
"""


@pytest.fixture
def baselines(monkeypatch):
    """A store of this test's own, ended after it (the process's store may hold other tests' workers)."""
    store = host._Baselines()
    monkeypatch.setattr(host, "_BASELINES", store)
    yield store
    store.close()


def kept(store: host._Baselines) -> list[int]:
    return [worker.pid for idle in store._idle.values() for worker in idle]


def timed_fast(folder: Path):
    a = np.ones((100, 100))
    return run_calls(folder, [timed("fast", a=a, b=a)], {"m": ["fast"]}).outcomes["fast/case"]


def test_the_next_grading_times_against_the_same_baseline_worker(tmp_path, baselines):
    """Two gradings one after the other in one process (a job of grade-all): is the second speed case timed
    against the worker the first one started, with its bound measured once?"""
    folder = submission(tmp_path, m=FAST)
    first = timed_fast(folder)
    after_first = kept(baselines)
    second = timed_fast(folder)
    assert first.timing is not None and second.timing is not None, (first, second)
    assert len(after_first) == 1 and kept(baselines) == after_first
    worker = baselines._idle[next(iter(baselines._idle))][0]
    assert len(worker.bounds) == 1 and worker.home is not None and worker.home.is_dir()


def test_a_kept_baseline_that_died_is_replaced_without_a_grader_error(tmp_path, baselines):
    """If the kept worker is killed between two gradings (the OOM killer, an operator), does the next grading
    start another one, and time its speed case as if nothing happened?"""
    folder = submission(tmp_path, m=FAST)
    timed_fast(folder)
    (dead,) = kept(baselines)
    os.kill(dead, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while host._running(dead) and time.monotonic() < deadline:
        time.sleep(0.01)
    outcome = timed_fast(folder)
    assert outcome.timing is not None and not outcome.grader_fault, outcome
    assert kept(baselines) and dead not in kept(baselines)


def test_a_baseline_that_failed_is_not_kept(tmp_path, baselines):
    """A baseline worker that failed a request (here: it cannot import the baseline) is ended, not kept."""
    folder = submission(tmp_path, m=FAST)
    speed = replace(timed("fast", a=1, b=2), timing=Timing("nowhere.to.be.found", ("a", "b"), 5, 10.0))
    outcome = run_calls(folder, [speed], {"m": ["fast"]}).outcomes["fast/case"]
    assert outcome.grader_fault and "nowhere.to.be.found, the speed case's baseline, cannot be run here" in \
        outcome.message, outcome
    assert kept(baselines) == []


def test_kept_baselines_end_with_the_process(tmp_path):
    """When the grader process ends, are its kept baseline workers and their folders gone?"""
    folder = submission(tmp_path, m=FAST)
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        import numpy as np
        from test_host import timed
        from autograder.sandbox import host, run_calls
        a = np.ones((100, 100))
        outcome = run_calls(Path({str(folder)!r}), [timed("fast", a=a, b=a)], {{"m": ["fast"]}}).outcomes["fast/case"]
        assert outcome.timing is not None, outcome
        (worker,) = [w for idle in host._BASELINES._idle.values() for w in idle]
        print(worker.pid, worker.home)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    pid, home = done.stdout.split()
    deadline = time.monotonic() + 5
    while host._running(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not host._running(int(pid)) and not Path(home).exists()


REACH = """
    import os

    def fast(a, b):
        for pid in os.listdir("/proc"):
            try:
                if "autograder-baseline-" in os.readlink(f"/proc/{pid}/cwd"):
                    with open(f"/proc/{pid}/mem", "r+b"):
                        return a + b + 1000  # it could have changed the baseline's code
            except OSError:
                pass
        return a + b
"""


@pytest.mark.parametrize("isolation", [Policy.PROCESS, Policy.NAMESPACES])
def test_a_baseline_a_student_could_reach_is_never_kept(tmp_path, baselines, isolation):
    """Under process isolation alone, the student's worker runs with the grader's uid beside the baseline worker
    and can open its /proc/PID/mem (a red team's observation: seccomp refuses ptrace, not an open): such a baseline
    would carry what the student wrote into it to the next student's grading. Is it ended with its grading? And
    with namespaces (a private uid), is the baseline out of the worker's reach, and kept?"""
    if isolation is Policy.NAMESPACES and choose(Policy.AUTO).level is Level.PROCESS:
        pytest.skip("no namespaces here")
    folder = submission(tmp_path, m=REACH)
    a = np.ones((100, 100))
    outcome = run_calls(folder, [timed("fast", a=a, b=a)], {"m": ["fast"]},
                        SandboxOptions(isolation=isolation)).outcomes["fast/case"]
    if isolation is Policy.PROCESS:
        assert kept(baselines) == []
    else:
        assert float(np.asarray(outcome.value).max()) == 2.0, outcome  # it found no baseline it could open
        assert len(kept(baselines)) == 1
