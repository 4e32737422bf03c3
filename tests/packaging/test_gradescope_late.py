"""The Gradescope route's submission time (autograder/packaging/gradescope.py: submitted_at_of), for the late
penalty: Gradescope's `created_at`, or none with the reason (then no penalty)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from autograder.packaging.gradescope import submitted_at_of


def test_created_at_is_the_submission_time(tmp_path):
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"created_at": "2026-12-11T02:10:00.365935-03:00", "users": []}))
    assert submitted_at_of(metadata) == (
        datetime(2026, 12, 11, 2, 10, 0, 365935, tzinfo=timezone(timedelta(hours=-3))), "")


def test_no_readable_time_means_no_penalty_and_says_why(tmp_path):
    metadata = tmp_path / "submission_metadata.json"
    assert submitted_at_of(metadata)[0] is None and "no late penalty" in submitted_at_of(metadata)[1]
    metadata.write_text(json.dumps({"users": []}))
    assert submitted_at_of(metadata) == (None, f"{metadata}: no submission time (KeyError: 'created_at'); no late "
                                               f"penalty")
    metadata.write_text(json.dumps({"created_at": "2026-12-11T02:10:00"}))
    assert "has no UTC offset" in submitted_at_of(metadata)[1]
