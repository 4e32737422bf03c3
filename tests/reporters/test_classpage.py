"""The class page (reporters/classpage.py) on a known class: what it says, its pictures, and what it must not do."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from autograder.batch.summary import summarize
from autograder.reporters import classpage
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

SVG = "{http://www.w3.org/2000/svg}"


def run(student: str, output_size: float, conv2d: float, mistakes: tuple[str, ...] = (),
        status: Status | None = None) -> tuple[str, GradingRun]:
    def exercise(name: str, points: float, score: float, found: tuple[str, ...] = ()) -> ExerciseResult:
        kind = status or (Status.PASSED if score == points else Status.FAILED)
        return ExerciseResult(name, "m", name, points, (CaseResult(name, "c", True, kind, score, points, ""),),
                              mistakes=found)
    return student, GradingRun("a", student, student, (exercise("output_size", 4, output_size),
                                                       exercise("conv2d", 10, conv2d, mistakes)))


CLASS = [run("alice", 4, 10), run("bob", 4, 0, ("flipped_kernel",)), run("carol", 4, 3, ("flipped_kernel",)),
         run("dave", 0, 4, ("padding_ignored",)), run("<img src=x onerror=alert(1)>", 0, 0, status=Status.UNGRADABLE)]
NOTES = {("conv2d", "flipped_kernel"): "the kernel is flipped <as in signal processing>"}


def page(runs=CLASS) -> str:
    return classpage.page(summarize(runs), course="INF721", title="L10", mistake_notes=NOTES)


def pictures(text: str) -> dict[str, ET.Element]:
    """Every <svg> of the page, parsed as XML (so each is well-formed on its own), by id."""
    found = {}
    for match in re.finditer(r"<svg .*?</svg>", text, re.S):
        element = ET.fromstring(match.group(0))
        found[element.get("id")] = element
    return found


def test_the_page_has_the_three_pictures_each_titled_and_described():
    """Does each picture carry role=img, a <title> and a <desc> that aria-labelledby points at, with its numbers
    in words?"""
    drawn = pictures(page())
    assert list(drawn) == ["figure-distribution", "figure-pass-rate", "figure-mistakes"]
    for ident, svg in drawn.items():
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert svg.get("role") == "img" and title is not None and desc is not None
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "output_size 60%; conv2d 20%" in drawn["figure-pass-rate"].find(f"{SVG}desc").text
    assert "conv2d: flipped_kernel, 2 students; conv2d: padding_ignored, 1 student" in \
        drawn["figure-mistakes"].find(f"{SVG}desc").text
    histogram = drawn["figure-distribution"].find(f"{SVG}desc").text
    assert "0 to 1.4: 0 graded, 1 not graded; 2.8 to 4.2: 2 graded" in histogram


def test_the_bars_have_the_lengths_of_their_numbers():
    """Is a pass rate of 60% drawn 60% as long as its track, and the histogram's bar of 2 twice a bar of 1?"""
    drawn = pictures(page())
    rects = drawn["figure-pass-rate"].findall(f"{SVG}rect")
    track, bar = float(rects[0].get("width")), float(rects[1].get("width"))
    assert abs(bar / track - 0.6) < 0.01
    heights = [float(r.get("height")) for r in drawn["figure-distribution"].findall(f"{SVG}rect")
               if r.find(f"{SVG}title") is not None]
    assert len(heights) == 4 and max(heights) == 2 * min(heights)  # the ungradable 0; bob's and dave's 4; carol; alice


def test_what_to_reteach_lists_the_mistakes_by_frequency_with_their_messages():
    text = page()
    section = text[text.index("What to re-teach"):text.index("Score distribution")]
    items = re.findall(r"<li>(.*?)</li>", section)
    assert [re.sub(r"<.*?>", "", item).split(":")[0] for item in items] == [
        "flipped_kernel in conv2d", "padding_ignored in conv2d"]
    assert "2 students</span> of 5 (40%)" in items[0]
    assert "the kernel is flipped &lt;as in signal processing&gt;" in items[0]
    assert "Lowest pass rates (full marks): <code>conv2d</code> 20%, <code>output_size</code> 60%." in section


def test_every_picture_has_its_numbers_as_a_table():
    text = page()
    tables = re.findall(r"<details><summary>(.*?)</summary>", text)
    assert tables == ["The distribution as a table", "The exercises as a table", "The mistakes as a table"]
    assert '<tr><td>conv2d</td><td>flipped_kernel</td><td class="num">2</td><td class="num">40%</td></tr>' in text
    assert '<tr><td>31.5 – 35 (inclusive)</td>' not in text  # the maximum here is 14
    assert '<tr><td>12.6 – 14 (inclusive)</td><td class="num">1</td><td class="num">0</td></tr>' in text


def test_the_page_is_self_contained_escaped_and_the_same_every_time():
    """No script, no link, nothing with a URL; a student id that is HTML is shown as text; the same bytes twice."""
    text = page()
    assert text == page()
    assert "<script" not in text and "<link" not in text and "src=" not in text.replace("src=x", "")
    assert not re.search(r"(href|src)=\"?(https?:)?//", text) and "url(http" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "<img" not in text

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)

    parser = Tags()
    parser.feed(text)
    assert {"svg", "table", "ol", "details"} <= parser.tags and not parser.tags & {"script", "img", "iframe", "link"}


def test_a_class_without_mistakes_says_so_and_draws_two_pictures():
    text = page([run("alice", 4, 10), run("bob", 0, 0)])
    assert "No known mistake was diagnosed in this class." in text
    assert list(pictures(text)) == ["figure-distribution", "figure-pass-rate"]


def test_the_page_of_a_whole_class_stays_small():
    """Does a class of 300 students with every mistake diagnosed somewhere stay under 40 KB (the page grows with
    exercises and mistakes, not with students)?"""
    runs = [run(f"s{i:03d}", i % 5, i % 11, (("flipped_kernel", "padding_ignored", "stride_ignored")[i % 3],))
            for i in range(300)]
    assert len(page(runs).encode()) < 40_000
