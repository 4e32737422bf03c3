"""grade-all's local executors (autograder.batch.executors): how a job process starts."""
from __future__ import annotations

import gc

from autograder.batch.executors import PRELOAD, LocalExecutor


def _state() -> tuple[int, list[str]]:
    import sys

    return gc.get_freeze_count(), [name for name in PRELOAD if name in sys.modules]


def test_a_job_process_starts_with_the_imports_done_and_out_of_the_collectors_way():
    """Is a job process forked with the grader, NumPy and torch imported already (the fork server's preloads),
    and are those objects frozen, so that the collector's full passes do not walk them at every tenth grading?"""
    executor = LocalExecutor("processes", 1, None)
    try:
        frozen, loaded = executor.submit(_state).result(timeout=300)
    finally:
        executor.close()
    assert frozen > 50_000, frozen
    assert {"numpy", "torch", "autograder.pipeline"} <= set(loaded), loaded
