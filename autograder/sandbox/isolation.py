"""How strongly the student's process is isolated on this machine, and the command line that does it.

Three levels, chosen by `sandbox.isolation` in course.yaml (`auto` picks the strongest this machine allows):

- **namespaces as root** (the grader runs as root: CI runners, Docker, Gradescope): the worker gets a private
  uid, an empty root file system holding only the interpreter, its libraries and the scratch copy of the
  submission, no network, and a process-count limit.
- **namespaces as a user** (unprivileged user namespaces are enabled): the same file system and network
  isolation under the grader's own uid; no process-count limit (RLIMIT_NPROC would count the user's processes).
- **process** (namespaces are refused, e.g. Docker's default seccomp profile): resource limits, a scratch
  folder, an empty environment and no repository path on `sys.path`, but the file system is visible with the
  grader's permissions. docs/security.md says what this means.

At every level, where `process_filter` says it works, the worker also runs under a seccomp filter that refuses
new processes, exec and signals to other processes (process_filter.py).
"""
from __future__ import annotations

import enum
import functools
import json
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

JAIL_SOURCE = Path(__file__).with_name("jail.py")
FILTER_SOURCE = Path(__file__).with_name("process_filter.py")
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
PRIVATE_UID_BASE = 1_000_000
"""Workers of a root grader run as PRIVATE_UID_BASE + the worker's pid (jail.py's UID_BASE): unique among running
workers, so two submissions graded at once can neither signal each other nor share a process count."""


class Policy(enum.Enum):
    AUTO = "auto"
    """Namespaces where the machine allows them, process isolation otherwise."""
    NAMESPACES = "namespaces"
    """Namespaces or nothing: grading stops with a clear message where they are refused."""
    PROCESS = "process"
    """Resource limits and a scratch folder only (debugging, or machines with their own outer sandbox)."""


class Level(enum.Enum):
    ROOT = "root"
    USER = "user"
    PROCESS = "process"

    @property
    def describe(self) -> str:
        return {Level.ROOT: "namespaces (private uid, private file system, no network, process limit)",
                Level.USER: "user namespace (private file system, no network)",
                Level.PROCESS: "process limits only (file system visible, network allowed)"}[self]


class IsolationError(Exception):
    """The course asks for namespaces and this machine refuses them."""


@dataclass(frozen=True)
class Isolation:
    level: Level
    reason: str = ""
    """Why the level is below ROOT/USER (what the kernel refused), for the instructor."""


@functools.lru_cache(maxsize=None)
def _probe(level: Level, python: str) -> str:
    """'' when `level` can be set up here, else the reason. Run once per grader process (about 30 ms)."""
    try:
        done = subprocess.run([python, "-I", "-S", str(JAIL_SOURCE), "--probe", level.value],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"exit status {done.returncode}")


@functools.lru_cache(maxsize=None)
def process_filter(python: str = sys.executable) -> str:
    """'' when the worker's seccomp filter (process_filter.py: no new process, no exec, no signal to another
    process) works with `python` on this machine, else why not. Run once per grader process (0.3-1 s: the
    binding's import runs `ldconfig -p` to find libseccomp).
    Independent of the level: the filter holds in namespaces and without them alike."""
    if not sys.platform.startswith("linux"):
        return f"seccomp is Linux only (this is {sys.platform})"
    try:
        done = subprocess.run([python, "-I", "-S", "-c", _FILTER_PROBE, str(FILTER_SOURCE), *site_packages()],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"exit status {done.returncode}")


_FILTER_PROBE = """
import runpy, sys
sys.path[:0] = sys.argv[2:]
sys.argv = [sys.argv[1], "--probe"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@functools.cache
def install_paths() -> dict[str, str]:
    """sysconfig's paths of this interpreter, read once: they do not change while it runs, and reading them
    (a dozen templates expanded) cost 0.2 ms each time, several times per grading."""
    return dict(sysconfig.get_paths())


def site_packages() -> list[str]:
    """Where the worker imports libraries from (host.library_paths, without importing host)."""
    paths = [install_paths()[k] for k in ("purelib", "platlib")]
    paths += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    return list(dict.fromkeys(p for p in paths if os.path.isdir(p)))


def choose(policy: Policy, python: str = sys.executable) -> Isolation:
    if policy is Policy.PROCESS or not sys.platform.startswith("linux"):
        return Isolation(Level.PROCESS, "sandbox.isolation is 'process'" if policy is Policy.PROCESS
                         else f"namespaces are Linux only (this is {sys.platform})")
    reasons = []
    for level in ((Level.ROOT, Level.USER) if os.geteuid() == 0 else (Level.USER,)):
        refused = _probe(level, python)
        if not refused:
            return Isolation(level)
        reasons.append(f"{level.value}: {refused}")
    reason = "; ".join(reasons)
    if policy is Policy.NAMESPACES:
        raise IsolationError(f"course.yaml asks for sandbox.isolation: namespaces, but this machine refuses them "
                             f"({reason}); run the grader where user namespaces are allowed (see docs/security.md) "
                             f"or set isolation: auto")
    return Isolation(Level.PROCESS, reason)


def visible_paths(python: str, libraries: list[str]) -> list[str]:
    """What the worker sees read-only: system folders, the interpreter's installation and site-packages."""
    interpreter = os.path.realpath(python)
    prefixes = {sys.base_prefix, sys.base_exec_prefix, install_paths()["stdlib"], install_paths()["platstdlib"],
                os.path.dirname(interpreter)}
    paths = [p for p in SYSTEM_PATHS if os.path.exists(p)]
    paths += sorted(p for p in prefixes if p and os.path.isdir(p))
    paths += [os.path.realpath(p) for p in libraries]
    return list(dict.fromkeys(paths))


def command(isolation: Isolation, scratch: Path, argv: list[str], env: dict[str, str], cwd: Path,
            visible: list[str], owned: list[Path], processes: int, disk_mb: int | None = None) -> list[str]:
    """The command line that runs `argv` (its first item an interpreter) under `isolation`; `owned` are the
    folders the worker may write (its working copy, its temporary folder)."""
    config = jail_config(isolation, scratch, env, cwd, visible, owned, processes, disk_mb)
    if config is None:
        return argv
    path = scratch / "jail.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return [argv[0], "-I", "-S", str(JAIL_SOURCE), str(path), "--", os.path.realpath(argv[0]), *argv[1:]]


def jail_config(isolation: Isolation, scratch: Path, env: dict[str, str], cwd: Path, visible: list[str],
                owned: list[Path], processes: int, disk_mb: int | None = None) -> dict | None:
    """jail.py's configuration (also what the warm pool's child enters after the fork); None for PROCESS."""
    if isolation.level is Level.PROCESS:
        return None
    scratch.chmod(0o755)  # the worker's private uid must reach its folders; the rest of scratch stays root's
    return {"mode": isolation.level.value, "root": str(scratch / "root"), "visible": visible,
            "writable": [str(scratch)], "owned": [str(p) for p in owned], "cwd": str(cwd), "env": env,
            "processes": processes, "disk_mb": disk_mb}


def private_uid(isolation: Isolation, pid: int) -> int | None:
    """The uid the worker with this pid runs as, where it has one of its own."""
    return PRIVATE_UID_BASE + pid if isolation.level is Level.ROOT else None
