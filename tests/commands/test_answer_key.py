"""`autograder answer-key`: a roster's answer key, and `--reference` after a new term's seed."""
from __future__ import annotations

import csv
import io

import yaml

from autograder.cli import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE, main
from autograder.questions.draw import answer_key

from support import ASSIGNMENT, REPO, write_small_course


def test_a_roster_gives_every_students_answers_in_roster_order(course, assignment, tmp_path, capsys):
    """Does `--roster roster.csv --out key.csv` hold each student's answers as the grader computes them, the
    same bytes on a second run, and the JSON and Markdown forms from the extension?"""
    roster = tmp_path / "roster.csv"
    roster.write_text("First Name,Last Name,SID,Email\nAna,A,2024002,a@x\nBo,B,2024001,b@x\n")
    out = tmp_path / "key.csv"
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--roster", str(roster), "--out",
                 str(out)]) == EXIT_OK
    assert f"wrote {out}: 2 students, 3 questions each (course seed 721)" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["student"] for r in rows] == ["2024002"] * 3 + ["2024001"] * 3
    for student in ("2024001", "2024002"):
        key = answer_key(course, assignment, student)
        assert {r["question"]: r["answer"] for r in rows if r["student"] == student} == {
            q: str(list(a)) if isinstance(a, tuple) else str(a) for q, a in key.items()}
    first = out.read_bytes()
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--roster", str(roster), "--out",
                 str(out)]) == EXIT_OK
    assert out.read_bytes() == first
    for form in ("json", "md"):
        assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--roster", str(roster), "--out",
                     str(tmp_path / f"key.{form}")]) == EXIT_OK
    assert (tmp_path / "key.json").read_text().startswith('{\n "students": {\n  "2024002"')
    assert (tmp_path / "key.md").read_text().startswith("# Answer key: L10")
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--student", "2024001",
                 "--format", "csv"]) == EXIT_OK
    assert capsys.readouterr().out == "".join(first.decode().splitlines(keepends=True)[i] for i in (0, 4, 5, 6))


def test_a_bad_roster_is_a_usage_error_naming_the_line(tmp_path, capsys):
    roster = tmp_path / "ids.txt"
    roster.write_text("2024001\n2024002\n2024001\n")
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--roster",
                 str(roster)]) == EXIT_UNUSABLE
    assert capsys.readouterr().err == (f"autograder: {roster}:3: student '2024001' again (first at line 1); list "
                                       f"each student once\n")
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--roster",
                 str(tmp_path / "none.csv")]) == EXIT_UNUSABLE
    assert "none.csv: cannot read the roster (No such file or directory)" in capsys.readouterr().err
    assert main(["--course", str(REPO), "answer-key", "--assignment", ASSIGNMENT, "--student", " "]) == EXIT_UNUSABLE
    assert "--student is empty" in capsys.readouterr().err


def _course_with_questions(root):
    """The reduced course (shapes and filters) with the real assignment's questions: quick to validate."""
    root.mkdir()
    write_small_course(root)
    spec_path = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    spec["questions"] = yaml.safe_load((REPO / "assignments" / ASSIGNMENT / "assignment.yaml").read_text())["questions"]
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return root


def test_after_a_seed_change_validate_fails_until_the_reference_answers_are_rewritten(tmp_path, capsys):
    """A new term: does validate fail naming the stale answers.yaml and the command, and pass once
    `answer-key --reference` rewrote it, so that the reference graded as a submission gets full marks?"""
    root = _course_with_questions(tmp_path / "course")
    course_yaml = root / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("seed: 721", "seed: 2025"))
    assert main(["--course", str(root), "validate"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert (f"problem: solutions/{ASSIGNMENT}/answers.yaml: stale for the course seed 2025: line 6: "
            f"conv_layer_params: 1089 is given, where the default variant's answer is ") in out
    assert "run `autograder answer-key --reference` to rewrite it" in out and "spec INVALID" in out

    assert main(["--course", str(root), "answer-key", "--reference"]) == EXIT_OK
    assert f"wrote solutions/{ASSIGNMENT}/answers.yaml (the default variant, course seed 2025)" in \
        capsys.readouterr().out
    assert main(["--course", str(root), "validate"]) == EXIT_OK
    assert "3 questions: the reference passes every case and answers every question" in capsys.readouterr().out
    results = tmp_path / "results.json"
    assert main(["--course", str(root), "grade", str(root / "solutions" / ASSIGNMENT), "--out", str(results),
                 "-q"]) == EXIT_OK
    assert '"score": 40.0' in results.read_text()  # 35 points of code and the 5 of the questions
