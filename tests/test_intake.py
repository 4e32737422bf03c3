"""intake.read_modules: each module of a submission size-checked before the host parses it."""
from __future__ import annotations

import os
import time

from autograder.intake import MAX_MODULE_BYTES, read_modules


def test_a_module_within_the_cap_is_read(tmp_path):
    """Is a module of at most MAX_MODULE_BYTES read as text, undecodable bytes replaced?"""
    (tmp_path / "shapes.py").write_bytes(b"x = 1  # caf\xe9\n")
    source = read_modules(tmp_path, ("shapes",))["shapes"]
    assert source.text == "x = 1  # caf\ufffd\n" and source.problem == ""


def test_a_module_over_the_cap_is_refused_unread(tmp_path):
    """Is a 4 MiB module refused at once, with its size and the cap, and its text never read?"""
    (tmp_path / "filters.py").write_text("_TABLE = [" + "0, " * (4 * 2**20 // 3) + "]\n")
    started = time.perf_counter()
    source = read_modules(tmp_path, ("filters",))["filters"]
    assert time.perf_counter() - started < 0.1
    assert source.text is None
    assert source.problem.startswith(f"filters.py: 4.0 MiB, more than the {MAX_MODULE_BYTES // 1024} KiB a module "
                                     f"may have")


def test_missing_modules_and_links_are_left_to_the_worker(tmp_path):
    """Is a missing module, or one that is a link (never copied into the sandbox), no problem here and no text?"""
    (tmp_path / "real.py").write_text("x = 1\n")
    os.symlink(tmp_path / "real.py", tmp_path / "linked.py")
    sources = read_modules(tmp_path, ("absent", "linked"))
    assert [(s.text, s.problem) for s in sources.values()] == [(None, ""), (None, "")]
