"""The grades folder: one folder per student, each file written atomically as the student finishes.

    grades/<student>/results.json   Gradescope format, what `autograder grade` writes (for the student)
    grades/<student>/run.json       GradingRun.to_dict(), staff details included (for later reports)
    grades/<student>/.done          the submission's fingerprint, written last: the student is done
    grades/grades.csv               the class (reporters/csv.py)
    grades/summary.txt              the class statistics (batch/summary.py)

A re-run skips a student whose `.done` holds the fingerprint of the current submission and whose run.json
exists; anything less (killed half-way, submission changed) is graded again.
"""
from __future__ import annotations

import json
from pathlib import Path

from autograder.results import GradingRun

RESULTS, RUN, DONE = "results.json", "run.json", ".done"


class StoreError(Exception):
    """A run.json that cannot be read back; the message names the file."""


def is_done(out: Path, student: str, fingerprint: str) -> bool:
    folder = out / student
    try:
        return (folder / DONE).read_text(encoding="utf-8").strip() == fingerprint and (folder / RUN).is_file()
    except OSError:
        return False


def save(out: Path, student: str, run: GradingRun, results_json: str, fingerprint: str | None) -> Path:
    """Write the student's files; `.done` last, and only with a fingerprint (a grader failure is retried)."""
    from autograder.cli import write_atomic

    folder = out / student
    (folder / DONE).unlink(missing_ok=True)
    write_atomic(folder / RESULTS, results_json)
    write_atomic(folder / RUN, json.dumps(run.to_dict(), indent=1, sort_keys=True) + "\n")
    if fingerprint:
        write_atomic(folder / DONE, fingerprint + "\n")
    return folder


def load_run(path: Path) -> GradingRun:
    try:
        return GradingRun.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise StoreError(f"{path}: not a readable grading run ({type(error).__name__}: {error}); "
                         f"grade the student again (`grade-all --force`) or delete the folder") from None


def load_all(out: Path) -> list[tuple[str, GradingRun]]:
    """(student folder name, run) of every `<student>/run.json` in the grades folder, sorted by student."""
    if not out.is_dir():
        raise StoreError(f"{out}: no such grades folder")
    return [(path.parent.name, load_run(path)) for path in sorted(out.glob(f"*/{RUN}"))]
