"""Fixtures of the batch-grading tests: a reduced course (helpers are in batch_helpers.py).

The reduced course keeps only the `shapes` and `filters` exercises of l10_convolutions (35 points, no
questions): its submissions never import torch, so one grades in well under a second instead of 4-6 s, and its
time limits are short, so that an infinite loop costs about two seconds.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from support import write_small_course


@pytest.fixture(scope="session")
def small_course(tmp_path_factory) -> Path:
    """A course folder whose assignment has only the shapes and filters exercises."""
    return write_small_course(tmp_path_factory.mktemp("small_course"), {"case_seconds": 1, "exercise_seconds": 2})
