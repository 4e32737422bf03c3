"""The class CSV (autograder/reporters/csv.py), from runs alone."""
from __future__ import annotations

import csv
import io

from autograder.reporters.csv import class_csv
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def run_of(score: float) -> GradingRun:
    case = CaseResult("dense", "case0", True, Status.PASSED if score else Status.FAILED, score, 2.0,
                      "passed" if score else "wrong values")
    return GradingRun("l10", None, "folder", (ExerciseResult("dense", "shapes", "Dense", 2.0, (case,)),))


def test_a_student_id_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    """Does a folder named `=HYPERLINK(...)` or `+1` reach the CSV as text, not as a formula?"""
    runs = [("=HYPERLINK(\"http://x\")", run_of(2.0)), ("+1", run_of(0.0)), ("alice", run_of(2.0))]
    rows = list(csv.reader(io.StringIO(class_csv(runs))))
    assert [row[0] for row in rows[1:]] == ["'+1", "'=HYPERLINK(\"http://x\")", "alice"]
    assert [row[1:3] for row in rows[1:]] == [["0", "2"], ["2", "2"], ["2", "2"]]
