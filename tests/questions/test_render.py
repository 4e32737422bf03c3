"""QUESTIONS.md and the answers.yaml template."""
from __future__ import annotations

from autograder.questions.answers import parse_answers
from autograder.questions.draw import draw_all
from autograder.questions.render import answers_template, questions_markdown


def test_markdown_shows_the_students_numbers(course, assignment):
    """Does QUESTIONS.md name the student and fill each prompt with their params?"""
    variants = draw_all(course, assignment, "alice")
    text = questions_markdown(assignment, variants, "alice")
    p = variants[0].params
    assert f"**{p['n']} filters** of size **{p['f']} × {p['f']} × {p['c']}**" in text
    assert "Your version: student `alice`." in text
    assert "## 3. Shapes through a small CNN (2 points)" in text
    assert "Answer in `answers.yaml` as `cnn_volume_shape: ...`, a shape as a list of whole numbers" in text
    assert "{" not in text.replace("{{", "")  # every placeholder filled
    assert "Hand in `answers.yaml`, not this file" in text  # QUESTIONS.md lands in the submission folder


def test_the_template_ends_with_a_newline(assignment):
    """Does the answers.yaml template (the kit's stub) end with its last line's newline?"""
    assert answers_template(assignment).endswith(": null\n")


def test_the_template_is_all_nulls_and_is_the_stub_folders(assignment):
    """Is the template one null per question, and the stub folder's answers.yaml exactly it (no answers leak)?"""
    template = answers_template(assignment)
    sheet = parse_answers(template, tuple(q.id for q in assignment.questions))
    assert {q: a.value for q, a in sheet.answers.items()} == {q.id: None for q in assignment.questions}
    assert (assignment.directory / "answers.yaml").read_text() == template
