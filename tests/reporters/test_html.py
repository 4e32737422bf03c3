"""The HTML report (reporters/html.py) on real gradings: one submission with a flipped conv2d kernel that prints
HTML, graded once for the module, and the bundled buggy example (its visible cases, as `check` runs them)."""
from __future__ import annotations

import base64
import inspect
import re
from html import escape
from dataclasses import replace

import numpy as np
import pytest

from autograder.pipeline import grade, grade_with_values
from autograder.reporters import html
from autograder.reporters.pictures import pictures_for
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.values import CaseValues

from support import ASSIGNMENT, REPO, make_variant

SCRIPT = "<script>alert(1)</script>"
STUDENT = 'mallory<img src=x onerror="alert(2)">'


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    torch = pytest.importorskip("torch")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def flipped(course, assignment, tmp_path_factory):
    """(run, values) of the reference with conv2d's kernel flipped and an HTML-looking print, all cases."""
    folder = make_variant(tmp_path_factory.mktemp("flipped") / "flipped", "conv_numpy",
                          "    padded = zero_pad(image, padding)\n",
                          f"    print({SCRIPT!r})\n    kernel = kernel[::-1, ::-1]\n    padded = zero_pad(image, padding)\n")
    return grade_with_values(course, assignment, folder, student=STUDENT)


@pytest.fixture(scope="module")
def flipped_page(course, assignment, flipped) -> str:
    run, values = flipped
    return html.report(run, values, course=f"{course.code} {course.title}", title=assignment.title)


def figures(page: str) -> list[tuple[bytes, str]]:
    """(PNG bytes, alt text) of every embedded image."""
    found = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"[^>]*alt="([^"]*)"', page)
    return [(base64.b64decode(data), alt) for data, alt in found]


def test_student_text_is_escaped(flipped_page):
    """Does what the student printed, and the student id, appear escaped, never as markup?"""
    assert SCRIPT not in flipped_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in flipped_page
    assert STUDENT not in flipped_page and "mallory&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in flipped_page
    assert "<script" not in flipped_page.lower() and "<img src=x" not in flipped_page


def test_a_failing_visible_image_case_is_drawn(flipped, flipped_page):
    """Is the first failing visible conv2d case drawn, as a PNG with input, expected, yours and difference?"""
    run, _ = flipped
    conv2d = next(e for e in run.exercises if e.id == "conv2d")
    failing = [c.case for c in conv2d.cases if c.visible and not c.passed]
    assert failing, "the flipped kernel should fail a visible conv2d case"
    section = flipped_page.split('id="ex-conv2d"', 1)[1].split("</section>", 1)[0]
    drawn = figures(section)
    assert 1 <= len(drawn) <= 2
    png, alt = drawn[0]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert alt.startswith(f"conv2d, case {failing[0]}: the input image") and "the difference" in alt
    assert "This looks like the known mistake" in section  # the exercise's diagnosis is shown


def test_hidden_cases_are_never_drawn_nor_kept(flipped, flipped_page):
    """Are the values of hidden cases never kept, and no picture or hidden detail shown for them?"""
    run, values = flipped
    hidden = {f"{c.exercise}/{c.case}" for e in run.exercises for c in e.cases if not c.visible}
    assert hidden and not hidden & {v.key for v in values}
    for _, alt in figures(flipped_page):
        exercise, case = alt.split(", case ", 1)[0], alt.split(", case ", 1)[1].split(":", 1)[0]
        assert f"{exercise}/{case}" not in hidden
    failing = [c for e in run.exercises for c in e.cases if not c.visible and c.status.is_student_fault]
    assert failing and all(c.details == "" or "Called" not in c.details for c in failing)
    assert all(escape(c.staff) not in flipped_page for c in failing)  # the mismatch table with expected values


def test_a_hidden_case_value_given_by_mistake_is_not_drawn(flipped):
    """Even if the values of a hidden case reached the reporter, would it refuse to draw them?"""
    run, values = flipped
    conv2d = next(e for e in run.exercises if e.id == "conv2d")
    hidden = next(c for c in conv2d.cases if not c.visible)
    leaked = CaseValues("conv2d", hidden.case, {"image": np.eye(4)}, np.eye(3), np.zeros((3, 3)))
    drawn = pictures_for(run, (leaked,))
    assert all(p.case != hidden.case for p in drawn)


def test_the_same_run_gives_the_same_bytes(course, assignment, flipped, flipped_page):
    """Is the page (PNG bytes included) identical when rendered again from the same run?"""
    run, values = flipped
    again = html.report(run, values, course=f"{course.code} {course.title}", title=assignment.title)
    assert again == flipped_page
    for png, _ in figures(flipped_page):
        assert b"tEXt" not in png and b"tIME" not in png  # no software name, no date


def test_the_page_is_self_contained(flipped_page):
    """Does the page load nothing: no script, no external stylesheet, font or image?"""
    lower = flipped_page.lower()
    assert "<script" not in lower and "<link" not in lower and "@import" not in lower
    assert not re.search(r'(src|href)="(?!data:|#)', flipped_page)
    assert "url(" not in lower


def test_the_buggy_example_gets_its_table_and_no_needless_pictures(course, assignment):
    """Does the bundled buggy example (visible cases, as `check` runs them; its image-like outputs are all right)
    give a report with its score table and its failing cases, and no picture (nothing to show there)?"""
    run, values = grade_with_values(course, assignment, REPO / "examples" / ASSIGNMENT / "buggy_student",
                                    visible_only=True)
    page = html.report(run, values, title=assignment.title)
    assert figures(page) == []
    assert '<a href="#ex-conv_param_count">conv_param_count</a>' in page and "got 270, expected 280" in page
    assert len(page) < 600_000


def test_grade_keeps_its_signature(flipped):
    """Does `grade` keep its signature (it returns the run that `grade_with_values` returns with the values)?"""
    run, _ = flipped
    assert isinstance(run, GradingRun)
    assert list(inspect.signature(grade).parameters) == ["course", "assignment", "submission", "student",
                                                         "visible_only", "submitted_at"]


def test_messages_and_notes_are_escaped_without_grading():
    """A hand-made run: are messages, details, notes and titles escaped, and a run without pictures fine?"""
    case = CaseResult("conv2d", "c<1>", True, Status.FAILED, 0.0, 1.0, SCRIPT, details=f"a & b\n{SCRIPT}")
    exercise = ExerciseResult("conv2d", "conv_numpy", "Conv <b>", 1.0, (case,), notes=(SCRIPT,))
    run = GradingRun("l10", STUDENT, "sub", (exercise,), notes=(SCRIPT,))
    page = html.page(run, course="INF721 <i>")
    assert SCRIPT not in page and "<b>" not in page and "<i>" not in page and "c&lt;1&gt;" in page
    assert "<pre tabindex=\"0\">a &amp; b\n&lt;script&gt;" in page
    assert page == html.page(replace(run), course="INF721 <i>")


def test_scores_are_rounded_to_two_decimals_in_the_page():
    """Are the page's scores rounded to 2 decimals, as in the text report?"""
    from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

    case = CaseResult("f0", "c", True, Status.PASSED, 2.98765, 2.98765, "passed")
    page = html.page(GradingRun("a1", None, "sub", (ExerciseResult("f0", "m", "F", 2.98765, (case,)),)))
    assert "2.99" in page and "2.9877" not in page and "2.98765" not in page


def _synthetic_run() -> GradingRun:
    """conv2d: 2 passed, 1 failed, 6 failed hidden, 2 CUDA copies skipped; filters_ok: all passed."""
    def case(name, status, visible=True):
        return CaseResult("conv2d", name, visible, status, 1.0 if status is Status.PASSED else 0.0, 1.0, "msg")
    conv2d = (case("a", Status.PASSED), case("b", Status.PASSED), case("c", Status.FAILED),
              *(case(f"random[{i}]", Status.TIMEOUT, False) for i in range(6)),
              case("a@cuda", Status.SKIPPED), case("b@cuda", Status.SKIPPED))
    ok = (case("x", Status.PASSED),)
    return GradingRun("a1", "s1", "s1", (ExerciseResult("conv2d", "m", "", 9.0, conv2d),
                                          ExerciseResult("filters_ok", "m", "", 1.0, ok)))


def test_failures_come_first_and_link_to_their_cases():
    """Is there, before the first exercise, a list of the exercises that lost points linking to their failing
    cases (five at most, then a count), and does every link point at a case row of the page?"""
    page = html.page(_synthetic_run())
    fix = page[page.index('<nav class="fix-first"'):page.index("</nav>")]
    assert page.index("</nav>") < page.index('<section class="exercise"')
    assert "To fix first: 1 exercise" in fix and "filters_ok" not in fix
    links = re.findall(r'href="#([^"]+)"', fix)
    assert links[0] == "ex-conv2d" and len(links) == 1 + 5 and "and 2 more" in fix
    for anchor in links:
        assert f'id="{anchor}"' in page
    assert ">c</a> (failed)" in fix and "(timeout)" in fix


def test_passed_cases_are_folded_and_totals_count_what_ran():
    """Are passed cases folded in a <details> after the failing ones, and does the score table count the cases
    that ran, as the console does (2 of 9, the 2 skipped CUDA copies said apart)?"""
    page = html.page(_synthetic_run())
    assert '<td class="num">2/9 <span class="hidden">(2 skipped)</span></td>' in page
    assert '<td class="num">1/1</td>' in page
    section = page.split('id="ex-conv2d"', 1)[1].split("</section>", 1)[0]
    assert section.index(">c<") < section.index("<details") < section.index(">a<")
    assert "<summary>2 cases passed</summary>" in section


def test_a_page_without_failures_says_so():
    """Does a run whose every case passed say there is nothing to fix?"""
    run = _synthetic_run()
    run = replace(run, exercises=run.exercises[1:])
    assert "Nothing to fix" in html.page(run)
