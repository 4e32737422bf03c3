"""A graded class as the grade-import file of a learning management system: Canvas, Moodle, D2L Brightspace,
Blackboard, or a plain CSV (`autograder export-grades GRADES --format F --roster R`, docs/batch.md).

Pure: runs and a roster in, the file's bytes and what could not be matched out. The roster maps the grader's
student ids to the LMS's own identifiers (its columns named as the LMS names them, any case); the exported
score is the run's final score (after the late penalty, grades.csv's `final`). A student whose submission was not
graded (ungradable, refused upload, grader error) or who has no run at all gets an empty cell or 0
(`missing`), never a number that looks graded; a graded student missing from the roster has no row (the LMS
could not match it) and is listed. Every text cell that a spreadsheet would run as a formula is written as text,
as grades.csv does; numbers have a dot decimal.

The formats, as each LMS documents its import:

- canvas: Canvas's gradebook import CSV: `Student, ID, SIS User ID, SIS Login ID, Section`, then the
  assignment's column (`Name (id)` updates an existing assignment, a new name creates one), and a second row
  `Points Possible` giving the maximum (used when Canvas creates the assignment). UTF-8 with a byte-order mark,
  as Canvas's own export.
- moodle: Moodle's "Import grades from CSV": an identifier column (the roster's email, username or idnumber:
  mapped to the user field at import), the grade item's column, and a feedback column; UTF-8 (the encoding is
  chosen in the import form), comma-separated.
- brightspace: D2L Brightspace's grade import: `OrgDefinedId` and/or `Username`, `<item> Points Grade`, and
  the `End-of-Line Indicator` column whose every cell is `#`; UTF-8 with a byte-order mark.
- blackboard: Blackboard Learn's Grade Center upload ("Work Offline"): `Last Name, First Name, Username`, then
  the column (a name with ` |<column id>` updates that Grade Center column, a new name creates a text column);
  every field in quotes, as its comma-delimited upload requires; UTF-8 with a byte-order mark.
- csv: the roster's columns, then `score`, `max` and `status` (graded, ungradable, ...), UTF-8.
"""
from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from typing import Sequence

from autograder.batch.summary import Grading, grading_of
from autograder.reporters.csv import number_cell, text_cell
from autograder.results import GradingRun
from autograder.roster import RosterTable

FORMATS = ("canvas", "moodle", "brightspace", "blackboard", "csv")
BOM = "\ufeff"
NOT_SUBMITTED = "not_submitted"
"""The status of a roster student without a run."""


class Missing(enum.Enum):
    """What a student without a graded submission gets in the grade cell."""

    BLANK = "blank"
    ZERO = "zero"


class LmsError(Exception):
    """The roster lacks what the format needs; the message says which columns and what to do."""


@dataclass(frozen=True)
class Exported:
    """The file to write and what the instructor must hear about."""

    data: bytes
    rows: int
    """Students written."""
    not_in_roster: tuple[str, ...]
    """Graded students the roster does not list: no row, the LMS could not match them."""
    without_grade: tuple[tuple[str, str], ...]
    """(student, status) of roster students whose cell is blank or 0: no run, ungradable, refused, grader error."""


@dataclass(frozen=True)
class _Format:
    identity: tuple[tuple[str, tuple[str, ...]], ...]
    """(header written, roster column names accepted, lower case) of the identifier columns, in order."""
    needs_one_of: tuple[str, ...]
    """Headers of which each row needs at least one filled, or the LMS cannot match it."""
    bom: bool


_FORMATS = {
    "canvas": _Format((("Student", ("student", "name", "student name")),
                       ("ID", ("id", "canvas id", "canvas user id")),
                       ("SIS User ID", ("sis user id",)), ("SIS Login ID", ("sis login id",)),
                       ("Section", ("section",))), ("ID", "SIS User ID", "SIS Login ID"), True),
    "moodle": _Format((), (), False),  # its one identifier column is the roster's: see _moodle_identity
    "brightspace": _Format((("OrgDefinedId", ("orgdefinedid", "org defined id")), ("Username", ("username",))),
                           ("OrgDefinedId", "Username"), True),
    "blackboard": _Format((("Last Name", ("last name", "surname")), ("First Name", ("first name", "given name")),
                           ("Username", ("username", "user name"))), ("Username",), True),
    "csv": _Format((), (), False),
}
MOODLE_IDENTIFIERS = ("email", "email address", "username", "idnumber", "id number")


def identity_columns() -> tuple[str, ...]:
    """Every roster column name that some LMS format reads as its own identifiers (lower case): a roster is
    often the LMS's own export, so none of them is ever guessed to be the grader's student id column."""
    return tuple(name for f in _FORMATS.values() for _, names in f.identity for name in names) + MOODLE_IDENTIFIERS


def export(fmt: str, runs: Sequence[tuple[str, GradingRun]], roster: RosterTable, item: str,
           missing: Missing = Missing.BLANK, identifier: str | None = None) -> Exported:
    """The `fmt` import file of the class `runs` ((student, run) pairs, as grade-all names the students) for
    the students of `roster`, the grade item called `item`. `identifier` is Moodle's identifier column (default
    the first of MOODLE_IDENTIFIERS the roster has)."""
    if fmt not in _FORMATS:
        raise LmsError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    by_student = dict(runs)
    maximum = max((run.max_score for run in by_student.values()), default=0.0)
    columns = _identity(fmt, roster, identifier)
    header, rows, without = _header(fmt, columns, roster, item), [], []
    for row in roster.rows:
        student = row[roster.id_index]
        run = by_student.get(student)
        status = NOT_SUBMITTED if run is None else grading_of(run).value
        counted = run is not None and grading_of(run) in (Grading.GRADED, Grading.PARTLY)
        if not counted:
            without.append((student, status))
        score = number_cell(run.score) if counted else ("0" if missing is Missing.ZERO else "")
        identity = [text_cell(row[index]) if index is not None else "" for _, index in columns]
        _require_identity(fmt, columns, identity, student)
        rows.append(_row(fmt, student, identity, score, run, status, maximum))
    if fmt == "canvas":  # Canvas's second row: the maximum, read when it creates the assignment
        rows.insert(0, ["Points Possible", "", "", "", "", number_cell(maximum)])
    quoting = csv.QUOTE_ALL if fmt == "blackboard" else csv.QUOTE_MINIMAL
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    text = (BOM if _FORMATS[fmt].bom else "") + out.getvalue()
    listed = set(roster.students)
    return Exported(text.encode("utf-8"), len(roster.rows),
                    tuple(sorted(student for student in by_student if student not in listed)), tuple(without))


def _identity(fmt: str, roster: RosterTable, identifier: str | None) -> list[tuple[str, int | None]]:
    """(header, roster column index or None) of the identifier columns the format writes."""
    if fmt == "csv":
        return [(name, i) for i, name in enumerate(roster.header) if i != roster.id_index]
    if fmt == "moodle":
        wanted = (identifier.strip().lower(),) if identifier else MOODLE_IDENTIFIERS
        index = roster.column(wanted)
        if index is None:
            raise LmsError(f"the roster has no {' or '.join(wanted)} column for Moodle to identify students by; "
                           f"its columns are {', '.join(roster.header)} (name one with --identifier)")
        return [(roster.header[index], index)]
    columns = [(written, roster.column(accepted)) for written, accepted in _FORMATS[fmt].identity]
    needed = _FORMATS[fmt].needs_one_of
    if all(index is None for written, index in columns if written in needed):
        raise LmsError(f"{fmt} identifies students by {' or '.join(needed)}, and the roster has no such column "
                       f"(its columns: {', '.join(roster.header)}); add the LMS's identifiers to the roster, e.g. "
                       f"from the LMS's own grade export")
    return columns


def _require_identity(fmt: str, columns: list[tuple[str, int | None]], identity: list[str], student: str) -> None:
    needed = _FORMATS[fmt].needs_one_of
    if needed and not any(cell for (written, _), cell in zip(columns, identity) if written in needed):
        raise LmsError(f"roster: student {student!r} has no {' or '.join(needed)}; the LMS could not match the "
                       f"row: fill it in")


def _header(fmt: str, columns: list[tuple[str, int | None]], roster: RosterTable, item: str) -> list[str]:
    names = [written for written, _ in columns]
    if fmt == "canvas":
        return [*names, text_cell(item)]
    if fmt == "moodle":
        return [*names, text_cell(item), "Feedback"]
    if fmt == "brightspace":
        return [*names, text_cell(f"{item} Points Grade"), "End-of-Line Indicator"]
    if fmt == "blackboard":
        return [*names, text_cell(item)]
    return [roster.header[roster.id_index], *names, "score", "max", "status"]


def _row(fmt: str, student: str, identity: list[str], score: str, run: GradingRun | None, status: str,
         maximum: float) -> list[str]:
    if fmt == "moodle":
        return [*identity, score, _feedback(run, status, maximum)]
    if fmt == "brightspace":
        return [*identity, score, "#"]
    if fmt == "csv":
        return [text_cell(student), *identity, score, number_cell(run.max_score if run else maximum), status]
    return [*identity, score]


def _feedback(run: GradingRun | None, status: str, maximum: float) -> str:
    """Moodle's feedback cell: the score out of the maximum, the late penalty, or why there is no grade."""
    if run is None:
        return "no submission graded"
    if status not in (Grading.GRADED.value, Grading.PARTLY.value):
        return f"not graded ({status.replace('_', ' ')}): see the feedback report"
    late = f"; late {run.late.days_late} day(s), -{number_cell(run.late.percent)}%" if run.late and \
        run.late.days_late else ""
    return f"autograder: {number_cell(run.score)} / {number_cell(run.max_score)}{late}"
