"""Where the jobs run, behind one small interface: `submit(fn, *args)`, `wait_any(futures)`, `close()`.

    processes   a process pool (default): the host side of a grading (reference values with torch, comparisons,
                diagnoses) holds the GIL, so threads serialize it. Measured on 2 cores, 6 full submissions:
                processes 12.2 s, threads 18.8 s, one at a time 21.5 s. The job processes are forked from
                multiprocessing's fork server, which imports the grader and torch once (PRELOAD), and they share
                the warm pool's server of the process that opened the executor (`pool_share`: one server's
                imports for the class, not one per job process)
    threads     a thread pool: no start-up cost, enough where the sandboxed student code dominates
    dask        a Dask distributed cluster: an existing one (`scheduler` address) or a LocalCluster
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from typing import Any, Callable, Iterable

KINDS = ("processes", "threads", "dask")
PRELOAD = ("autograder.batch.forkserver", "autograder.batch.jobs", "autograder.pipeline", "autograder.reporters.html",
           "numpy", "torch")
"""What multiprocessing's fork server imports once before forking each job process (instead of each job process
importing it: torch alone is 1.3 s of CPU). Nothing in it starts a thread, so the forks are safe. The first makes
the server die with `grade-all` (batch/forkserver.py), and the job processes with it."""


class ExecutorError(Exception):
    """The executor cannot be started (dask missing, scheduler unreachable)."""


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class LocalExecutor:
    def __init__(self, kind: str, jobs: int, pool_share: tuple | None = None):
        """`pool_share`: (python, paths, socket) of this process's warm pool server (sandbox.host.share_pool), for
        the job processes to use instead of starting one each."""
        self.slots = jobs
        if kind == "threads":
            self._pool: cf.Executor = cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
        else:  # never a plain fork of this process: forking a process with threads (ours, torch's) can deadlock
            self._pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_job_process,
                                                initargs=(pool_share,))

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        return self._pool.submit(fn, *args)

    def wait_any(self, futures: Iterable[cf.Future]) -> set[cf.Future]:
        return cf.wait(list(futures), return_when=cf.FIRST_COMPLETED).done

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _context():
    """multiprocessing's fork server, with the grader and torch preloaded, where the platform has one; spawn
    elsewhere."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    return context


def _job_process(pool_share: tuple | None) -> None:
    """Each job process's set-up: die with `grade-all`; use its warm pool server where it shares one; leave what
    the fork server imported (the grader, NumPy, torch: 185,000 objects) out of the garbage collector's full
    passes, which otherwise walked all of it about once every ten gradings (130 ms each, 13 ms a grading)."""
    import gc

    _die_with_parent()
    gc.freeze()
    if pool_share is not None:
        from autograder.sandbox import pool

        pool.attach(*pool_share)


def _die_with_parent() -> None:
    """In each pool process (Linux): exit when its parent dies, even by SIGKILL, instead of waiting forever for
    work: `grade-all` with spawn, the fork server (which dies with `grade-all`: batch/forkserver.py) otherwise.
    Elsewhere the pool's own clean-up applies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class DaskExecutor:
    def __init__(self, scheduler: str | None, jobs: int):
        try:
            import distributed
        except ImportError:
            raise ExecutorError("--executor dask needs Dask distributed: pip install 'inf721-autograder[dask]' "
                                "(on this machine and on every worker)") from None
        self._distributed = distributed
        self._cluster = None
        try:
            if scheduler:
                self._client = distributed.Client(scheduler, timeout="20s")
            else:
                self._cluster = distributed.LocalCluster(n_workers=jobs, threads_per_worker=1,
                                                         dashboard_address=None)
                self._client = distributed.Client(self._cluster)
        except (OSError, TimeoutError) as error:
            raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {error}; start it with "
                                f"`dask scheduler` and its workers with `dask worker {scheduler}`") from None
        threads = sum(self._client.nthreads().values())
        self.slots = max(threads, 1)

    def submit(self, fn: Callable[..., Any], *args: Any):
        return self._client.submit(fn, *args, pure=False)  # not pure: a re-submitted job runs again

    def wait_any(self, futures: Iterable[Any]) -> set[Any]:
        return set(self._distributed.wait(list(futures), return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def open_executor(kind: str, jobs: int | None = None, scheduler: str | None = None, pool_share: tuple | None = None):
    """`pool_share` (sandbox.host.share_pool): the warm pool server a local process pool's jobs use."""
    if kind not in KINDS:
        raise ExecutorError(f"unknown executor {kind!r}; use one of {', '.join(KINDS)}")
    if scheduler and kind != "dask":
        raise ExecutorError("--scheduler goes with --executor dask")
    if jobs is not None and jobs < 1:
        raise ExecutorError(f"--jobs {jobs}: give at least 1")
    if kind == "dask":
        return DaskExecutor(scheduler, jobs or default_jobs())
    return LocalExecutor(kind, jobs or default_jobs(), pool_share if kind == "processes" else None)
