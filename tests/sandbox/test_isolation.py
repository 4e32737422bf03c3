"""The namespaces jail at each level this machine allows: is the repository invisible, the network refused,
writing confined to the scratch folder, and the worker without privileges?"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from autograder.sandbox import Call, SandboxOptions, run_calls
from autograder.sandbox import isolation as isolation_
from autograder.sandbox.isolation import Isolation, IsolationError, Level, Policy

REPO = Path(__file__).resolve().parents[2]
PROBE = f"""
    import os, socket

    def probe(outside):
        seen = {{}}
        seen["repository"] = os.path.exists({str(REPO / "course.yaml")!r})
        seen["solutions"] = os.path.exists({str(REPO / "solutions")!r})
        seen["home"] = os.path.exists("/root/.bash_history") or os.path.exists(os.path.expanduser("~root/.cache"))
        try:
            socket.create_connection(("127.0.0.1", 1), timeout=1)
            seen["network"] = "connected"
        except OSError as error:
            seen["network"] = error.strerror or str(error)
        try:
            open(outside, "w").close()
            seen["write_usr"] = True
        except OSError:
            seen["write_usr"] = False
        with open("here.txt", "w") as handle:
            handle.write("ok")
        seen["write_scratch"] = True
        status = open("/proc/self/status").read()
        seen["capabilities"] = [line.split()[1] for line in status.splitlines() if line.startswith("CapEff")][0]
        seen["uid"] = os.getuid()
        seen["processes_visible"] = len([p for p in os.listdir("/proc") if p.isdigit()])
        return seen
"""


def levels() -> list[Level]:
    """The namespace levels this machine can set up (root as root; user where user namespaces are allowed)."""
    import sys

    return [level for level in (Level.ROOT, Level.USER) if not isolation_._probe(level, sys.executable)
            and (level is Level.USER or __import__("os").geteuid() == 0)]


OUTSIDE = "/usr/autograder-was-here"


def run_probe(tmp_path: Path, monkeypatch, level: Level, outside: str = OUTSIDE, warm_pool: bool = True) -> dict:
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "m.py").write_text(textwrap.dedent(PROBE))
    monkeypatch.setattr(isolation_, "choose", lambda policy, python: Isolation(level))
    call = Call(key="probe/case", exercise="probe", module="m", function="probe", args={"outside": outside},
                case_seconds=20.0)
    outcome = run_calls(folder, [call], {"m": ["probe"]}, SandboxOptions(warm_pool=warm_pool)).outcomes["probe/case"]
    assert outcome.value is not None, outcome
    return outcome.value


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
@pytest.mark.parametrize("level", [Level.ROOT, Level.USER])
def test_jail_hides_the_repository_and_the_network(tmp_path, monkeypatch, level, warm_pool):
    """Does the worker see no repository, reach no network, write only its scratch folder, and hold no
    capabilities, at this level, forked from the warm pool (isolation set up after the fork) or started cold?"""
    if level not in levels():
        pytest.skip(f"this machine cannot set up the {level.value} level (see docs/security.md)")
    seen = run_probe(tmp_path, monkeypatch, level, warm_pool=warm_pool)
    assert seen["repository"] is False and seen["solutions"] is False and seen["home"] is False
    assert seen["network"] == "Network is unreachable"
    assert seen["write_usr"] is False and seen["write_scratch"] is True
    assert seen["capabilities"] == "0000000000000000"
    assert seen["uid"] != 0
    if level is Level.ROOT:
        assert seen["uid"] >= isolation_.PRIVATE_UID_BASE
        assert seen["processes_visible"] <= 3  # its own (hidepid): the worker and what it started
    assert not Path(OUTSIDE).exists()


def test_process_level_still_runs(tmp_path, monkeypatch):
    """Does the fallback level (no namespaces) grade, and is it as open as docs/security.md says (it can write
    outside its folder, which is why namespaces are preferred)?"""
    seen = run_probe(tmp_path, monkeypatch, Level.PROCESS, outside=str(tmp_path / "outside"))
    assert seen["write_scratch"] is True and seen["write_usr"] is True


def test_required_namespaces_stop_with_a_reason(monkeypatch):
    """Does `isolation: namespaces` on a machine that refuses them stop with a message naming why?"""
    monkeypatch.setattr(isolation_, "_probe", lambda level, python: "unshare(user, mount, network): Operation "
                                                                    "not permitted")
    with pytest.raises(IsolationError, match="Operation not permitted.*docs/security.md"):
        isolation_.choose(Policy.NAMESPACES)
    chosen = isolation_.choose(Policy.AUTO)
    assert chosen.level is Level.PROCESS and "Operation not permitted" in chosen.reason
    assert isolation_.choose(Policy.PROCESS).level is Level.PROCESS


@pytest.mark.parametrize("level", [Level.ROOT, Level.USER])
def test_a_visible_folder_under_tmp_stays_visible(tmp_path, level):
    """Is a read-only path under /tmp (a virtualenv made there, as in a fresh clone in /tmp) still seen in the jail,
    not hidden by the jail's own fresh /tmp?"""
    import subprocess
    import sys
    import tempfile

    if level not in levels():
        pytest.skip(f"this machine cannot set up the {level.value} level (see docs/security.md)")
    library = Path(tempfile.mkdtemp(prefix="autograder-test-library-", dir="/tmp"))
    try:
        library.chmod(0o755)  # readable by the worker's private uid, as a virtualenv is
        (library / "here.txt").write_text("seen")
        scratch = tmp_path / "scratch"
        (scratch / "work").mkdir(parents=True)
        check = f"import sys; sys.exit(0 if open({str(library / 'here.txt')!r}).read() == 'seen' else 3)"
        visible = isolation_.visible_paths(sys.executable, []) + [str(library)]
        argv = isolation_.command(Isolation(level), scratch, [sys.executable, "-I", "-S", "-c", check],
                                  {"PATH": "/usr/bin:/bin"}, scratch / "work", visible, [scratch / "work"], 64)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        import shutil

        shutil.rmtree(library, ignore_errors=True)


FILL = """
    import os
    held = []
    def fill(folder):
        if folder == "memfd":  # memory in files with no name: neither a folder's size nor RLIMIT_AS counts it
            for number in range(20):
                fd = os.memfd_create(f"fill-{number}")
                os.posix_fallocate(fd, 0, 8 * 2**20)
                held.append(fd)
            return "holds 160 MB"
        if folder == "unlinked":  # the same with files unlinked from the temporary folder (no seccomp rule for it)
            for number in range(20):
                path = os.path.join(os.environ["TMPDIR"], f"gone-{number}")
                fd = os.open(path, os.O_CREAT | os.O_RDWR)
                os.unlink(path)
                os.posix_fallocate(fd, 0, 8 * 2**20)
                held.append(fd)
            return "holds 160 MB"
        target = os.environ["TMPDIR"] if folder == "tmp" else "."
        block = b"\\0" * (8 * 2**20)
        for number in range(20):
            with open(os.path.join(target, f"fill-{number}.bin"), "wb") as handle:
                handle.write(block)
        return "wrote 160 MB"
"""


@pytest.mark.parametrize("folder", ["work", "tmp", "memfd", "unlinked"])
@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
@pytest.mark.parametrize("level", [Level.ROOT, Level.USER, Level.PROCESS])
def test_the_disk_quota_bounds_what_a_worker_writes_in_all(tmp_path, monkeypatch, level, warm_pool, folder):
    """Files each within the per-file limit, 160 MB together, against `disk_mb` = 64: stopped by the kernel
    ("No space left on device", a tmpfs of disk_mb in the jail) or, without namespaces, by the host's watch of the
    scratch folder ("wrote more than the disk limit"), in its folder and in its temporary folder alike? And memory
    in memfds: refused by the seccomp filter (a host's watch between two looks is a race under load)."""
    if level is not Level.PROCESS and level not in levels():
        pytest.skip(f"this machine cannot set up {level.value} namespaces")
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "m.py").write_text(textwrap.dedent(FILL))
    monkeypatch.setattr(isolation_, "choose", lambda policy, python: Isolation(level))
    call = Call(key="fill/case", exercise="fill", module="m", function="fill", args={"folder": folder},
                case_seconds=20.0)
    outcome = run_calls(submission, [call], {"m": ["fill"]},
                        SandboxOptions(warm_pool=warm_pool, disk_mb=64)).outcomes["fill/case"]
    if folder == "memfd" and not isolation_.process_filter():  # refused at the source, whatever the load
        assert outcome.kind.value == "raised" and outcome.error_type == "PermissionError", outcome
    elif level is Level.PROCESS or folder == "memfd":
        assert outcome.kind.value == "crashed" and "disk limit of 64 MB" in outcome.message, outcome
    else:
        assert outcome.kind.value == "raised" and "No space left on device" in outcome.message, outcome


NATIVE = """
    import ctypes, os, shutil

    def load(library):
        seen = {}
        for where in (".", "/tmp", "/dev/shm"):  # the data file as the submission brought it, and copies the code made
            path = os.path.join(where, "payload.bin")
            if where != ".":
                shutil.copyfile("payload.bin", path)
            try:
                ctypes.CDLL(os.path.abspath(path))
                seen[where] = "loaded"
            except OSError as error:
                seen[where] = str(error)
        ctypes.CDLL(library)  # the system's own libraries still load
        return seen
"""


@pytest.mark.parametrize("warm_pool", [True, False], ids=["warm", "cold"])
@pytest.mark.parametrize("level", [Level.ROOT, Level.USER])
def test_a_native_library_brought_as_data_cannot_be_loaded(tmp_path, monkeypatch, level, warm_pool):
    """A shared object named as data (`payload.bin`) is copied into the worker's folder; a red team (issue 21) had
    torch.classes.load_library run its constructor, which ran Python text the scan never read. Are the worker's
    writable folders (its own, /tmp, /dev/shm) mounted noexec, so that no file the submission brings or writes can
    be mapped as code, while the system's libraries still load?"""
    import ctypes.util

    if level not in levels():
        pytest.skip(f"this machine cannot set up the {level.value} level (see docs/security.md)")
    library = ctypes.util.find_library("m")
    resolved = next((str(p) for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
                                      "/lib", "/usr/lib") for p in [Path(d) / library] if p.exists()), None)
    if resolved is None:
        pytest.skip("no libm to bring as a payload")
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "m.py").write_text(textwrap.dedent(NATIVE))
    (folder / "payload.bin").write_bytes(Path(resolved).read_bytes())
    monkeypatch.setattr(isolation_, "choose", lambda policy, python: Isolation(level))
    call = Call(key="native/case", exercise="native", module="m", function="load", args={"library": library},
                case_seconds=20.0)
    outcome = run_calls(folder, [call], {"m": ["load"]}, SandboxOptions(warm_pool=warm_pool)).outcomes["native/case"]
    assert outcome.value is not None, outcome
    for where, result in outcome.value.items():
        assert result != "loaded" and "failed to map segment" in result, (where, result)
