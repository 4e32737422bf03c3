"""axe-core (Deque's accessibility engine) run in headless Chromium on a page: the WCAG 2.1 A and AA rules.
`scripts/install-axe` (run by scripts/test) installs the pinned axe-core into .venv/node_modules/; where it could
not, the tests that use it skip, naming the reason."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_html_in_chromium import chrome

AXE = Path(__file__).resolve().parents[2] / ".venv" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""WCAG 2.1 level AA: its A and AA success criteria, and those of WCAG 2.0 it includes."""


def violations(page: Path, tmp_path, monkeypatch) -> list[str]:
    """One line per violated rule on `page`: its id, impact, help text and up to three offending elements."""
    if not AXE.is_file():
        pytest.skip(f"axe-core not installed at {AXE}: run `bash scripts/install-axe` (needs npm)")
    driver = chrome(tmp_path, monkeypatch)
    try:
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(120)
        driver.get(page.as_uri())
        driver.execute_script(AXE.read_text(encoding="utf-8"))
        found = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            "  .then(r => done(r.violations.map(v => [v.id, v.impact, v.help, v.nodes.map(n => n.html)])),"
            "        e => done([['axe failed', 'error', String(e), []]]));", TAGS)
    finally:
        driver.quit()
    return [f"{rule} ({impact}): {help_} — {len(nodes)} elements, e.g. {nodes[:3]}"
            for rule, impact, help_, nodes in found]
