"""`autograder check` in the student kit against one `python -c "import torch"`: what a student waits for after each
edit. The kit is built into a temporary folder and checked with this interpreter (the same package its wheel
installs), on the untouched stubs, the bundled buggy example and the reference solutions, interleaved with the
torch imports so that a busy machine slows both alike.
"""
from __future__ import annotations

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


@dataclass(frozen=True)
class KitTiming:
    import_torch: float
    """Median seconds of `python -c "import torch"`."""
    checks: dict[str, float]
    """Submission -> median seconds of `autograder check` on it in the kit."""


def _seconds(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # check exits 1 where a case fails: still an answer
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout.decode()[-2000:]}")
    return seconds


def measure(repeats: int = 5) -> KitTiming:
    with tempfile.TemporaryDirectory(prefix="kit-benchmark-") as scratch:
        kit = Path(scratch) / "kit"
        subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(REPO), "package", "student",
                        "--out", str(kit)], check=True, stdout=subprocess.DEVNULL)
        shutil.copytree(REPO / "examples" / ASSIGNMENT / "buggy_student", kit / "buggy_student")
        (kit / "reference").mkdir()
        for module in MODULES:
            shutil.copy(REPO / "solutions" / ASSIGNMENT / f"{module}.py", kit / "reference")
        folders = {"untouched stubs": ASSIGNMENT, "buggy example": "buggy_student", "reference": "reference"}
        check = [sys.executable, "-m", "autograder.cli", "check"]
        torch = [sys.executable, "-c", "import torch"]
        _seconds(torch, kit)  # the file cache
        for folder in folders.values():
            _seconds(check + [folder], kit)
        imports, checks = [], {name: [] for name in folders}
        for _ in range(repeats):
            imports.append(_seconds(torch, kit))
            for name, folder in folders.items():
                checks[name].append(_seconds(check + [folder], kit))
        return KitTiming(statistics.median(imports), {n: statistics.median(t) for n, t in checks.items()})


def section(timing: KitTiming, repeats: int) -> tuple[list[str], list[list[str]]]:
    """(Markdown lines, target rows) for benchmarks/__main__.py."""
    from benchmarks.__main__ import table, verdict

    rows = [[f"python -c \"import torch\" (median of {repeats})", f"{timing.import_torch:.2f}", "1.00"]]
    rows += [[f"autograder check, kit: {name}", f"{seconds:.2f}", f"{seconds / timing.import_torch:.2f}"]
             for name, seconds in timing.checks.items()]
    out = ["## `autograder check` in the student kit", "",
           "The buggy example and the reference train `learn_filter` with an optimizer, whose first step imports "
           "torch._dynamo (about 1.3 s here) in the student's process: any script of the student's pays it too.", ""]
    out += table(["measurement", "wall (s)", "/ import torch"], rows)
    stubs = timing.checks["untouched stubs"] / timing.import_torch
    targets = [[f"kit `check` on the stubs within {TARGET:g}x one import torch", f"{stubs:.2f}x",
                verdict(stubs <= TARGET)]]
    return out, targets
