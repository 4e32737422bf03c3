"""Extra per-student reports of `grade-all`, such as the HTML feedback page (`--html`).

A report is rendered in the worker, where the case values are (pictures need the arrays, and only
`GradingRun.to_dict()` and the rendered text come back to the host), then written by the host into
`grades/<student>/` next to results.json, before `.done`. A report object travels with each job, so it must
pickle: a frozen dataclass defined at module level.

REPORT_FILES names every report file `grade-all` can write: a student graded again without one of them (`--no-html`)
has the old file removed (batch/store.py), so that a page of an earlier run never sits beside new results.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # kept light: the host imports this module before any grading
    from autograder.results import GradingRun
    from autograder.values import CaseValues


class StudentReport(Protocol):
    filename: str
    """The file's name in the student's grades folder."""

    def render(self, course, assignment, run: GradingRun, values: tuple[CaseValues, ...]) -> str:
        """The file's text. `values` is empty where the grading never ran (an ungradable submission, a failure
        of the grader or the executor): the report must still be written from the run alone."""
        ...


@dataclass(frozen=True)
class HtmlReport:
    """report.html: the student's feedback page with pictures (reporters/html.py)."""

    filename: str = "report.html"

    def render(self, course, assignment, run: GradingRun, values: tuple[CaseValues, ...]) -> str:
        from autograder.reporters import html

        return html.report(run, values, course=f"{course.code} {course.title}", title=assignment.title)


REPORT_FILES: tuple[str, ...] = (HtmlReport.filename,)
"""The file names of every per-student report above."""
