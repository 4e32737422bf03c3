"""report.html from the command line, on the reduced course (tests/batch/conftest.py): `grade --html FILE`,
`grade --out-dir D --html`, and `grade-all` (on by default, rendered in the worker, skipped with --no-html)."""
from __future__ import annotations

import re

import pytest
from batch_helpers import BUGS, solution_files, write_folder

from autograder.cli import main


def images(page: str) -> list[str]:
    """The alt texts of the page's embedded PNGs."""
    return re.findall(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+"[^>]*alt="([^"]*)"', page)


@pytest.fixture(scope="module")
def flipped(tmp_path_factory):
    """A submission whose conv2d_single flips the kernel (visible lecture cases fail)."""
    return write_folder(tmp_path_factory.mktemp("flipped") / "flipped", solution_files(**BUGS["flipped_kernel"]))


def test_grade_writes_one_report_and_one_per_out_dir_folder(small_course, flipped, tmp_path, capsys):
    """Does `grade --html FILE` write the page with the failing conv2d_single case drawn, and `--out-dir D --html`
    the same page in D/<submission>/report.html?"""
    target, out = tmp_path / "feedback.html", tmp_path / "out"
    assert main(["--course", str(small_course), "grade", str(flipped), "--out-dir", str(out), "--html", str(target),
                 "-q"]) == 0
    page = target.read_text(encoding="utf-8")
    assert (out / "flipped" / "report.html").read_text(encoding="utf-8") == page
    assert any(alt.startswith("conv2d_single, case lecture_") for alt in images(page))
    assert main(["--course", str(small_course), "grade", str(flipped), "--out-dir", str(out / "again"), "-q",
                 "--html"]) == 0
    assert (out / "again" / "flipped" / "report.html").read_text(encoding="utf-8") == page


@pytest.mark.parametrize("args, message", [
    (["{sub}", "{sub}", "--html", "r.html"], "--html r.html names one report"),
    (["{sub}", "--html"], "--html without a file name writes OUT_DIR/<submission>/report.html"),
    (["--html", "{sub}", "{sub}"], "that is a folder"),
])
def test_bad_html_options_say_what_to_do(small_course, flipped, tmp_path, capsys, args, message):
    """Is a misused --html refused with a message saying what to do, before anything is graded?"""
    argv = [a.replace("{sub}", str(flipped)) for a in args]
    assert main(["--course", str(small_course), "grade", *argv]) == 2
    assert message in capsys.readouterr().err


def test_grade_all_writes_report_html_where_the_values_are(small_course, flipped, tmp_path, capsys):
    """Does grade-all (processes) write each student's report.html with pictures, skip it with --no-html, and
    grade again a student whose report is missing when --html is asked for later?"""
    submissions = tmp_path / "submissions"
    write_folder(submissions / "s1_flipped", solution_files(**BUGS["flipped_kernel"]))
    write_folder(submissions / "s2_correct", solution_files())
    out = tmp_path / "grades"
    assert main(["--course", str(small_course), "grade-all", str(submissions), "--out", str(out), "--jobs", "2",
                 "--no-html"]) == 0
    assert not list(out.glob("*/report.html"))
    assert main(["--course", str(small_course), "grade-all", str(submissions), "--out", str(out), "--jobs", "2"]) == 0
    assert "graded 2, skipped 0" in capsys.readouterr().out  # the reports were missing: graded again
    flipped_page = (out / "s1_flipped" / "report.html").read_text(encoding="utf-8")
    correct_page = (out / "s2_correct" / "report.html").read_text(encoding="utf-8")
    assert any(alt.startswith("conv2d_single, case lecture_") for alt in images(flipped_page))
    assert "student s1_flipped" in flipped_page and "<script" not in flipped_page
    assert not images(correct_page)  # a picture shows what is wrong: none where everything passes
    assert not list(out.glob("*/.report.html.tmp"))
    assert main(["--course", str(small_course), "grade-all", str(submissions), "--out", str(out)]) == 0
    assert "graded 0, skipped 2" in capsys.readouterr().out


def test_no_html_leaves_no_older_report_beside_new_results(small_course, tmp_path, capsys):
    """Rerun with --no-html: does `grade-all` remove the page of a student it grades again (here a changed
    submission) and keep that of a student it skips (the page still shows those results), and does `grade
    --out-dir` without --html remove the page a run with --html left?"""
    submissions, out = tmp_path / "submissions", tmp_path / "grades"
    write_folder(submissions / "s1", solution_files(**BUGS["flipped_kernel"]))
    write_folder(submissions / "s2", solution_files())
    course, threads = ["--course", str(small_course)], ["--executor", "threads"]
    assert main([*course, "grade-all", str(submissions), "--out", str(out), *threads]) == 0
    assert {p.parent.name for p in out.glob("*/report.html")} == {"s1", "s2"}
    write_folder(submissions / "s1", solution_files())  # fixed: graded again
    assert main([*course, "grade-all", str(submissions), "--out", str(out), *threads, "--no-html"]) == 0
    assert "graded 1, skipped 1" in capsys.readouterr().out
    assert {p.parent.name for p in out.glob("*/report.html")} == {"s2"} and (out / "class.html").is_file()

    again = tmp_path / "again"
    assert main([*course, "grade", str(submissions / "s2"), "--out-dir", str(again), "-q", "--html"]) == 0
    assert (again / "s2" / "report.html").is_file()
    assert main([*course, "grade", str(submissions / "s2"), "--out-dir", str(again), "-q"]) == 0
    assert sorted(p.name for p in (again / "s2").iterdir()) == ["results.json", "run.json"]
