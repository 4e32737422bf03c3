"""Late submissions: pure functions from an assignment's rule (`late:` in course.yaml or assignment.yaml) and a
submission's time to the penalty, and the run with it applied.

The rule (docs/batch.md, "Late submissions"):
- at or before the deadline: on time, no penalty;
- after it, every started 24 hours is one day late (1 second late is 1 day, 24 h is 1 day, 24 h 1 s is 2 days);
- each day late costs `penalty_per_day` percent of the points earned (not of the maximum), at most 100%;
- past `max_days` days late, the submission scores 0 (-100%).

Times are compared as instants: the deadline's and the submission's UTC offsets may differ.
"""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime
from typing import Mapping, Sequence

from autograder.results import GradingRun, LatePenalty
from autograder.spec.model import LateRule
from autograder.times import duration_text, iso

DAY_SECONDS = 86400


def assess(rule: LateRule, submitted_at: datetime) -> LatePenalty:
    """How late `submitted_at` (timezone-aware) is for `rule`, and the penalty in percent."""
    late = (submitted_at - rule.deadline).total_seconds()
    deadline = _shown(rule.deadline)
    if late <= 0:
        return LatePenalty(submitted_at=iso(submitted_at), deadline=iso(rule.deadline), seconds_late=0, days_late=0,
                           percent=0.0, message="")
    days = math.ceil(late / DAY_SECONDS)
    when = f"Submitted {duration_text(submitted_at - rule.deadline)} late (deadline {deadline})"
    if rule.max_days is not None and days > rule.max_days:
        percent = 100.0
        accepted = "no late submission is accepted" if rule.max_days == 0 else \
            f"past the {rule.max_days} day{'' if rule.max_days == 1 else 's'} late accepted"
        message = f"{when}, {accepted}: -100%."
    else:
        percent = min(100.0, days * rule.penalty_per_day)
        message = f"{when}: -{percent:g}% ({days} started day{'' if days == 1 else 's'} x {rule.penalty_per_day:g}%)."
    return LatePenalty(submitted_at=iso(submitted_at), deadline=iso(rule.deadline), seconds_late=math.ceil(late),
                       days_late=days, percent=percent, message=message)


def apply_late(run: GradingRun, rule: LateRule | None, submitted_at: datetime | None) -> GradingRun:
    """The run with its late penalty, where the assignment has a rule and the submission's time is known
    (else the run unchanged): `run.late` set, and for a late submission a first note saying what it cost."""
    if rule is None or submitted_at is None:
        return run
    penalty = assess(rule, submitted_at)
    graded = replace(run, late=penalty)
    if not penalty.message:
        return graded
    note = (f"{penalty.message} Your points: {_n(run.raw_score)} - {penalty.percent:g}% = {_n(graded.score)} of "
            f"{_n(run.max_score)}.")
    return replace(graded, notes=(note, *run.notes))


def _shown(moment: datetime) -> str:
    """2026-12-10 23:59 -03:00: the deadline in its own zone, as course.yaml gives it."""
    offset = moment.isoformat()[19:].lstrip("0123456789.") or "+00:00"
    return f"{moment:%Y-%m-%d %H:%M} {'UTC' if offset in ('+00:00', 'Z') else offset}"


def _n(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def rule_text(rule: LateRule) -> str:
    """The rule in one line: `deadline 2026-12-10 23:59 -03:00, -10% per started day late, 0 after 5 days`."""
    after = "" if rule.max_days is None else \
        (", no late submission accepted" if rule.max_days == 0 else f", 0 after {rule.max_days} days")
    return f"deadline {_shown(rule.deadline)}, -{rule.penalty_per_day:g}% per started day late{after}"


def late_summary(runs: Sequence[tuple[str, GradingRun]], rule: LateRule | None,
                 missing: Mapping[str, str]) -> str:
    """The late lines of grade-all's summary: who lost what, and who has no known time (no penalty); "" without
    a deadline."""
    if rule is None:
        return ""
    late = [(student, run.late) for student, run in runs if run.late is not None and run.late.percent]
    lines = ["", f"Late submissions ({rule_text(rule)}): {len(late) or 'none'}"]
    if late:
        lines.append("  " + ", ".join(f"{student} -{penalty.percent:g}%" for student, penalty in late))
    graded = {student for student, _ in runs}
    unknown = [(student, why) for student, why in sorted(missing.items()) if student in graded]
    if unknown:
        lines.append(f"No submission time, so no late penalty, for {len(unknown)}: "
                     + "; ".join(f"{student} ({why})" for student, why in unknown))
    return "\n".join(lines) + "\n"
