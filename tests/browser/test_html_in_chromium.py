"""The HTML report in a real browser: headless Chromium renders a report with pictures (a shifted edge map) to a
screenshot, and, driven by chromedriver (selenium), every image of the page has loaded and nothing came from the
network. `scripts/install-chromium` (run by scripts/test) installs Chromium where it can; elsewhere these skip."""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from autograder.reporters import html
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.values import CaseValues

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-dev-shm-usage", "--hide-scrollbars")
WINDOW = (1200, 1600)
VIRIDIS_YELLOW = np.array([253, 231, 37])
"""The top of the colour scale of the expected and returned images: only the pictures have it."""


def _browser() -> str:
    found = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    if found is None:
        pytest.skip("Chromium not found (chromium, chromium-browser or google-chrome on PATH); "
                    "run `bash scripts/install-chromium` (as root, it installs the Debian packages)")
    return found


def screenshot(page, tmp_path, height: int) -> np.ndarray:
    """The pixels (n x 3 RGB ints) of headless Chromium's screenshot of `page`, WINDOW wide and `height` high,
    checked not to be blank."""
    shot = tmp_path / "shot.png"
    command = [_browser(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={WINDOW[0]},{height}",
               f"--screenshot={shot}", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert shot.is_file(), f"no screenshot (exit {done.returncode}):\n{done.stderr[-2000:]}"
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    assert len(np.unique(pixels, axis=0)) > 50, "the screenshot is blank"
    return pixels


def chrome(tmp_path, monkeypatch, console: bool = False):
    """Headless Chromium driven by chromedriver (selenium), offline, WINDOW-sized; `console` keeps the browser's
    console log. Skips the test, saying how to get them, where chromedriver or selenium is missing."""
    browser = _browser()
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        pytest.skip("chromedriver not found; run `bash scripts/install-chromium` (Debian: chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed: pip install -e '.[dev]'")
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # selenium must not download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver_path), options=options)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report whose conv2d_single returns the edge map shifted by one column, and whose student prints HTML."""
    image = np.array([[10.0] * 3 + [0.0] * 3] * 6)
    expected = np.array([[0.0, 30, 30, 0]] * 4)
    case = CaseResult("conv2d_single", "lecture_vertical_edge", True, Status.FAILED, 0.0, 2.0, "values differ",
                      details="Your code printed:\n<script>document.title = 'pwned'</script>")
    hidden = CaseResult("conv2d_single", "random[0]", False, Status.FAILED, 0.0, 2.0, "the returned values are wrong")
    run = GradingRun("l10_convolutions", "s1", "s1", (ExerciseResult(
        "conv2d_single", "filters", "Convolution of an image with a filter", 4.0, (case, hidden)),))
    values = (CaseValues("conv2d_single", "lecture_vertical_edge", {"image": image, "kernel": np.ones((3, 3))},
                         expected, np.roll(expected, 1, axis=1)),)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(html.report(run, values, course="INF721", title="L10"), encoding="utf-8")
    return path


def test_chromium_renders_the_pictures(report, tmp_path):
    """Does headless Chromium's screenshot of the page show the pictures (not a blank page)?"""
    pixels = screenshot(report, tmp_path, WINDOW[1])
    yellow = np.count_nonzero(np.abs(pixels - VIRIDIS_YELLOW).max(axis=1) < 12)
    assert yellow > 200, "no picture on the screenshot"


def test_every_image_loads_and_nothing_comes_from_the_network(report, tmp_path, monkeypatch):
    """Driven by chromedriver: has every image completed with a size, did no script run, and was no resource
    fetched but the page itself?"""
    driver = chrome(tmp_path, monkeypatch)
    try:
        driver.set_page_load_timeout(60)
        driver.get(report.as_uri())
        images = driver.execute_script(
            "return Array.from(document.images, i => [i.complete, i.naturalWidth, i.naturalHeight, i.alt])")
        resources = driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'))")
        title, scripts = driver.title, driver.execute_script("return document.scripts.length")
    finally:
        driver.quit()
    assert len(images) == 1
    complete, width, height, alt = images[0]
    assert complete and width > 0 and height > 0, f"the picture did not load: {images[0]}"
    assert alt.startswith("conv2d_single, case lecture_vertical_edge: the input image")
    assert resources == [] and scripts == 0 and title != "pwned"
