"""The warm pool (autograder.sandbox.pool, zygote.py): are forked workers fast, as isolated as cold ones, and
is the server untouched by what a child does?"""
from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import replace

import pytest
from test_host import call, run, submission

from autograder.sandbox import OutcomeKind, pool
from autograder.sandbox.host import base_env, library_paths
from autograder.sandbox.isolation import Level, Policy, choose

LEVELS = [Policy.PROCESS] + ([Policy.NAMESPACES] if choose(Policy.AUTO).level is not Level.PROCESS else [])


def test_workers_are_forked_from_the_pool_and_start_fast(tmp_path):
    """Once the server has imported torch, does a worker that needs torch start in a fraction of the time a
    fresh interpreter takes to import it?"""
    folder = submission(tmp_path, m="""
        import torch
        def f():
            return 1
    """)
    slow = replace(call("f"), case_seconds=60.0)  # importing torch is charged to the import of m.py
    run(folder, slow)  # starts the server (imports torch once)
    started = time.perf_counter()
    report = run(folder, slow)
    warm = time.perf_counter() - started
    assert report.pooled == report.starts == 1
    assert report.outcomes["f/case"].value == 1
    started = time.perf_counter()
    cold = run(folder, slow, warm_pool=False)
    cold_seconds = time.perf_counter() - started
    assert cold.pooled == 0 and cold.outcomes["f/case"].value == 1
    assert warm < cold_seconds / 2, (warm, cold_seconds)


@pytest.mark.parametrize("isolation", LEVELS)
def test_a_forked_worker_holds_nothing_of_the_grader(tmp_path, isolation):
    """Does a forked worker see no grader module, no repository path, and only its own environment, with the
    scratch marker that lets the host find its escaped children?"""
    folder = submission(tmp_path, m="""
        import os, sys
        def look():
            return {"grader": sorted(m for m in sys.modules if m.startswith("autograder")),
                    "paths": [p for p in sys.path if "tests" in p or p.endswith("main")],
                    "environ": sorted(os.environ),
                    "marker": [e.split("=", 1)[1] for e in open("/proc/self/environ").read().split("\\0")
                               if e.startswith("AUTOGRADER_SCRATCH=")],
                    "cwd": os.getcwd()}
    """)
    report = run(folder, call("look"), isolation=isolation)
    assert report.pooled == 1
    seen = report.outcomes["look/case"].value
    assert seen["grader"] == [] and seen["paths"] == []
    assert "AUTOGRADER_SCRATCH" in seen["environ"] and not any(k.startswith("PYTEST") for k in seen["environ"])
    assert seen["marker"] and seen["cwd"].startswith(seen["marker"][0])


def test_a_child_that_crashes_leaves_the_server_running(tmp_path):
    """Do a segmentation fault, an exit and a memory blow-up in forked workers end only those workers, so that
    the next cases still run on forks of the same server?"""
    folder = submission(tmp_path, m="""
        import ctypes, os
        def segfault():
            ctypes.string_at(0)
        def leave():
            os._exit(7)
        def hog():
            blocks = []
            while True:
                blocks.append(bytearray(50 * 2**20))
        def fine():
            return 42
    """)
    report = run(folder, call("segfault"), call("leave"), call("hog"), call("fine"), memory_mb=1200)
    server = server_now()
    assert report.outcomes["segfault/case"].message.endswith("crashed with signal 11 (SIGSEGV)")
    assert "exited with status 7" in report.outcomes["leave/case"].message
    assert report.outcomes["hog/case"].error_type == "MemoryError"
    assert report.outcomes["fine/case"].value == 42
    assert report.pooled == report.starts == 3 and server.alive()
    assert run(folder, call("fine")).pooled == 1 and server_now() \
        is server


def server_now() -> pool.Zygote:
    """The server the host uses in this process (started if there is none)."""
    return pool.zygote(sys.executable, [os.path.realpath(p) for p in library_paths()], base_env())


def test_without_a_pool_workers_start_cold_and_say_so(tmp_path, monkeypatch, caplog):
    """Where the server cannot start, is every worker started cold, with one warning that says why?"""
    def refuse(*args, **kwargs):
        raise pool.PoolError("the warm pool did not start (test)")

    monkeypatch.setattr(pool, "Zygote", refuse)
    monkeypatch.setattr(pool, "_zygotes", {})
    monkeypatch.setattr(pool, "_broken", {})
    folder = submission(tmp_path, m="""
        def f():
            return 5
    """)
    with caplog.at_level(logging.WARNING, logger="autograder.sandbox"):
        first = run(folder, call("f"))
        second = run(folder, call("f"))
    assert first.outcomes["f/case"].value == second.outcomes["f/case"].value == 5
    assert first.pooled == second.pooled == 0
    assert [r.getMessage() for r in caplog.records] == [
        "autograder: the warm pool did not start (test); workers start cold (a fresh interpreter each)"]


def test_a_server_that_died_is_replaced(tmp_path):
    """If the server is killed between two submissions, does the next worker get a new one?"""
    folder = submission(tmp_path, m="""
        def f():
            return 1
    """)
    assert run(folder, call("f")).pooled == 1
    server = server_now()
    server.process.kill()
    server.process.wait()
    report = run(folder, call("f"))
    assert report.pooled == 1 and report.outcomes["f/case"].kind is OutcomeKind.RETURNED
    assert server_now() is not server


def test_prestart_does_not_wait_and_the_first_worker_does(monkeypatch):
    """Does `prestart` start the server without waiting for its imports (they overlap the host's own work), and
    does the first `zygote` call wait for it to be ready, the same server?"""
    monkeypatch.setattr(pool, "_zygotes", {})
    monkeypatch.setattr(pool, "_broken", {})
    paths = [os.path.realpath(p) for p in library_paths()]
    server = pool.prestart(sys.executable, paths, base_env())
    try:
        assert server is not None and server.preloaded is None and server.alive()
        assert pool.prestart(sys.executable, paths, base_env()) is server
        assert pool.zygote(sys.executable, paths, base_env()) is server
        assert {"numpy", "torch"} <= set(server.preloaded)
    finally:
        server.close()


def _job(folder: str) -> tuple[int, list[str]]:
    """In a job process of a process pool: a grading's workers started, and the kinds of server it used."""
    from pathlib import Path

    report = run(Path(folder), call("f"))
    return report.pooled, sorted(type(server).__name__ for server in pool._zygotes.values())


def test_job_processes_use_the_server_of_the_process_that_started_them(tmp_path):
    """grade-all's job processes (a process pool) are handed the server of the process that opened the pool: do
    their workers come from it, without a server of their own?"""
    from autograder.batch.executors import LocalExecutor
    from autograder.sandbox import SandboxOptions
    from autograder.sandbox.host import share_pool

    folder = submission(tmp_path, m="""
        def f():
            return 5
    """)
    executor = LocalExecutor("processes", 1, share_pool(SandboxOptions()))
    try:
        pooled, servers = executor.submit(_job, str(folder)).result(timeout=300)
    finally:
        executor.close()
    assert pooled == 1 and servers == ["Attached"]


def test_a_server_with_a_second_thread_forks_for_nobody(tmp_path, monkeypatch):
    """A server that runs two threads after its imports cannot fork safely (a lock the other thread holds stays
    held in the child): does it refuse to serve by itself, so that a process it is shared with, which never reads
    its `ready`, gets a PoolError (and starts its workers some other way) instead of a fork?"""
    (tmp_path / "starts_a_thread.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n")
    monkeypatch.setattr(pool, "PRELOAD", ("starts_a_thread",))
    paths = [os.path.realpath(p) for p in library_paths()] + [str(tmp_path)]
    server = pool.Zygote(sys.executable, paths, base_env())
    attached = pool.Attached(server.control.dup())
    channels = [*os.pipe(), os.memfd_create("arena")]
    try:
        with pytest.raises(pool.PoolError):
            attached.spawn(tmp_path / "job.json", tmp_path, {}, {}, None, channels)
        assert server.process.wait(timeout=30) == 1  # it said `ready` with 2 threads, then exited by itself
        with pytest.raises(pool.PoolError):
            server.ready()
    finally:
        attached.close()
        server.close()
        for fd in channels:
            os.close(fd)


def _huge_kb(pid: int) -> int:
    for line in open(f"/proc/{pid}/smaps_rollup", encoding="ascii"):
        if line.startswith("AnonHugePages:"):
            return int(line.split()[1])
    return 0


def _collapse_supported() -> bool:
    try:
        enabled = open("/sys/kernel/mm/transparent_hugepage/enabled", encoding="ascii").read()
        release = tuple(int(n) for n in os.uname().release.split(".")[:2])
    except (OSError, ValueError):
        return False
    return "[never]" not in enabled and release >= (6, 1) and os.path.exists("/proc/self/smaps_rollup")


@pytest.mark.skipif(not _collapse_supported(), reason="no transparent huge pages here (MADV_COLLAPSE: Linux 6.1)")
def test_a_server_for_a_class_holds_its_memory_in_huge_pages(tmp_path, monkeypatch):
    """A server started for many gradings (`many`, grade-all's) puts its heap in 2 MB pages before its first fork
    (zygote.py's collapse_memory), which makes each fork and each worker's exit cheaper; one started for a single
    grading does not spend the time. Do both still fork workers that grade?"""
    paths = [os.path.realpath(p) for p in library_paths()]
    folder = submission(tmp_path, m="""
        def f():
            return 5
    """)
    for many, expect_huge in ((True, True), (False, False)):
        monkeypatch.setattr(pool, "_zygotes", {})
        server = pool.Zygote(sys.executable, paths, base_env(), many=many)
        try:
            server.ready()
            huge = _huge_kb(server.process.pid)
            assert (huge >= 32 * 1024) if expect_huge else (huge < 32 * 1024), (many, huge)
            pool.adopt(sys.executable, paths, lambda: server)
            report = run(folder, call("f"))
            assert report.pooled == 1 and report.outcomes["f/case"].value == 5
        finally:
            server.close()
