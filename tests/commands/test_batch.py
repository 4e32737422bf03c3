"""`export-grades` from a grades folder of saved runs (no grading: the runs are made by hand)."""
from __future__ import annotations

from autograder.batch import store
from autograder.cli import main
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def run_of(student: str, status: Status, mistakes: tuple[str, ...] = ()) -> GradingRun:
    """A run of two exercises, one case each: output_size passed (unless `status` says otherwise), conv2d 0."""
    passed = Status.PASSED if status is not Status.UNGRADABLE else status
    return GradingRun("a", student, student, (
        ExerciseResult("output_size", "m", "output_size", 4.0,
                       (CaseResult("output_size", "c", True, passed, 4.0 if passed is Status.PASSED else 0.0, 4.0,
                                   ""),)),
        ExerciseResult("conv2d", "m", "conv2d", 10.0, (CaseResult("conv2d", "c", True, status, 0.0, 10.0, ""),),
                       mistakes=mistakes)))


def test_export_grades_writes_the_csv_and_the_class_page_without_a_course(tmp_path, monkeypatch, capsys):
    """Away from any course, does export-grades still write grades.csv's columns and a class page named after the
    runs' assignment, with the mistakes counted from run.json?"""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    grades = tmp_path / "grades"
    for run in (run_of("alice", Status.FAILED, ("flipped_kernel",)), run_of("bob", Status.UNGRADABLE)):
        store.save(grades, run.student, run, "{}\n", "x")
    assert main(["export-grades", str(grades), "--html", "class.html"]) == 0
    assert capsys.readouterr().out == ("student,total,max,output_size,conv2d,grading,mistakes\n"
                                       "alice,4,14,4,0,graded,conv2d:flipped_kernel\n"
                                       "bob,0,14,0,0,ungradable,\n")
    page = (tmp_path / "class.html").read_text()
    assert "<title>a: the class</title>" in page and "<code>flipped_kernel</code> in <code>conv2d</code>" in page
