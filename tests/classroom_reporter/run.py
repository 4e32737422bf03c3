"""Run the real reporter (main.js beside this file) with node, as GitHub's runner does, and read its log."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

MAIN = Path(__file__).with_name("main.js")
_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Reported:
    returncode: int
    log: str
    """stdout and stderr, colours removed."""

    def runner_totals(self) -> dict[str, tuple[str, str]]:
        """"Total points for <runner>: <points>/<max>" of each runner (only runners with a max_score)."""
        return {m[1]: (m[2], m[3]) for m in re.finditer(r"^Total points for (\w+): (\S+)/(\S+)$", self.log, re.M)}

    def table(self) -> dict[str, tuple[str, str]]:
        """The summary table's rows: runner (or "Total:") -> (test score, max score), as printed."""
        rows = re.findall(r"^│ (\S+) +│ (\S+) +│ (\S+) +│$", self.log, re.M)
        return {name: (score, most) for name, score, most in rows if name != "Test"}

    def points(self) -> tuple[str, str]:
        """The notice GitHub Classroom reads: "Points <total>/<max>"."""
        (found,) = re.findall(r"^::notice title=Autograding complete::Points (\S+)/(\S+)$", self.log, re.M)
        return found

    def summary(self) -> str:
        (found,) = re.findall(r"^::notice title=Autograding report::(.*)$", self.log, re.M)
        return found

    def tests_passed(self) -> tuple[int, int]:
        (found,) = re.findall(r"Grand total tests passed: (\d+)/(\d+)", self.log)
        return int(found[0]), int(found[1])


def node() -> str:
    """The node executable, or the test is skipped saying how to get one."""
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed (run `bash scripts/install-node`, as root it installs Debian's nodejs): "
                    "the Classroom reporter cannot run")
    return found


def run_reporter(runners: str, results: dict[str, str]) -> Reported:
    """The reporter with its `runners` input and `<NAME>_RESULTS` = results[name] (base64), in a clean
    environment. OSError (E2BIG, "Argument list too long") where a value is over the kernel's limit, as on the
    runner."""
    env = {"PATH": os.environ.get("PATH", ""), "INPUT_RUNNERS": runners,
           **{f"{name.upper()}_RESULTS": value for name, value in results.items()}}
    done = subprocess.run([node(), str(MAIN)], env=env, capture_output=True, text=True, timeout=60)
    return Reported(done.returncode, _COLOURS.sub("", done.stdout + done.stderr))
