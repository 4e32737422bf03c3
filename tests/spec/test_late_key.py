"""`late:` in course.yaml and assignment.yaml (autograder/spec/late.py): the deadline and penalty rule."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from autograder.spec import SpecError, load_course
from autograder.spec.model import LateRule

from support import ASSIGNMENT, write_small_course

BRT = timezone(timedelta(hours=-3))


@pytest.fixture()
def root(tmp_path):
    return write_small_course(tmp_path)


def _write(root, course: str = "", assignment: str = ""):
    (root / "course.yaml").write_text((root / "course.yaml").read_text() + course)
    spec = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec.write_text(spec.read_text() + assignment)


def test_no_deadline_means_no_rule(root):
    """Without `late:`, or with only the course's penalty (for assignments that give a deadline), is nothing late?"""
    assert load_course(root).assignment().late is None
    _write(root, "late: {penalty_per_day: 10}\n")
    assert load_course(root).assignment().late is None


def test_the_course_rule_applies_and_an_assignment_overrides_it_key_by_key(root):
    """Is an unquoted YAML timestamp read with its offset, and do the assignment's keys win over the course's?"""
    _write(root, "late: {deadline: 2026-12-10T23:59:00-03:00, penalty_per_day: 10, max_days: 5}\n")
    assert load_course(root).assignment().late == LateRule(datetime(2026, 12, 10, 23, 59, tzinfo=BRT), 10, 5)
    _write(root, assignment='late:\n  deadline: "2026-12-17T12:00:00Z"\n  max_days: 0\n')
    assert load_course(root).assignment().late == LateRule(datetime(2026, 12, 17, 12, tzinfo=timezone.utc), 10, 0)


def test_the_course_may_give_the_penalty_and_the_assignment_the_deadline(root):
    _write(root, "late:\n  penalty_per_day: 25\n", "late: {deadline: 2026-12-10T23:59:00-03:00}\n")
    late = load_course(root).assignment().late
    assert (late.penalty_per_day, late.max_days, late.deadline.utcoffset()) == (25, None, timedelta(hours=-3))


@pytest.mark.parametrize("course, assignment, message", [
    ("late: {deadline: 2026-12-10T23:59:00, penalty_per_day: 10}\n", "",
     "course.yaml:{line}: late.deadline: '2026-12-10T23:59:00' has no UTC offset"),
    ("late: {deadline: 2026-12-10, penalty_per_day: 10}\n", "", "late.deadline: '2026-12-10' has no UTC offset"),
    ("late: {deadline: 5, penalty_per_day: 10}\n", "", "late.deadline: expected a date and time with a UTC offset"),
    ("late: {deadline: 2026-12-10T23:59:00Z, penalty_per_day: 110}\n", "",
     "late.penalty_per_day: penalty_per_day is a percent of the points earned, from 0 to 100, not 110"),
    ("late: {deadline: 2026-12-10T23:59:00Z, penalty_per_day: 10, max_days: -1}\n", "", "late.max_days: max_days"),
    ("late: {deadline: 2026-12-10T23:59:00Z}\n", "", "late.deadline: a deadline needs `penalty_per_day:`"),
    ("", "late: {penalty_per_day: 10}\n", "late.penalty_per_day: a late penalty without a `deadline:` never applies"),
    ("late: {deadline: 2026-12-10T23:59:00Z, penalty: 10}\n", "", "late: unknown key 'penalty'; did you mean"),
])
def test_a_bad_rule_is_refused_at_its_line(root, course, assignment, message):
    _write(root, course, assignment)
    line = len((root / "course.yaml").read_text().splitlines())
    with pytest.raises(SpecError) as raised:
        load_course(root)
    assert message.format(line=line) in str(raised.value), str(raised.value)
