"""Grade-import files of the LMSs (reporters/lms.py, `export-grades --format`): each format's headers, encoding
and identifier columns as the LMS documents its import, on a class of five (graded, late, partly graded,
ungradable, refused upload), a roster with accents, a student it lacks and one without a submission."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from autograder.batch.jobs import NOT_GRADED
from autograder.cli import main
from autograder.reporters.lms import BOM, LmsError, Missing, export
from autograder.results import CaseResult, ExerciseResult, GradingRun, LatePenalty, Status
from autograder.roster import read_table


def _run(student: str, passed: int, total: int = 4, status: Status = Status.FAILED, late: LatePenalty | None = None,
         note: str | None = None) -> GradingRun:
    """A run of 20 points, `passed` of its 4 cases (5 points each) passed, the others `status`."""
    cases = tuple(CaseResult("ex", f"c{i}", True, Status.PASSED if i < passed else status,
                             5.0 if i < passed else 0.0, 5.0, "msg") for i in range(total))
    run = GradingRun("l99", student, student, (ExerciseResult("ex", "m", "Ex", 20.0, cases),),
                     notes=(note,) if note else ())
    return run if late is None else GradingRun(**{**run.__dict__, "late": late})


LATE = LatePenalty("2026-12-12T10:00:00+00:00", "2026-12-10T23:59:00-03:00", 90000, 2, 20.0, "2 days late: -20%")
CLASS = [("ana", _run("ana", 4)), ("joão", _run("joão", 3, late=LATE)), ("bea", _run("bea", 0, status=Status.UNGRADABLE)),
         ("carl", _run("carl", 0, status=Status.UNGRADABLE, note=f"{NOT_GRADED}: an empty zip")),
         ("=evil", _run("=evil", 2)), ("zed", _run("zed", 1))]
ROSTER = ("student_id,Student,ID,SIS User ID,SIS Login ID,Section,OrgDefinedId,Username,email,Last Name,First Name\n"
          "ana,\"Souza, Ana\",101,A1,ana@u.br,T1,9001,ana.souza,ana@u.br,Souza,Ana\n"
          "joão,\"Gonçalves, João\",102,A2,joao@u.br,T1,9002,joao.g,joao@u.br,Gonçalves,João\n"
          "bea,\"Lima, Beatriz\",103,A3,bea@u.br,T2,9003,bea.l,bea@u.br,Lima,Beatriz\n"
          "carl,\"Doe, Carl\",104,A4,carl@u.br,T2,9004,carl.d,carl@u.br,Doe,Carl\n"
          "=evil,\"=HYPERLINK(1)\",105,A5,e@u.br,T2,9005,@evil,e@u.br,-Evil,+E\n"
          "dani,\"Ávila, Dani\",106,A6,dani@u.br,T2,9006,dani.a,dani@u.br,Ávila,Dani\n")
"""dani has no submission; zed was graded but is not on the roster."""


def _table():
    return read_table(ROSTER, "roster.csv", "student_id")


def _rows(data: bytes, bom: bool) -> list[list[str]]:
    assert data.startswith(BOM.encode()) == bom
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text)))


def test_canvas_has_its_columns_a_points_possible_row_and_a_bom():
    """Canvas: Student, ID, SIS User ID, SIS Login ID, Section, the item; then 'Points Possible' and the maximum;
    the final score (after the late penalty); UTF-8 with a BOM, accents kept?"""
    done = export("canvas", CLASS, _table(), "L99 pooling (4567)")
    rows = _rows(done.data, bom=True)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "L99 pooling (4567)"]
    assert rows[1] == ["Points Possible", "", "", "", "", "20"]
    assert rows[2] == ["Souza, Ana", "101", "A1", "ana@u.br", "T1", "20"]
    assert rows[3] == ["Gonçalves, João", "102", "A2", "joao@u.br", "T1", "12"]  # 15 - 20%
    assert rows[4][-1] == "" and rows[5][-1] == ""  # ungradable, refused: no number that looks graded
    assert rows[6][0] == "'=HYPERLINK(1)" and rows[6][-1] == "10"
    assert rows[7] == ["Ávila, Dani", "106", "A6", "dani@u.br", "T2", ""]
    assert done.not_in_roster == ("zed",)
    assert done.without_grade == (("bea", "ungradable"), ("carl", "upload_refused"), ("dani", "not_submitted"))


def test_moodle_has_one_identifier_the_item_and_feedback():
    """Moodle: the roster's email column (mapped at import), the item, a feedback column; no BOM; 0 for the
    missing with --missing zero."""
    rows = _rows(export("moodle", CLASS, _table(), "L99", Missing.ZERO).data, bom=False)
    assert rows[0] == ["email", "L99", "Feedback"]
    assert rows[1] == ["ana@u.br", "20", "autograder: 20 / 20"]
    assert rows[2] == ["joao@u.br", "12", "autograder: 12 / 20; late 2 day(s), -20%"]
    assert rows[3][1] == "0" and rows[3][2].startswith("not graded (ungradable)")
    assert rows[6] == ["dani@u.br", "0", "no submission graded"]
    by_username = _rows(export("moodle", CLASS, _table(), "L99", identifier="Username").data, bom=False)
    assert by_username[0][0] == "Username" and by_username[5][0] == "'@evil"


def test_brightspace_has_points_grade_and_the_end_of_line_indicator():
    """Brightspace: OrgDefinedId, Username, '<item> Points Grade', 'End-of-Line Indicator' whose cells are '#'."""
    rows = _rows(export("brightspace", CLASS, _table(), "L99").data, bom=True)
    assert rows[0] == ["OrgDefinedId", "Username", "L99 Points Grade", "End-of-Line Indicator"]
    assert rows[1] == ["9001", "ana.souza", "20", "#"]
    assert all(row[-1] == "#" for row in rows[1:]) and len(rows) == 7


def test_blackboard_quotes_every_field():
    """Blackboard: Last Name, First Name, Username, the item; every field in quotes; a BOM."""
    done = export("blackboard", CLASS, _table(), "L99 |123")
    text = done.data.decode("utf-8-sig")
    assert text.splitlines()[0] == '"Last Name","First Name","Username","L99 |123"'
    assert text.splitlines()[2] == '"Gonçalves","João","joao.g","12"'
    rows = _rows(done.data, bom=True)
    assert rows[5] == ["'-Evil", "'+E", "'@evil", "10"]


def test_plain_csv_has_the_roster_columns_score_max_and_status():
    rows = _rows(export("csv", CLASS, _table(), "L99").data, bom=False)
    assert rows[0][0] == "student_id" and rows[0][-3:] == ["score", "max", "status"]
    assert rows[3][0] == "bea" and rows[3][-3:] == ["", "20", "ungradable"]
    assert rows[5][0] == "'=evil"


def test_a_roster_without_the_lms_identifiers_is_refused_naming_them():
    table = read_table("student_id,name\nana,Ana\n", "r.csv")
    with pytest.raises(LmsError, match="OrgDefinedId or Username"):
        export("brightspace", CLASS, table, "L99")
    with pytest.raises(LmsError, match="ID or SIS User ID or SIS Login ID"):
        export("canvas", CLASS, table, "L99")
    blank = read_table("student_id,Username\nana,\n", "r.csv")
    with pytest.raises(LmsError, match="student 'ana' has no Username"):
        export("blackboard", CLASS, blank, "L99")


def _grades_folder(root: Path) -> Path:
    for student, run in CLASS:
        (root / student).mkdir(parents=True)
        (root / student / "run.json").write_text(json.dumps(run.to_dict()), encoding="utf-8")
    return root


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "brightspace", "blackboard", "csv"])
def test_export_grades_writes_each_format_and_lists_who_has_no_grade(fmt, tmp_path, capsys):
    """From a grades folder: one file per format; the output names the graded student missing from the roster
    and each roster student with no grade; the roster's own name column is never taken for the student id."""
    grades = _grades_folder(tmp_path / "grades")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(b"\xef\xbb\xbf" + ROSTER.replace("student_id", "sid").encode("utf-8"))
    out = tmp_path / f"lms.{fmt}.csv"
    assert main(["export-grades", str(grades), "--format", fmt, "--roster", str(roster), "--out", str(out),
                 "--item", "L99"]) == 0
    said = capsys.readouterr()
    assert f"wrote {out} ({fmt}, 6 students of roster.csv)" in said.out
    assert "not in the file (add them to the roster): zed" in said.err
    assert "bea (ungradable), carl (upload refused), dani (not submitted)" in said.err
    assert out.read_bytes().decode("utf-8-sig").count("\r\n") >= 7


def test_export_grades_says_what_the_lms_formats_need(tmp_path, capsys):
    grades = _grades_folder(tmp_path / "grades")
    assert main(["export-grades", str(grades), "--format", "canvas", "--out", str(tmp_path / "x.csv")]) == 2
    assert "--format canvas needs --roster FILE" in capsys.readouterr().err
    assert main(["export-grades", str(grades), "--roster", "r.csv"]) == 2
    assert "--roster goes with --format" in capsys.readouterr().err


def test_each_format_from_the_bundled_example_class(tmp_path, capsys):
    """The bundled example class (the reference, the stubs and the buggy example, graded as `scripts/demo` grades
    them, on the reduced course) into each format with examples/lms-roster.csv: accents kept, the stubs' student
    missing from the roster listed, the roster's student without a submission given no number."""
    from support import ASSIGNMENT, REPO, SMALL_MODULES, write_small_course
    import shutil

    (tmp_path / "course").mkdir()
    course = write_small_course(tmp_path / "course")
    folders = [REPO / "solutions" / ASSIGNMENT, REPO / "assignments" / ASSIGNMENT,
               REPO / "examples" / ASSIGNMENT / "buggy_student"]
    copies = []
    for folder in folders:  # the same folder names as the demo's, so the roster's ids are the demo's
        copy = tmp_path / "class" / folder.parent.name / folder.name
        copy.mkdir(parents=True)
        for module in SMALL_MODULES:
            shutil.copy(folder / f"{module}.py", copy)
        copies.append(str(copy))
    grades = tmp_path / "grades"
    assert main(["--course", str(course), "grade", *copies, "--out-dir", str(grades), "-q"]) == 0
    capsys.readouterr()
    expected = {"canvas": ('"Conceição, Maria",5101,2024001,maria.conceicao,INF721-T1,35',
                           '"Núñez, Inés",5103,2024003,ines.nunez,INF721-T2,'),
                "moodle": ("maria.conceicao@example.edu,35,autograder: 35 / 35",
                           "ines.nunez@example.edu,,no submission graded"),
                "brightspace": ("20240001,maria.conceicao,35,#", "20240003,ines.nunez,,#"),
                "blackboard": ('"Conceição","Maria","maria.conceicao","35"', '"Núñez","Inés","ines.nunez",""'),
                "csv": ("solutions_l10_convolutions,", "s2024003,")}
    for fmt, (first, last) in expected.items():
        out = tmp_path / f"{fmt}.csv"
        assert main(["export-grades", str(grades), "--format", fmt, "--roster", str(REPO / "examples" /
                     "lms-roster.csv"), "--out", str(out)]) == 0
        lines = out.read_bytes().decode("utf-8-sig").splitlines()
        assert lines[-3].startswith(first) and lines[-1].startswith(last), (fmt, lines)
        said = capsys.readouterr()
        assert "so not in the file (add them to the roster): assignments_l10_convolutions" in said.err
        assert "no grade (an empty cell): s2024003 (not submitted)" in said.err
