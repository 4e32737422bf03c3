"""When each student of a class submitted, for the late penalty (autograder/late.py), from two sources the
instructor's side wrote, never from the submission's own files or their modification times:

    --times FILE                  a CSV with a header: a student id column (as a roster's: student_id, student,
                                  sid, id, ...) and `submitted_at` (ISO 8601 with a UTC offset), e.g. exported
                                  from the LMS or from the final commits of GitHub Classroom repositories
    <student>/<assignment>/timestamp.txt
                                  nbgrader's layout: the time `nbgrader submit` recorded (copied by `collect`)

A CSV entry wins over timestamp.txt. A student with neither gets no penalty, and the command says so.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Sequence

from autograder.batch.submissions import Kind, Submission
from autograder.roster import ID_COLUMNS, RosterError, find_column
from autograder.times import EXAMPLE, TimeError, parse_time

TIME_COLUMNS = ("submitted_at", "created_at", "timestamp")
NBGRADER_TIMESTAMP = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 200
"""nbgrader writes one line of about 32 characters."""


@dataclass(frozen=True)
class Times:
    at: dict[str, datetime]
    """Student -> when they submitted."""
    missing: dict[str, str]
    """Student -> why no time is known (no entry, an unreadable timestamp.txt)."""


def read_times_csv(text: str, name: str) -> dict[str, datetime]:
    """Student -> time from a times CSV; RosterError `FILE:LINE: ...` for a bad header, id or time."""
    rows = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(rows, None) or []
        student_col, time_col = find_column(header, ID_COLUMNS), find_column(header, TIME_COLUMNS)
        if student_col is None or time_col is None:
            raise RosterError(f"{name}:1: a times CSV has a header with a student id column (one of "
                              f"{', '.join(ID_COLUMNS)}) and a `submitted_at` column; the header has "
                              f"{', '.join(repr(c.strip()) for c in header) or 'nothing'}")
        times: dict[str, datetime] = {}
        lines: dict[str, int] = {}
        for row in rows:
            number = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            student = row[student_col].strip() if student_col < len(row) else ""
            stamp = row[time_col].strip() if time_col < len(row) else ""
            if not student:
                raise RosterError(f"{name}:{number}: no student id in column {header[student_col].strip()!r}")
            if student in times:
                raise RosterError(f"{name}:{number}: student {student!r} again (first at line {lines[student]}); "
                                  f"keep the time of the submission being graded")
            if not stamp:
                raise RosterError(f"{name}:{number}: no time for {student!r} in column {header[time_col].strip()!r}; "
                                  f"write it as {EXAMPLE}, or delete the row (no late penalty)")
            try:
                times[student] = parse_time(stamp)
            except TimeError as error:
                raise RosterError(f"{name}:{number}: {student}: {error}") from None
            lines[student] = number
    except csv.Error as error:
        raise RosterError(f"{name}:{rows.line_num}: not a CSV row ({error})") from None
    return times


def submission_times(submissions: Sequence[Submission], listed: Mapping[str, datetime]) -> Times:
    """The time of each submission: from `listed` (a times CSV), else nbgrader's timestamp.txt."""
    at, missing = {}, {}
    for submission in submissions:
        student = submission.student
        if student in listed:
            at[student] = listed[student]
            continue
        if submission.kind is not Kind.NBGRADER:
            missing[student] = "no entry in --times"
            continue
        path = submission.path / NBGRADER_TIMESTAMP
        try:
            if path.is_symlink() or not path.is_file():
                missing[student] = f"no {NBGRADER_TIMESTAMP} in {submission.path.parent.name}/{submission.path.name}"
                continue
            with open(path, "rb") as stream:
                data = stream.read(MAX_TIMESTAMP_BYTES + 1)
            if len(data) > MAX_TIMESTAMP_BYTES:
                raise TimeError(f"more than {MAX_TIMESTAMP_BYTES} bytes")
            at[student] = parse_time(data.decode("utf-8"))
        except (OSError, UnicodeDecodeError, TimeError) as error:
            missing[student] = f"{path.parent.parent.name}/{path.parent.name}/{path.name}: {error}"
    return Times(at, missing)
