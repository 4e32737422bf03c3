"""One student id on every route: trimmed, in the course's case, of its declared form (course.yaml student_id)."""
from __future__ import annotations

import dataclasses

import pytest
import yaml

from autograder.batch.runner import _job
from autograder.batch.submissions import Submission
from autograder.cases import expand_assignment
from autograder.cli import EXIT_OK, EXIT_UNUSABLE, main
from autograder.packaging.gradescope import _refused_id
from autograder.questions.answers import parse_answers
from autograder.questions.draw import draw_all
from autograder.questions.grading import grade_questions
from autograder.spec import SpecError, StudentIdRule, load_course
from autograder.student_id import StudentIdError, canonical, checked

from support import ASSIGNMENT, REPO

FORM = StudentIdRule(pattern="s[0-9]{7}", case_sensitive=False, example="s2026042")


def _real(args: list[str]) -> int:
    """The command `args` on the real course's assignment ASSIGNMENT (named, whatever else course.yaml lists)."""
    command, *rest = args
    return main(["--course", str(REPO), command, "--assignment", ASSIGNMENT, *rest])


def test_an_id_is_trimmed_and_in_the_courses_case():
    """Are spaces around an id dropped everywhere, and its case only where the course says case does not count?"""
    assert canonical(" s2026042\n") == canonical("s2026042") == "s2026042"
    assert canonical("S2026042") == "S2026042"  # case-sensitive by default: a platform knows no course's ids
    assert canonical(" S2026042 ", FORM) == "s2026042"
    assert canonical("  ") is None and canonical(None) is None and canonical("") is None
    assert canonical("Jose\u0301") == canonical("Jos\u00e9")  # one Unicode form


def test_an_id_of_another_form_is_refused_with_the_form():
    assert checked(" S2026042", FORM) == "s2026042"
    with pytest.raises(StudentIdError) as error:
        checked("2026042", FORM, "--student")
    assert str(error.value).startswith("--student '2026042' is not of this course's form: s[0-9]{7} (upper or lower "
                                       "case alike), such as 's2026042'")
    assert checked("anything at all") == "anything at all" and checked(None, FORM) is None


@pytest.mark.parametrize("entry, message", [
    ({"pattern": "s[0-9"}, "not a regular expression"),
    ({"pattern": "s?"}, "matches an empty id"),
    ({"case": "upper"}, "'upper'"),
    ({"pattern": "s[0-9]{7}", "example": "x1"}, "'x1' does not match the pattern"),
    ({"form": "s"}, "form"),
])
def test_a_wrong_student_id_entry_is_refused_at_its_line(tmp_path, entry, message):
    root = _course(tmp_path, entry)
    with pytest.raises(SpecError) as error:
        load_course(root)
    assert str(error.value).startswith("course.yaml:") and message in str(error.value)


def test_the_real_course_is_case_insensitive_and_every_draw_agrees(course, assignment):
    """" S2026042" and "s2026042": the same questions and the same hidden cases (the issue's three students)."""
    assert course.student_id.case_sensitive is False
    for other in (" S2026042", "S2026042 ", "\ts2026042"):
        assert [v.params for v in draw_all(course, assignment, other)] == \
            [v.params for v in draw_all(course, assignment, "s2026042")]
    small = dataclasses.replace(assignment, exercises=assignment.exercises[:2])
    assert [c.args for c in expand_assignment(course, small, " S2026042")] == \
        [c.args for c in expand_assignment(course, small, "s2026042")]


def test_variant_and_answer_key_take_the_same_id(tmp_path, capsys):
    """Do `variant` and `answer-key` draw the same numbers for an id however it is typed, and refuse an id of
    another form, or a blank one, with a usage error?"""
    assert _real(["variant", "--student", " S2026042 "]) == EXIT_OK
    typed = capsys.readouterr().out
    assert _real(["variant", "--student", "s2026042"]) == EXIT_OK
    assert capsys.readouterr().out == typed.replace("S2026042", "s2026042") and "`s2026042`" in typed
    assert _real(["answer-key", "--student", "S2026042 ", "--format", "csv"]) == EXIT_OK
    upper = capsys.readouterr().out
    assert _real(["answer-key", "--student", "s2026042", "--format", "csv"]) == EXIT_OK
    assert capsys.readouterr().out == upper and upper.splitlines()[1].startswith("s2026042,")
    root = _course(tmp_path, {"pattern": "s[0-9]{7}", "case": "insensitive", "example": "s2026042"})
    assert main(["--course", str(root), "variant", "--assignment", ASSIGNMENT, "--student", "2026042"]) == EXIT_UNUSABLE
    assert "--student '2026042' is not of this course's form: s[0-9]{7}" in capsys.readouterr().err
    assert _real(["variant", "--student", " "]) == EXIT_UNUSABLE


def test_answers_yaml_records_the_id_and_a_stub_gets_it(tmp_path, capsys, course, assignment):
    """Does `variant --out` write the id into answers.yaml, add it to the kit's stub (answers untouched), and does
    grading read it back?"""
    out = tmp_path / "QUESTIONS.md"
    assert _real(["variant", "--student", "S2026042", "--out", str(out)]) == EXIT_OK
    ids = tuple(q.id for q in assignment.questions)
    sheet = parse_answers((tmp_path / "answers.yaml").read_text(), ids)
    assert sheet.student == "s2026042" and sheet.unknown == () and "keep its line" in capsys.readouterr().out
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "answers.yaml").write_text("conv_layer_params: 5\n")
    assert _real(["variant", "--student", "s2026042", "--out", str(stub / "Q.md")]) == EXIT_OK
    text = (stub / "answers.yaml").read_text()
    assert text.startswith('student_id: "s2026042"') and text.endswith("conv_layer_params: 5\n")
    assert _real(["variant", "--student", "s7777777", "--out", str(stub / "Q.md")]) == EXIT_OK
    assert "records student_id 's2026042', not 's7777777'" in capsys.readouterr().err
    assert (stub / "answers.yaml").read_text() == text


def test_check_and_grading_warn_when_the_recorded_id_differs(tmp_path, course, assignment):
    """A student who drew their numbers as s2026042 and is graded as s7777777: does `check` warn, and the grade's
    notes say so, naming the line (feedback only: the answers are graded for the grading id)?"""
    (tmp_path / "answers.yaml").write_text('student_id: "S2026042"\nconv_layer_params: 5\n')
    _, (note,) = grade_questions(course, assignment, tmp_path, "s7777777", visible_only=True)
    assert "answers.yaml:1: student_id: your numbers were drawn for 's2026042', but this is graded for 's7777777'" \
        in note
    _, (same,) = grade_questions(course, assignment, tmp_path, " s2026042", visible_only=True)
    assert "drawn for" not in same
    (result,), _ = grade_questions(course, assignment, tmp_path, "s7777777")
    assert any("drawn for 's2026042'" in n for n in result.notes)


def test_grade_all_and_gradescope_refuse_an_id_of_another_form(tmp_path):
    """A submission folder or a Gradescope sid of another form: not graded, with the form in the message."""
    job = _job(Submission(student="2026042", path=tmp_path, kind=_kind()), ("shapes",), (), None, FORM)
    assert job.files == () and "student id (the submission's name) '2026042' is not of this course's form" in \
        job.problem
    ok = _job(Submission(student="S2026042", path=tmp_path, kind=_kind()), ("shapes",), (), None, FORM)
    assert "form" not in (ok.problem or "")
    course = dataclasses.replace(load_course(REPO), student_id=FORM)
    assert "Gradescope's student id 'ana@x.org' is not of this course's form" in _refused_id("ana@x.org", course)
    assert _refused_id("S2026042", course) == "" and _refused_id(None, course) == ""


def _kind():
    from autograder.batch.submissions import Kind
    return next(iter(Kind))


def _course(root, entry):
    """The real course with `student_id: entry` in its course.yaml (its assignments are linked, not copied)."""
    import shutil

    shutil.copytree(REPO / "assignments", root / "assignments")
    shutil.copytree(REPO / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    data = yaml.safe_load((REPO / "course.yaml").read_text())
    data["student_id"] = entry
    (root / "course.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return root
