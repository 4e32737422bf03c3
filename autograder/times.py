"""Points in time as the platforms write them, read into timezone-aware datetimes. Pure: text in, datetime out.

    ISO 8601 with a UTC offset   2026-12-10T23:59:00-03:00, 2026-12-10T23:59:00Z, 2026-12-10 23:59:00.5+00:00
                                 (course.yaml, `grade --submitted-at`, a times CSV, Gradescope's `created_at`)
    nbgrader's timestamp.txt     2026-12-10 23:59:00.123456 UTC, or with a numeric zone (+0300, -03, -03:00)

A time without a zone is refused: "23:59" means a different instant on the grading machine than in the course's
city, and a deadline must not move with the machine.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

EXAMPLE = "2026-12-10T23:59:00-03:00"

_NAMED_UTC = ("UTC", "GMT", "Z")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})?")
_SPACED_ZONE = re.compile(r"(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) +(\S+)")


class TimeError(ValueError):
    """Text that is no point in time with a zone; the message says what to write instead."""


def parse_time(text: str) -> datetime:
    """The timezone-aware datetime `text` names (formats above), or TimeError."""
    value = text.strip()
    spaced = _SPACED_ZONE.fullmatch(value)
    if spaced:  # nbgrader: `DATE TIME ZONE`
        value = spaced.group(1) + _zone(spaced.group(2), text)
    elif value.endswith("Z"):  # Python < 3.11 reads no Z
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise TimeError(f"{text.strip()[:60]!r} is not a date and time such as {EXAMPLE}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise TimeError(f"{text.strip()[:60]!r} has no UTC offset, so it names a different instant on every "
                        f"machine; add one, e.g. {EXAMPLE} (or Z for UTC)")
    return moment


def _zone(zone: str, text: str) -> str:
    if zone.upper() in _NAMED_UTC:
        return "+00:00"
    match = _OFFSET.fullmatch(zone)
    if not match:
        raise TimeError(f"{text.strip()[:60]!r}: unknown time zone {zone!r}; write a UTC offset such as -03:00 "
                        f"(or UTC)")
    sign, hours, minutes = match.group(1), match.group(2), match.group(3) or "00"
    return f"{sign}{hours}:{minutes}"


def iso(moment: datetime) -> str:
    """The datetime as ISO 8601 with its own offset, microseconds only where there are any:
    2026-12-10T23:59:00-03:00, 2026-12-10T23:59:00.500000-03:00. parse_time reads it back exactly."""
    return moment.isoformat()


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def duration_text(delta: timedelta) -> str:
    """A positive duration as a person says it, in its two largest units that are not 0, cut (not rounded) to
    whole seconds: `1 day 3 h`, `5 days 1 s`, `2 h 5 min`, `12 min`, `40 s`; `less than 1 s`."""
    seconds = max(int(delta.total_seconds()), 0)
    units = []
    for name, size in (("day", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            units.append(f"{count} {name}{'s' if name == 'day' and count > 1 else ''}")
    return " ".join(units[:2]) or "less than 1 s"
