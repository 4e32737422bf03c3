"""The grader's temporary folders: held while their maker lives, removed by the next command once it is gone."""
from __future__ import annotations

import contextlib
import fcntl
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from autograder import cli, tempfolders


@pytest.fixture
def tmp(tmp_path, monkeypatch):
    """The system's temporary folder, for this test alone."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield tmp_path
    for left in tmp_path.iterdir():  # a failed test's deep folders: pytest's own clean-up recurses
        with contextlib.suppress(OSError):
            tempfolders.rmtree(left)


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


# ---- the red team's breaks of the first version (session 10): each one, rebuilt -------------------------------

def chain(folder, depth: int, name: str = "d") -> None:
    """`depth` nested folders under `folder`, a file at the bottom (deeper than Python's recursion limit)."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir(name, dir_fd=fd)
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(os.open("bottom.py", os.O_CREAT | os.O_WRONLY, dir_fd=fd))
    os.close(fd)


def test_folders_deeper_than_the_recursion_limit_are_removed(tmp):
    """Does a killed maker's folder with chains of 1,500 folders (a worker's, without namespaces) go in one sweep,
    where a recursive removal raised RecursionError in every later command; and does `remove` manage them?"""
    assert sys.getrecursionlimit() < 1500
    left = killed_maker(tmp)
    for name in ("d", "e"):
        chain(left, 1500, name)
    assert [str(p) for p in tempfolders.sweep(grace=0)] == [left]
    own = tempfolders.make()
    (own / "work").mkdir()
    chain(own / "work", 1500)
    tempfolders.remove(own)
    assert list(tmp.iterdir()) == []


def test_a_removal_cut_short_keeps_the_marker_and_the_next_sweep_finishes_it(tmp):
    """Is the marker the last thing removed, so that a removal stopped midway (a SIGKILL; here the sweep's time
    running out) leaves a folder the next sweep still recognises?"""
    left = killed_maker(tmp)
    for index in range(600):
        open(os.path.join(left, f"f{index}"), "w").close()
    with pytest.raises(TimeoutError):
        tempfolders.rmtree(tempfolders.Path(left), deadline=0.0)
    assert os.path.isfile(os.path.join(left, tempfolders.HELD))
    assert 0 < len(os.listdir(left)) < 602
    assert [str(p) for p in tempfolders.sweep(grace=0)] == [left]


def test_a_folder_renamed_away_mid_sweep_leaves_the_temporary_folder_alone(tmp, monkeypatch):
    """Is the system's temporary folder's mode never changed, and nothing raised, when the folder being swept is
    renamed away in the middle (a concurrent clean-up: the first version made /tmp 0700)?"""
    tmp.chmod(0o1777)
    left = killed_maker(tmp)
    os.mkdir(os.path.join(left, "work"))
    real = tempfolders._empty

    def renamed_first(fd, deadline=None):
        os.rename(left, str(tmp / "elsewhere"))
        real(fd, deadline)

    monkeypatch.setattr(tempfolders, "_empty", renamed_first)
    tempfolders.sweep(grace=0)
    assert stat_mode(tmp) == 0o1777
    assert os.listdir(tmp / "elsewhere") == []  # emptied through its descriptor, wherever it went


def stat_mode(path) -> int:
    return os.stat(path).st_mode & 0o7777


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: bind mounts, and a second uid")
def test_a_bind_mount_in_a_swept_folder_is_never_entered(tmp):
    """With root's powers (the `process` level as root) a worker can bind-mount a folder of the machine into a
    marked folder, or onto one: does the sweep leave the mounted folder's files alone (the first version
    emptied it)?"""
    tmp.chmod(0o755)
    script = f"""
import os, subprocess, sys
from autograder import tempfolders
base = {str(tmp)!r}
victim = os.path.join(base, "victim"); os.mkdir(victim); open(os.path.join(victim, "keep"), "w").close()
open(os.path.join(victim, tempfolders.HELD), "w").close()
inside = os.path.join(base, "autograder-inside"); os.makedirs(os.path.join(inside, "mnt"))
open(os.path.join(inside, tempfolders.HELD), "w").close()
onto = os.path.join(base, "autograder-onto"); os.mkdir(onto)
for target in (os.path.join(inside, "mnt"), onto):
    subprocess.run(["mount", "--bind", victim, target], check=True)
os.chmod(victim, 0o1777)
immutable = os.path.join(inside, "immutable"); os.mkdir(immutable)
# the kernel checks the immutable flag (EPERM) before it refuses to move a mount point (EBUSY)
flagged = subprocess.run(["chattr", "+i", immutable], capture_output=True).returncode == 0
if flagged:
    subprocess.run(["mount", "--bind", victim, immutable], check=True)
tempfolders.sweep(base, grace=0)
print(sorted(os.listdir(victim)), os.path.isdir(os.path.join(inside, "mnt")))
print(oct(os.stat(victim).st_mode & 0o7777), flagged, os.path.isfile(os.path.join(inside, tempfolders.HELD)))
if flagged:
    subprocess.run(["umount", immutable]); subprocess.run(["chattr", "-i", immutable])
"""
    done = subprocess.run(["unshare", "-m", "--propagation", "private", sys.executable, "-c", script],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and "unshare failed" in done.stderr:
        pytest.skip(f"no mount namespace here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split("\n")
    assert lines[0] == f"['{tempfolders.HELD}', 'keep'] True"
    assert lines[1].startswith("0o1777") and lines[1].endswith("True"), lines[1]  # mode kept; marker kept


@pytest.fixture
def shared_tmp():
    """A temporary folder another uid can use (pytest's own are its owner's alone)."""
    folder = tempfile.mkdtemp(prefix="tempfolders-test-")
    os.chmod(folder, 0o1777)
    yield pathlib.Path(folder)
    tempfolders.rmtree(pathlib.Path(folder))


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another uid")
def test_a_grader_that_is_not_root_removes_folders_of_mode_0(shared_tmp):
    """As an ordinary user (the grader on a TA's machine), does `remove` empty a folder in which a worker left
    folders and files of mode 0, 1,500 deep, and does a sweep remove a killed maker's like it (the first version
    raised TypeError in every later command)?"""
    tmp = shared_tmp
    script = """
import os, signal, subprocess, sys
from autograder import tempfolders
def spoil(folder):
    os.mkdir(os.path.join(folder, "work"))
    for i in range(20):
        path = os.path.join(folder, "work", f"locked{i}")
        os.mkdir(path); open(os.path.join(path, "f"), "w").close(); os.chmod(path, 0)
    deep = os.path.join(folder, "work", "deep"); os.mkdir(deep)
    fd = os.open(deep, os.O_RDONLY)
    for _ in range(1500):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd); os.fchmod(fd, 0o500); os.close(fd); fd = inner
    os.close(fd)
    os.chmod(os.path.join(folder, "work"), 0o500)
own = tempfolders.make(); spoil(own); tempfolders.remove(own)
print("removed" if not own.exists() else "left")
if sys.argv[1:] == ["killed"]:
    spoil(tempfolders.make()); os.kill(os.getpid(), signal.SIGKILL)
print(len(tempfolders.sweep(grace=0)))
"""
    env = {**os.environ, "TMPDIR": str(tmp), "HOME": str(tmp)}
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", script]
    done = subprocess.run([*nobody, "killed"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert done.stdout.split() == ["removed"] and len(list(tmp.iterdir())) == 1  # the killed maker's
    done = subprocess.run(nobody, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["removed", "1"]
    assert list(tmp.iterdir()) == []


def test_where_no_lock_can_be_taken_the_folder_is_made_unmarked(tmp, monkeypatch):
    """On a file system that takes no flock (some network ones), is grading still possible: the folder made,
    without the marker (so no sweep can take it for a dead maker's), and removed by its maker?"""
    def refused(fd, operation):
        raise OSError(9, "Bad file descriptor")

    monkeypatch.setattr(tempfolders.fcntl, "flock", refused)
    folder = tempfolders.make("autograder-files-")
    assert folder.is_dir() and not (folder / tempfolders.HELD).exists()
    monkeypatch.undo()
    assert tempfolders.sweep(tmp, grace=0) == [] and folder.is_dir()
    tempfolders.remove(folder)
    assert not folder.exists()


def test_what_cannot_be_removed_keeps_the_marker_and_the_rest_goes(tmp, monkeypatch):
    """Where an entry cannot be removed (an immutable file, EPERM: the red team's second round), are the entries
    after it still removed, and does the folder keep its marker so that a later sweep tries again (the marker
    went regardless before)?"""
    left = killed_maker(tmp)
    for name in ("a_first", "stuck", "z_last"):
        open(os.path.join(left, name), "w").close()
    os.makedirs(os.path.join(left, "work", "deep"))
    real = os.unlink

    def refusing(path, *args, **kwargs):
        if path == "stuck":
            raise PermissionError(1, "Operation not permitted")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(tempfolders.os, "unlink", refusing)
    assert tempfolders.sweep(grace=0) == []
    assert sorted(os.listdir(left)) == [tempfolders.HELD, "stuck"]
    monkeypatch.setattr(tempfolders.os, "unlink", real)
    assert [str(p) for p in tempfolders.sweep(grace=0)] == [left]


def test_the_grace_counts_from_the_marker_not_from_the_last_change(tmp):
    """Is a dead maker's folder swept once its marker is old, even where a sweep cut short changed the folder a
    moment ago (the folder's own time restarted the grace before)?"""
    left = killed_maker(tmp)
    old = time.time() - 2 * tempfolders.GRACE_SECONDS
    os.utime(os.path.join(left, tempfolders.HELD), (old, old))
    open(os.path.join(left, "new"), "w").close()  # the folder itself changed just now
    assert [str(p) for p in tempfolders.sweep()] == [left]
