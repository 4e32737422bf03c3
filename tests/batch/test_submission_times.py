"""When each student submitted (autograder/batch/times.py): a times CSV, or nbgrader's timestamp.txt."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.batch.submissions import Kind, Submission
from autograder.batch.times import read_times_csv, submission_times
from autograder.roster import RosterError

BRT = timezone(timedelta(hours=-3))


def test_a_times_csv_gives_each_student_a_time():
    times = read_times_csv("SID,Name,submitted_at\n2024001,Ana,2026-12-10T23:00:00-03:00\n\n"
                           "2024002,Bo,2026-12-11T03:00:00Z\n", "times.csv")
    assert times == {"2024001": datetime(2026, 12, 10, 23, tzinfo=BRT),
                     "2024002": datetime(2026, 12, 11, 3, tzinfo=timezone.utc)}


@pytest.mark.parametrize("text, message", [
    ("sid,name\n1,Ana\n", "times.csv:1: a times CSV has a header with a student id column"),
    ("sid,submitted_at\n1,2026-12-10T23:00:00\n", "times.csv:2: 1: '2026-12-10T23:00:00' has no UTC offset"),
    ("sid,submitted_at\n1,2026-12-10T23:00:00Z\n1,2026-12-11T23:00:00Z\n", "times.csv:3: student '1' again"),
    ("sid,submitted_at\n1,\n", "times.csv:2: no time for '1' in column 'submitted_at'"),
    ("sid,submitted_at\n,2026-12-10T23:00:00Z\n", "times.csv:2: no student id in column 'sid'"),
])
def test_a_bad_times_csv_names_the_line(text, message):
    with pytest.raises(RosterError) as raised:
        read_times_csv(text, "times.csv")
    assert str(raised.value).startswith(message), str(raised.value)


def test_nbgrader_timestamps_are_read_and_the_csv_wins(tmp_path):
    """Is nbgrader's timestamp.txt the time of an nbgrader submission, a CSV entry preferred, and a folder's own
    files (which the student wrote) never a source?"""
    def nbgrader(student: str, stamp: bytes | None) -> Submission:
        folder = tmp_path / student / "l10"
        folder.mkdir(parents=True)
        if stamp is not None:
            (folder / "timestamp.txt").write_bytes(stamp)
        return Submission(student, folder, Kind.NBGRADER)
    folder = tmp_path / "dave"
    folder.mkdir()
    (folder / "timestamp.txt").write_text("2020-01-01 00:00:00 UTC")  # inside a student's own folder: ignored
    subs = [nbgrader("alice", b"2026-12-11 05:00:00.123456 UTC"), nbgrader("bob", b"2026-12-11 05:00:00 UTC"),
            nbgrader("carol", None), nbgrader("eve", b"yesterday"), nbgrader("fay", b"1" * 500),
            Submission("dave", folder, Kind.FOLDER)]
    listed = {"bob": datetime(2026, 12, 10, 20, tzinfo=BRT)}
    times = submission_times(subs, listed)
    assert times.at == {"alice": datetime(2026, 12, 11, 5, 0, 0, 123456, tzinfo=timezone.utc),
                        "bob": datetime(2026, 12, 10, 20, tzinfo=BRT)}
    assert times.missing == {"carol": "no timestamp.txt in carol/l10", "dave": "no entry in --times",
                             "eve": "eve/l10/timestamp.txt: 'yesterday' is not a date and time such as "
                                    "2026-12-10T23:59:00-03:00",
                             "fay": "fay/l10/timestamp.txt: more than 200 bytes"}
