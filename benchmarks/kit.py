"""`autograder check` in the student kit against one `python -c "import torch"`: what a student waits for after each
edit. The kit is built into a temporary folder and checked with this interpreter (the same package its wheel
installs), on the untouched stubs, the bundled buggy example and the reference solutions (which train
`learn_filter`), interleaved with the torch imports so that a busy machine slows both alike. Each check is a fresh
process, timed three ways:

    later check   the kit's check server runs (started by an earlier check, autograder/kit/warm.py): every check
                  of a session but its first
    first check   no server runs: the check starts it (what the first check of a session, or after 10 idle
                  minutes, costs)
    no server     AUTOGRADER_CHECK_SERVER=0: the sandbox's own pool in the check's process, as before the server
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "l10_convolutions"
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")
TARGET = 1.5
"""`check` within this many times one `import torch`."""
MODES = ("later check", "first check", "no server")
FOLDERS = {"untouched stubs": ASSIGNMENT, "buggy example": "buggy_student", "reference": "reference"}
WARM_SECONDS = 30.0
"""How long to wait for the server's later imports (torch._dynamo) before timing a later check."""


@dataclass(frozen=True)
class KitTiming:
    import_torch: float
    """Median seconds of `python -c "import torch"`."""
    checks: dict[str, dict[str, float]]
    """Mode (MODES) -> submission -> median seconds of `autograder check` on it in the kit."""


def _seconds(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 where a case fails: still an answer
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout.decode()[-2000:]}")
    return seconds


class _Server:
    """The check server of this interpreter's set-up, as the kit's checks in the benchmark find it."""

    def __init__(self):
        from autograder.sandbox import host

        self.paths = [os.path.realpath(p) for p in host.library_paths()]
        self.env = host.base_env()

    def stop(self) -> None:
        from autograder.kit import warm

        warm.stop(sys.executable, self.paths, self.env)

    def wait_warm(self) -> None:
        """Until the server has imported what it imports between checks (or WARM_SECONDS passed)."""
        from autograder.kit import warm

        deadline = time.monotonic() + WARM_SECONDS
        while time.monotonic() < deadline:
            server = warm.connect(sys.executable, self.paths, self.env, start=False)
            if server is not None:
                server.close()
                if set(warm.LATER) <= set(server.preloaded):
                    return
            time.sleep(0.1)


def measure(repeats: int = 5) -> KitTiming:
    server = _Server()
    with tempfile.TemporaryDirectory(prefix="kit-benchmark-") as scratch:
        kit = Path(scratch) / "kit"
        subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(REPO), "package", "student",
                        "--out", str(kit)], check=True, stdout=subprocess.DEVNULL)
        shutil.copytree(REPO / "examples" / ASSIGNMENT / "buggy_student", kit / "buggy_student")
        (kit / "reference").mkdir()
        for module in MODULES:
            shutil.copy(REPO / "solutions" / ASSIGNMENT / f"{module}.py", kit / "reference")
        check = [sys.executable, "-m", "autograder.cli", "check"]
        torch = [sys.executable, "-c", "import torch"]
        env = {k: v for k, v in os.environ.items() if k not in ("CI", "AUTOGRADER_CHECK_SERVER")}
        no_server = {**env, "AUTOGRADER_CHECK_SERVER": "0"}
        _seconds(torch, kit)  # the file cache
        for folder in FOLDERS.values():
            _seconds(check + [folder], kit, no_server)
        imports = []
        checks: dict[str, dict[str, list[float]]] = {mode: {name: [] for name in FOLDERS} for mode in MODES}
        try:
            for _ in range(repeats):
                imports.append(_seconds(torch, kit))
                for name, folder in FOLDERS.items():
                    checks["no server"][name].append(_seconds(check + [folder], kit, no_server))
                    server.stop()
                    checks["first check"][name].append(_seconds(check + [folder], kit, env))
                    server.wait_warm()
                    checks["later check"][name].append(_seconds(check + [folder], kit, env))
        finally:
            server.stop()
        return KitTiming(statistics.median(imports),
                         {mode: {n: statistics.median(t) for n, t in by.items()} for mode, by in checks.items()})


def section(timing: KitTiming, repeats: int) -> tuple[list[str], list[list[str]]]:
    """(Markdown lines, target rows) for benchmarks/__main__.py."""
    from benchmarks.__main__ import table, verdict

    rows = [[f"python -c \"import torch\" (median of {repeats})", "", f"{timing.import_torch:.2f}", "1.00"]]
    rows += [[f"autograder check, kit: {name}", mode, f"{seconds:.2f}", f"{seconds / timing.import_torch:.2f}"]
             for mode, by in timing.checks.items() for name, seconds in by.items()]
    out = ["## `autograder check` in the student kit", "",
           "Each check a fresh process. Later check: the kit's check server (started by an earlier check) has "
           "NumPy, torch and torch._dynamo imported and forks the worker; first check: the check starts the "
           "server; no server: AUTOGRADER_CHECK_SERVER=0. The buggy example and the reference train "
           "`learn_filter`: an optimizer step imports torch._dynamo (0.7 s here) in a worker that lacks it.", ""]
    out += table(["measurement", "how", "wall (s)", "/ import torch"], rows)
    targets = []
    for name, seconds in timing.checks["later check"].items():
        ratio = seconds / timing.import_torch
        targets.append([f"kit `check` (later check) on the {name} within {TARGET:g}x one import torch",
                        f"{ratio:.2f}x", verdict(ratio <= TARGET)])
    return out, targets
