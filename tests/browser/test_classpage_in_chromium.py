"""The class page (grades/class.html) in a real browser, from a real `grade-all` of a small class on the reduced
course: headless Chromium's screenshot shows the three pictures (their colours are on it), and, driven by
chromedriver, every picture is laid out with a size, is labelled by its <title> and <desc>, has its table, and
the page logs no console error, runs no script and fetches nothing. Skipped where Chromium is absent
(`scripts/install-chromium`)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course
from test_html_in_chromium import chrome, screenshot

from autograder.cli import main
from autograder.reporters.classpage import GRADED_COLOUR, MISTAKE_COLOUR, PASS_COLOUR

BUGS = {"bias_missing": ("shapes", "return int((f * f * in_channels + 1) * filters)",
                         "return int(f * f * in_channels * filters)"),
        "flipped_kernel": ("filters", "np.tensordot(windows, kernel,", "np.tensordot(windows, kernel[::-1, ::-1],")}
"""As tests/batch/batch_helpers.py's: the reference with one change."""


def _submission(folder, bug: str | None = None) -> None:
    folder.mkdir(parents=True)
    for module in SMALL_MODULES:
        text = (REPO / "solutions" / ASSIGNMENT / f"{module}.py").read_text()
        if bug and BUGS[bug][0] == module:
            assert BUGS[bug][1] in text
            text = text.replace(BUGS[bug][1], BUGS[bug][2], 1)
        (folder / f"{module}.py").write_text(text)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """grades/class.html of 7 students graded for real: 2 correct, 2 with the bias forgotten, 1 flipped kernel,
    1 untouched stub (a real 0) and 1 corrupt zip (an ungradable 0)."""
    root = tmp_path_factory.mktemp("classpage")
    (root / "course").mkdir()
    course = write_small_course(root / "course", {"case_seconds": 1, "exercise_seconds": 2})
    submissions = root / "submissions"
    for student, bug in (("s1", None), ("s2", None), ("s3", "bias_missing"), ("s4", "bias_missing"),
                         ("s5", "flipped_kernel")):
        _submission(submissions / student, bug)
    (submissions / "s6").mkdir()
    for module in SMALL_MODULES:
        shutil.copy(REPO / "assignments" / ASSIGNMENT / f"{module}.py", submissions / "s6")
    (submissions / "s7.zip").write_bytes(b"PK\x03\x04 not really a zip")
    out = root / "grades"
    assert main(["--course", str(course), "grade-all", str(submissions), "--out", str(out), "--jobs", "2",
                 "--no-html"]) == 0
    return out / "class.html"


def _pixels_near(pixels: np.ndarray, colour: str) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int(np.count_nonzero(np.abs(pixels - rgb).max(axis=1) < 10))


def test_chromium_draws_the_class_pictures(page, tmp_path):
    """Is the screenshot not blank, and are the histogram's, the pass rates' and the mistakes' colours on it?"""
    pixels = screenshot(page, tmp_path, 2400)
    for colour in (GRADED_COLOUR, PASS_COLOUR, MISTAKE_COLOUR):
        assert _pixels_near(pixels, colour) > 500, f"no {colour} on the screenshot: a picture is missing"


def test_the_pictures_are_laid_out_labelled_and_nothing_else_happens(page, tmp_path, monkeypatch):
    """Driven by chromedriver: three SVG pictures with a size on the page, each labelled by its own <title> and
    <desc>, a table for each, the mistakes in frequency order, no console error, no script, nothing fetched?"""
    driver = chrome(tmp_path, monkeypatch, console=True)
    try:
        driver.set_page_load_timeout(60)
        driver.get(page.as_uri())
        pictures = driver.execute_script("""return Array.from(document.querySelectorAll('svg'), s => {
            const box = s.getBoundingClientRect();
            const label = (s.getAttribute('aria-labelledby') || '').split(' ')
                .map(id => (document.getElementById(id) || {}).textContent || '');
            return [s.id, s.getAttribute('role'), box.width, box.height, label, s.querySelectorAll('rect').length];
        })""")
        tables = driver.execute_script("return document.querySelectorAll('details table').length")
        reteach = driver.execute_script("return Array.from(document.querySelectorAll('ol.reteach li'), "
                                        "li => li.textContent)")
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))")
        scripts = driver.execute_script("return document.scripts.length")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    finally:
        driver.quit()
    assert [p[0] for p in pictures] == ["figure-distribution", "figure-pass-rate", "figure-mistakes"]
    for ident, role, width, height, (title, desc), rects in pictures:
        assert role == "img" and width > 300 and height > 50, f"{ident} is not laid out: {width} x {height}"
        assert title and len(desc) > 40, f"{ident} has no title or description"
        assert rects >= 3, f"{ident} has no bars"
    assert tables == 3
    assert [item.split(":")[0] for item in reteach] == ["bias_forgotten in conv_param_count",
                                                        "flipped_kernel in conv2d_single"]
    assert reteach[0].startswith("bias_forgotten in conv_param_count: 2 students of 7 (29%).")
    assert resources == [] and scripts == 0 and errors == []


def test_the_class_page_has_no_wcag_violation(page, tmp_path, monkeypatch):
    """Does axe-core find no WCAG 2.1 A/AA violation on class.html (tests/browser/axe.py)?"""
    from axe import violations

    assert violations(page, tmp_path, monkeypatch) == []
