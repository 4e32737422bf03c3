"""Reading a class roster (autograder/roster.py): ids from a CSV or a text file, every problem with its line."""
from __future__ import annotations

import pytest

from autograder.roster import RosterError, decode, read_roster


def test_a_text_roster_has_one_id_per_line():
    """Are blank lines and comments skipped and the spaces around an id dropped, in file order?"""
    roster = read_roster("# section A\n2024002\n\n  alice  \nAlice\n", "ids.txt")
    assert roster.students == ("2024002", "alice", "Alice") and roster.column is None


@pytest.mark.parametrize("header, column", [("sid,name", "sid"), ("Name, Student ID ,x", None),
                                            ("First Name,Last Name,SID,Email,Role", "SID"),
                                            ("name,student_id,email", "student_id")])
def test_a_csv_roster_finds_its_id_column(header, column):
    """Is the id column the one named like an id (Gradescope's SID, student_id), preferring student_id to email?"""
    names = [h.strip() for h in header.split(",")]
    if column is None:  # "Student ID" is no known name: --column names it
        with pytest.raises(RosterError, match=r"roster.csv:1: no student id column .*name the id column with "
                                              r"--column"):
            read_roster(f"{header}\nAna,2024001,x\n", "roster.csv")
        assert read_roster(f"{header}\nAna,2024001,x\n", "roster.csv", column="student id").students == ("2024001",)
        return
    index = names.index(column)
    row = lambda sid: ",".join(sid if i == index else f"v{i}" for i in range(len(names)))
    roster = read_roster(f"{header}\n{row('2024001')}\n{row(' 2024002 ')}\n,,\n", "roster.csv")
    assert roster.students == ("2024001", "2024002") and roster.column == column


@pytest.mark.parametrize("name, text, message", [
    ("ids.txt", "a\nb\n\na\n", "ids.txt:4: student 'a' again (first at line 1); list each student once"),
    ("ids.txt", "2024001,Ana\n", "ids.txt:1: '2024001,Ana' looks like a CSV row"),
    ("ids.txt", "# nobody\n\n", "ids.txt: no student ids in it"),
    ("roster.csv", "sid,name\n1,Ana\n,Bo\n", "roster.csv:3: no student id in column 'sid'; fill it in or delete"),
    ("roster.csv", "sid,name\n1,Ana\n2,Bo\n1,Cy\n", "roster.csv:4: student '1' again (first at line 2)"),
    ("roster.csv", "", "roster.csv:1: no header row"),
    ("roster.csv", "name,email_address\nAna,a@x\n", "roster.csv:1: no student id column (one of student_id"),
    ("roster.csv", 'sid,name\n"1,Ana\n', "roster.csv:2: not a CSV row (unexpected end of data)"),
    ("roster.csv", "sid\n", "roster.csv: no student ids in it"),
])
def test_a_bad_roster_says_line_and_what_is_wrong(name, text, message):
    with pytest.raises(RosterError) as raised:
        read_roster(text, name)
    assert str(raised.value).startswith(message), str(raised.value)


def test_column_goes_with_a_csv_and_bytes_must_be_utf8():
    with pytest.raises(RosterError, match="ids.txt: --column sid goes with a CSV roster"):
        read_roster("a\n", "ids.txt", column="sid")
    assert decode("\ufeffsid\n1\n".encode(), "r.csv") == "sid\n1\n"
    with pytest.raises(RosterError, match=r"r.csv:2: not UTF-8 text \(byte 5\)"):
        decode(b"sid\n1\xff\n", "r.csv")
