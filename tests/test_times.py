"""Points in time as the platforms write them (autograder/times.py)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.times import TimeError, duration_text, iso, parse_time

BRT = timezone(timedelta(hours=-3))


@pytest.mark.parametrize("text, moment", [
    ("2026-12-10T23:59:00-03:00", datetime(2026, 12, 10, 23, 59, tzinfo=BRT)),  # course.yaml, --submitted-at
    ("2026-12-11T02:59:00Z", datetime(2026, 12, 11, 2, 59, tzinfo=timezone.utc)),
    ("2018-07-01T14:22:32.365935-07:00",  # Gradescope's created_at
     datetime(2018, 7, 1, 14, 22, 32, 365935, tzinfo=timezone(timedelta(hours=-7)))),
    ("2026-12-11 02:59:00.123456 UTC\n",  # nbgrader's timestamp.txt (timestamp_format "%Y-%m-%d %H:%M:%S.%f %Z")
     datetime(2026, 12, 11, 2, 59, 0, 123456, tzinfo=timezone.utc)),
    ("2026-12-10 23:59:00 -0300", datetime(2026, 12, 10, 23, 59, tzinfo=BRT)),
    ("2026-12-10 23:59:00 -03", datetime(2026, 12, 10, 23, 59, tzinfo=BRT)),
])
def test_each_platforms_form_is_read_as_the_same_instant(text, moment):
    parsed = parse_time(text)
    assert parsed == moment and parsed.utcoffset() == moment.utcoffset()
    assert parse_time(iso(parsed)) == parsed and parse_time(iso(parsed)).utcoffset() == parsed.utcoffset()


@pytest.mark.parametrize("text, message", [
    ("2026-12-10T23:59:00", "'2026-12-10T23:59:00' has no UTC offset"),
    ("2026-12-10", "'2026-12-10' has no UTC offset"),
    ("2026-12-10 23:59:00 BRT",
     "'2026-12-10 23:59:00 BRT': unknown time zone 'BRT'; write a UTC offset such as -03:00"),
    ("next friday", "'next friday' is not a date and time such as 2026-12-10T23:59:00-03:00"),
    ("", "'' is not a date and time"),
])
def test_a_time_without_a_zone_or_unreadable_is_refused(text, message):
    """Is a time without a zone refused (it would name another instant on every machine)?"""
    with pytest.raises(TimeError) as raised:
        parse_time(text)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("seconds, text", [(0.4, "less than 1 s"), (1, "1 s"), (59.9, "59 s"), (60, "1 min"),
                                           (3600 + 300 + 7, "1 h 5 min"), (86400, "1 day"),
                                           (86400 + 3 * 3600 + 1200, "1 day 3 h"), (5 * 86400 + 1, "5 days 1 s")])
def test_durations_read_as_a_person_says_them(seconds, text):
    assert duration_text(timedelta(seconds=seconds)) == text
