"""The grader's temporary folders: held while their maker lives, removed by the next command once it is gone."""
from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import tempfile

import pytest

from autograder import cli, tempfolders


@pytest.fixture
def tmp(tmp_path, monkeypatch):
    """The system's temporary folder, for this test alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def killed_maker(tmp, prefix="autograder-batch-") -> str:
    """A folder made by a process that was then killed with SIGKILL (no clean-up), with a file in it."""
    code = ("import os, signal; from autograder import tempfolders\n"
            f"p = tempfolders.make({prefix!r}); (p / 'conv_numpy.py').write_text('x = 1')\n"
            "print(p, flush=True); os.kill(os.getpid(), signal.SIGKILL)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp)}, timeout=60)
    assert done.returncode == -signal.SIGKILL
    return done.stdout.strip()


def test_a_folder_is_held_while_its_maker_lives_and_removed_by_it(tmp):
    """Is a new folder marked and locked (a sweep leaves it, even with no grace), and gone after `remove`?"""
    folder = tempfolders.make("autograder-files-")
    assert folder.parent == tmp and (folder / tempfolders.HELD).is_file()
    assert tempfolders.sweep(grace=0) == [] and folder.is_dir()
    fd = os.open(folder, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    tempfolders.remove(folder)
    assert not folder.exists()
    with tempfolders.folder("autograder-upload-") as scratch:
        assert scratch.is_dir()
    assert not scratch.exists()


def test_a_killed_makers_folder_is_removed_by_the_next_sweep_once_past_the_grace(tmp):
    """Does a folder whose maker was SIGKILLed survive it, stay while younger than the grace, and go after?"""
    left = killed_maker(tmp)
    assert os.path.isfile(os.path.join(left, "conv_numpy.py"))
    assert tempfolders.sweep() == []  # younger than GRACE_SECONDS: it may be between its making and its lock
    assert [str(p) for p in tempfolders.sweep(grace=0)] == [left]
    assert not os.path.exists(left)


def test_the_sweep_touches_only_marked_folders_of_its_own(tmp):
    """Are a folder without the marker, a link named like a folder, a marker that is not a file, and other names
    left alone?"""
    (tmp / "autograder-notes").mkdir()
    (tmp / "autograder-notes" / "keep.txt").write_text("an instructor's own folder")
    target = tmp / "elsewhere"
    target.mkdir()
    (target / tempfolders.HELD).touch()
    (tmp / "autograder-link").symlink_to(target)
    (tmp / "autograder-odd").mkdir()
    (tmp / "autograder-odd" / tempfolders.HELD).mkdir()
    (tmp / "other").mkdir()
    (tmp / "other" / tempfolders.HELD).touch()
    assert tempfolders.sweep(grace=0) == []
    assert sorted(p.name for p in tmp.iterdir()) == ["autograder-link", "autograder-notes", "autograder-odd",
                                                     "elsewhere", "other"]


def test_a_folder_a_worker_made_unwritable_is_removed(tmp):
    """Is a killed maker's folder removed even where a worker left folders without write permission?"""
    left = killed_maker(tmp, "autograder-")
    os.makedirs(os.path.join(left, "work", "deep"))
    open(os.path.join(left, "work", "deep", "f"), "w").close()
    os.chmod(os.path.join(left, "work", "deep"), 0o500)
    os.chmod(os.path.join(left, "work"), 0o500)
    assert [str(p) for p in tempfolders.sweep(grace=0)] == [left]
    assert not os.path.exists(left)


def test_every_command_sweeps_first(tmp, monkeypatch):
    """Does an `autograder` command remove what a killed grading left (here a command that then fails)?"""
    left = killed_maker(tmp)
    monkeypatch.setattr(tempfolders, "GRACE_SECONDS", 0.0)
    cli.main(["export-grades", str(tmp / "no-such-folder")])
    assert not os.path.exists(left)


def test_a_name_outside_the_graders_is_refused():
    with pytest.raises(ValueError, match="autograder-"):
        tempfolders.make("mine-")
