"""A class roster: the student ids of a CSV file with a header, or of a text file with one id per line.

Pure: text in, ids out; every problem is a RosterError `FILE:LINE: what is wrong` (an empty id, the same id
twice, no id column). The ids are used as the grader uses them (`grade --student ID`, a grade-all folder name,
Gradescope's sid): exactly as written, without the spaces around them.

    ids.txt     one id per line; blank lines and lines starting with `#` are skipped
    roster.csv  a header row; the id column is the one named by `column`, else the first of ID_COLUMNS present
                (Gradescope's roster export has `SID`, nbgrader's `id`, a spreadsheet often `student_id`)
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

ID_COLUMNS = ("student_id", "student", "sid", "id", "identifier", "email")
"""Header names taken for the id column, in this order of preference (case and spaces around ignored)."""


class RosterError(Exception):
    """A roster that cannot be read; the message names the file and line and says what to do."""


@dataclass(frozen=True)
class Roster:
    students: tuple[str, ...]
    """In file order, each once."""
    column: str | None = None
    """The CSV column the ids came from; None for a text file."""


def read_roster(text: str, name: str, column: str | None = None) -> Roster:
    """The ids in the roster `text` of the file called `name` (a `.csv` is read as CSV, anything else as one id
    per line)."""
    if name.lower().endswith(".csv"):
        return _csv(text, name, column)
    if column:
        raise RosterError(f"{name}: --column {column} goes with a CSV roster (a .csv file with a header row)")
    students: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        student = line.strip()
        if not student or student.startswith("#"):
            continue
        if any(sep in student for sep in (",", "\t", ";")):
            raise RosterError(f"{name}:{number}: {student[:60]!r} looks like a CSV row; write one student id per "
                              f"line, or give the file a .csv name and a header row")
        _add(students, student, f"{name}:{number}", number)
    return Roster(_nonempty(students, name))


def decode(data: bytes, name: str) -> str:
    """The roster file's bytes as text (UTF-8, a byte-order mark allowed), or RosterError naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise RosterError(f"{name}:{line}: not UTF-8 text (byte {error.start}); save the roster as UTF-8") from None


def _csv(text: str, name: str, column: str | None) -> Roster:
    table = read_table(text, name, column)
    return Roster(table.students, column=table.header[table.id_index])


@dataclass(frozen=True)
class RosterTable:
    """A CSV roster with all its columns: each student's row, for exports that need the LMS's own identifiers
    (autograder/reporters/lms.py)."""

    header: tuple[str, ...]
    """The header's cells, the spaces around them removed."""
    id_index: int
    """The column of the grader's student ids."""
    rows: tuple[tuple[str, ...], ...]
    """One row per student, in file order, as wide as the header (missing cells empty, spaces around removed)."""

    @property
    def students(self) -> tuple[str, ...]:
        return tuple(row[self.id_index] for row in self.rows)

    def column(self, wanted: tuple[str, ...]) -> int | None:
        """The index of the first of `wanted` (lower-case names) in the header, or None."""
        return find_column(list(self.header), wanted)


def read_table(text: str, name: str, column: str | None = None,
               id_columns: tuple[str, ...] = ID_COLUMNS) -> RosterTable:
    """The CSV roster `text` of the file `name` with all its columns; the id column is `column`, else the first
    of `id_columns` in the header. RosterError `FILE:LINE: ...` as read_roster."""
    rows = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(rows, None)
    except csv.Error as error:
        raise RosterError(f"{name}:1: not a CSV header row ({error})") from None
    if not header or not any(cell.strip() for cell in header):
        raise RosterError(f"{name}:1: no header row; the first line names the columns, one of them the student id "
                          f"({', '.join(id_columns)})")
    index = find_column(header, (column.strip().lower(),) if column else id_columns)
    if index is None:
        what = f"no column {column!r}" if column else f"no student id column (one of {', '.join(id_columns)})"
        raise RosterError(f"{name}:1: {what}; the header has {', '.join(repr(c.strip()) for c in header)}; "
                          f"name the id column with --column")
    students: dict[str, int] = {}
    kept: list[tuple[str, ...]] = []
    try:
        for row in rows:
            number = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if index >= len(row) or not row[index].strip():
                raise RosterError(f"{name}:{number}: no student id in column {header[index].strip()!r}; fill it "
                                  f"in or delete the row")
            _add(students, row[index].strip(), f"{name}:{number}", number)
            cells = [cell.strip() for cell in row[:len(header)]]
            kept.append(tuple(cells + [""] * (len(header) - len(cells))))
    except csv.Error as error:
        raise RosterError(f"{name}:{rows.line_num}: not a CSV row ({error})") from None
    _nonempty(students, name)
    return RosterTable(tuple(cell.strip() for cell in header), index, tuple(kept))


def find_column(header: list[str], wanted: tuple[str, ...]) -> int | None:
    """The index of the first of `wanted` (lower-case names, in order of preference) among the CSV header's
    cells, compared without case and the spaces around; None when none is there."""
    names = [cell.strip().lower() for cell in header]
    return next((names.index(n) for n in wanted if n in names), None)


def _add(students: dict[str, int], student: str, where: str, number: int) -> None:
    if student in students:
        raise RosterError(f"{where}: student {student!r} again (first at line {students[student]}); list each "
                          f"student once")
    students[student] = number


def _nonempty(students: dict[str, int], name: str) -> tuple[str, ...]:
    if not students:
        raise RosterError(f"{name}: no student ids in it")
    return tuple(students)
