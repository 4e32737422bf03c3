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
