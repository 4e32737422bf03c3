"""The grades folder: one folder per student, each file written atomically as the student finishes.

    grades/<student>/results.json   Gradescope format, what `autograder grade` writes (for the student)
    grades/<student>/run.json       GradingRun.to_dict(), staff details included (for later reports)
    grades/<student>/report.html    the student's feedback page with pictures (`--html`, batch/reports.py)
    grades/<student>/.done          the submission's fingerprint, written last: the student is done
    grades/grades.csv               the class (reporters/csv.py)
    grades/mistakes.csv             how many students made each known mistake (reporters/csv.py)
    grades/summary.txt              the class statistics (batch/summary.py)
    grades/class.html               the class page: distribution, pass rates, mistakes (reporters/classpage.py)

A re-run skips a student whose `.done` holds the fingerprint of the current submission and whose run.json (and
report files asked for) exist; anything less (killed half-way, submission changed, `--html` newly asked for) is
graded again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from autograder.results import GradingRun

RESULTS, RUN, DONE = "results.json", "run.json", ".done"


class StoreError(Exception):
    """A run.json that cannot be read back; the message names the file."""


def is_done(out: Path, student: str, fingerprint: str, reports: tuple[str, ...] = ()) -> bool:
    """Whether the student's current submission was graded, with the report files named in `reports`."""
    folder = out / student
    try:
        done = (folder / DONE).read_text(encoding="utf-8").strip() == fingerprint and (folder / RUN).is_file()
    except OSError:
        return False
    return done and all((folder / name).is_file() for name in reports)


def save(out: Path, student: str, run: GradingRun, results_json: str, fingerprint: str | None,
         reports: Mapping[str, str] | None = None) -> Path:
    """Write the student's files, then the `reports` ({file name: text}: report.html, ...); `.done` last, and
    only with a fingerprint (a grader failure is retried). A report file of an earlier run that is not among
    `reports` (`--no-html`) is removed first: it belongs to the old results."""
    from autograder.batch.reports import REPORT_FILES
    from autograder.cli import write_atomic

    folder = out / student
    (folder / DONE).unlink(missing_ok=True)
    for name in REPORT_FILES:
        if name not in (reports or {}):
            (folder / name).unlink(missing_ok=True)
    write_atomic(folder / RESULTS, results_json)
    write_atomic(folder / RUN, json.dumps(run.to_dict(), indent=1, sort_keys=True) + "\n")
    for name, text in (reports or {}).items():
        write_atomic(folder / name, text)
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
