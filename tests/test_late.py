"""The late penalty (autograder/late.py): a pure function of the rule and the submission's time."""
from __future__ import annotations

from datetime import timedelta

import pytest

from autograder.late import apply_late, assess, late_summary, rule_text
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.spec.model import LateRule
from autograder.times import parse_time

DEADLINE = parse_time("2026-12-10T23:59:00-03:00")
RULE = LateRule(deadline=DEADLINE, penalty_per_day=10, max_days=5)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("after, days, percent", [
    (-DAY, 0, 0), (timedelta(0), 0, 0),                     # early, and exactly at the deadline: on time
    (timedelta(microseconds=1), 1, 10), (SECOND, 1, 10),    # any lateness is a started day
    (DAY, 1, 10), (DAY + SECOND, 2, 20),                    # 24 h is one day, a second more two
    (5 * DAY, 5, 50),                                        # the last day accepted
    (5 * DAY + SECOND, 6, 100), (40 * DAY, 40, 100),         # beyond max_days: 0 points
])
def test_days_are_started_24_hours_and_beyond_max_days_scores_zero(after, days, percent):
    penalty = assess(RULE, DEADLINE + after)
    assert (penalty.days_late, penalty.percent) == (days, percent)
    assert (penalty.message == "") == (percent == 0)


def test_the_same_instant_in_another_zone_is_as_late():
    """Do the deadline's and the submission's UTC offsets not matter, only the instant?"""
    on_time = assess(RULE, parse_time("2026-12-11T02:59:00Z"))  # = 23:59 at -03:00
    late = assess(RULE, parse_time("2026-12-11T11:59:01+09:00"))  # = 2026-12-11 02:59:01 UTC: 1 s late
    assert on_time.percent == 0 and on_time.submitted_at == "2026-12-11T02:59:00+00:00"
    assert (late.seconds_late, late.days_late, late.percent) == (1, 1, 10)
    assert late.message == "Submitted 1 s late (deadline 2026-12-10 23:59 -03:00): -10% (1 started day x 10%)."


def test_the_message_says_how_late_and_what_it_costs():
    assert assess(RULE, DEADLINE + DAY + timedelta(hours=3)).message == (
        "Submitted 1 day 3 h late (deadline 2026-12-10 23:59 -03:00): -20% (2 started days x 10%).")
    assert assess(RULE, DEADLINE + 5 * DAY + SECOND).message == (
        "Submitted 5 days 1 s late (deadline 2026-12-10 23:59 -03:00), past the 5 days late accepted: -100%.")
    assert assess(LateRule(DEADLINE, 10, 0), DEADLINE + SECOND).message.endswith(
        ", no late submission is accepted: -100%.")


def test_without_max_days_the_penalty_stops_at_100_percent():
    no_limit = LateRule(DEADLINE, 30, None)
    assert [assess(no_limit, DEADLINE + n * DAY).percent for n in (1, 2, 3, 4, 10)] == [30, 60, 90, 100, 100]
    assert assess(LateRule(DEADLINE, 0, None), DEADLINE + 3 * DAY).percent == 0
    assert rule_text(RULE) == "deadline 2026-12-10 23:59 -03:00, -10% per started day late, 0 after 5 days"


def _run(points: float = 10.0, score: float = 8.5) -> GradingRun:
    cases = (CaseResult("ex", "a", True, Status.PASSED, score, score, "passed"),
             CaseResult("ex", "b", True, Status.FAILED, 0.0, points - score, "wrong"))
    return GradingRun("l10", "bob", "bob", (ExerciseResult("ex", "m", "Ex", points, cases),), notes=("other",))


def test_applied_to_a_run_the_grade_drops_and_the_first_note_says_why():
    """Is the penalty a percent of the points earned, the note first, and does it survive run.json?"""
    run = apply_late(_run(), RULE, DEADLINE + DAY + timedelta(hours=3))
    assert (run.raw_score, run.score, run.max_score) == (8.5, 6.8, 10.0)
    assert run.notes == ("Submitted 1 day 3 h late (deadline 2026-12-10 23:59 -03:00): -20% (2 started days x "
                         "10%). Your points: 8.5 - 20% = 6.8 of 10.", "other")
    data = run.to_dict()
    assert (data["score"], data["raw_score"], data["late"]["percent"]) == (6.8, 8.5, 20)
    assert GradingRun.from_dict(data) == run
    beyond = apply_late(_run(), RULE, DEADLINE + 6 * DAY)
    assert beyond.score == 0 and beyond.raw_score == 8.5


def test_no_rule_or_no_time_leaves_the_run_alone_and_on_time_adds_no_note():
    run = _run()
    assert apply_late(run, None, DEADLINE + DAY) is run and apply_late(run, RULE, None) is run
    assert "late" not in run.to_dict()  # run.json of a course without a deadline is unchanged
    on_time = apply_late(run, RULE, DEADLINE)
    assert on_time.notes == run.notes and on_time.score == run.score and on_time.late.percent == 0


def test_the_summary_names_the_late_and_those_without_a_time():
    runs = [("alice", apply_late(_run(), RULE, DEADLINE)), ("bob", apply_late(_run(), RULE, DEADLINE + DAY)),
            ("carol", _run())]
    assert late_summary(runs, RULE, {"carol": "no entry in --times", "zed": "not graded"}) == (
        "\nLate submissions (deadline 2026-12-10 23:59 -03:00, -10% per started day late, 0 after 5 days): 1\n"
        "  bob -10%\nNo submission time, so no late penalty, for 1: carol (no entry in --times)\n")
    assert late_summary(runs, None, {}) == ""
