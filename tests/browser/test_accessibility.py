"""Is the student's report accessible? axe-core's WCAG 2.1 AA rules in headless Chromium on report.html as
`grade --html` writes it for the reference, the bundled buggy example and the untouched stubs (the reduced
course: shapes and filters), and on a page holding every status, a hidden case, a skipped CUDA copy, notes and a
picture. The class page's own check is in test_classpage_in_chromium.py."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from axe import violations
from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course

from autograder.cli import main
from autograder.reporters import html
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.values import CaseValues

SOURCES = {"reference": REPO / "solutions" / ASSIGNMENT, "buggy": REPO / "examples" / ASSIGNMENT / "buggy_student",
           "stubs": REPO / "assignments" / ASSIGNMENT}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """report.html of each of SOURCES' shapes.py and filters.py, graded on the reduced course."""
    root = tmp_path_factory.mktemp("a11y")
    (root / "course").mkdir()
    course = write_small_course(root / "course", {"case_seconds": 2, "exercise_seconds": 4})
    found = {}
    for name, source in SOURCES.items():
        folder = root / "submissions" / name
        folder.mkdir(parents=True)
        for module in SMALL_MODULES:
            shutil.copy(source / f"{module}.py", folder)
        found[name] = root / f"{name}.html"
        assert main(["--course", str(course), "grade", str(folder), "--html", str(found[name]), "-q"]) == 0
    return found


@pytest.mark.parametrize("name", list(SOURCES))
def test_a_graded_report_has_no_wcag_violation(pages, name, tmp_path, monkeypatch):
    """Does axe-core find no WCAG 2.1 A/AA violation on the report of the reference, the buggy example, the
    stubs?"""
    assert violations(pages[name], tmp_path, monkeypatch) == []


def test_every_part_of_a_report_has_no_wcag_violation(tmp_path, monkeypatch):
    """A page with every status, a hidden case, skipped CUDA copies, long details, notes and a picture: no
    violation either."""
    cases = tuple(CaseResult("conv2d_single", f"case_{status.value}", status not in (Status.TIMEOUT, Status.CRASHED),
                             status,
                             1.0 if status is Status.PASSED else 0.0, 1.0, f"{status.value}: a message",
                             details="Your code printed:\n" + "x" * 400 if status is Status.ERROR else "")
                  for status in Status)
    run = GradingRun("l10", "s1", "s1", (ExerciseResult("conv2d_single", "filters", "A title", 10.0, cases,
                                                         notes=("This looks like the known mistake ...",)),),
                     notes=("A note for the whole run.",))
    image = np.arange(36.0).reshape(6, 6)
    values = (CaseValues("conv2d_single", "case_failed", {"image": image, "kernel": np.ones((3, 3))},
                         image[:4, :4], image[:4, :4] + 1),)
    page = tmp_path / "report.html"
    page.write_text(html.report(run, values, course="INF721", title="L10"), encoding="utf-8")
    assert violations(page, tmp_path, monkeypatch) == []
