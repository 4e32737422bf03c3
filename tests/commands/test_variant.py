"""`autograder variant`: a student's questions and answers template."""
from __future__ import annotations

from autograder.cli import EXIT_OK, EXIT_UNUSABLE, main

from support import ASSIGNMENT, REPO


def test_variant_prints_the_students_questions(capsys):
    """Does `variant --student ID` print that student's Markdown, different from another student's?"""
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student", "alice"]) == EXIT_OK
    alice = capsys.readouterr().out
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student", "bob"]) == EXIT_OK
    bob = capsys.readouterr().out
    assert alice.startswith("# L10: Convolutional Neural Networks: questions to compute by hand")
    assert "student `alice`" in alice and alice != bob
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT]) == EXIT_OK
    assert "the **default** variant" in capsys.readouterr().out


def test_variant_writes_questions_and_a_template_but_never_overwrites_answers(tmp_path, capsys):
    out = tmp_path / "QUESTIONS.md"
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student", "alice", "--out",
                 str(out)]) == EXIT_OK
    assert "student `alice`" in out.read_text()
    answers = tmp_path / "answers.yaml"
    assert answers.read_text().count(": null") == 3
    answers.write_text("conv_layer_params: 5\n")
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student", "alice", "--out",
                 str(out)]) == EXIT_OK
    assert answers.read_text().endswith("\nconv_layer_params: 5\n")  # the answers stay; the id is recorded
    assert answers.read_text().startswith('student_id: "alice"')
    assert "kept " in capsys.readouterr().err


def test_an_empty_student_id_is_a_usage_error(capsys):
    assert main(["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student", " "]) == EXIT_UNUSABLE
    assert "--student is empty" in capsys.readouterr().err
