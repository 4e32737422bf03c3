"""Is `questions.ipynb` the questions computed by hand as nbgrader cells: each student's own numbers shown by a
read-only cell, one answer cell per question worth its points, and answers that the batch grader reads back
exactly as from an answers.yaml?"""
from __future__ import annotations

import json

import pytest
from nbgrader_fixtures import nbgrader_meta, source_of
from support import ASSIGNMENT, REPO

from autograder.batch.notebooks import notebook_answers
from autograder.nbgrader.questions import ANSWER_STUB, NOTEBOOK, VARIANT_CELL, answer_id
from autograder.nbgrader.variant import questions_text, student_questions
from autograder.questions.answers import parse_answers
from autograder.questions.draw import answer_key, draw_all


@pytest.fixture(scope="module")
def course():
    from autograder.spec import load_course

    return load_course(REPO)


@pytest.fixture(scope="module")
def notebook(course) -> dict:
    from autograder.nbgrader.build import build_course

    files = build_course(course, course.assignment(ASSIGNMENT), modules=(NOTEBOOK,))
    assert sorted(files) == ["nbgrader_config.py", f"source/{ASSIGNMENT}/{NOTEBOOK}.ipynb"]
    return json.loads(files[f"source/{ASSIGNMENT}/{NOTEBOOK}.ipynb"])


def _by_id(notebook: dict) -> dict[str, dict]:
    return {nbgrader_meta(c)["grade_id"]: c for c in notebook["cells"]}


def test_one_answer_cell_per_question_worth_its_points(notebook, course):
    questions = course.assignment(ASSIGNMENT).questions
    cells = _by_id(notebook)
    answers = [c for c in notebook["cells"] if nbgrader_meta(c).get("grade")]
    assert [nbgrader_meta(c)["grade_id"] for c in answers] == [answer_id(q.id) for q in questions]
    for question in questions:
        cell = cells[answer_id(question.id)]
        assert cell["cell_type"] == "markdown"
        assert nbgrader_meta(cell) == {"grade": True, "solution": True, "locked": False, "points": question.points,
                                       "grade_id": answer_id(question.id), "schema_version": 3}
        assert source_of(cell).startswith("### BEGIN SOLUTION\n") and source_of(cell).endswith("### END SOLUTION")
    assert sum(nbgrader_meta(c)["points"] for c in answers) == 5


def test_the_notebook_holds_no_answer(notebook, course):
    """The instructor's copy is the same for every student: no student's answer in its text, not even the default
    variant's, and its questions' data is the student kit's kit.json (templates, no answer)."""
    import re

    from autograder.kit.manifest import manifest
    from autograder.nbgrader.build import _signature
    from autograder.nbgrader.payload import unwrap
    from autograder.questions.grading import answer_forms
    from autograder.reference import ReferenceSolutions

    assignment = course.assignment(ASSIGNMENT)
    text = "\n".join(source_of(c) for c in notebook["cells"] if c["id"] != VARIANT_CELL)
    for answer in answer_key(course, assignment).values():
        shown = str(list(answer)) if isinstance(answer, tuple) else str(answer)
        assert not re.search(rf"(?<![\d\w]){re.escape(shown)}(?![\d\w])", text)
    data = re.search(r'"""\n(.*?)\n"""', source_of(_by_id(notebook)[VARIANT_CELL]), flags=re.S).group(1)
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    signatures = {e.id: _signature(reference, e) for e in assignment.exercises}
    assert unwrap(data).decode() == manifest(course, assignment, signatures, answer_forms(course, assignment))


def test_the_variant_cell_shows_each_students_own_numbers(notebook, course):
    cell = _by_id(notebook)[VARIANT_CELL]
    assert nbgrader_meta(cell) == {"grade": False, "solution": False, "locked": True, "grade_id": VARIANT_CELL,
                                   "schema_version": 3}
    namespace: dict = {}
    assert source_of(cell).startswith("from autograder.nbgrader.variant import show_questions\n")
    exec(compile(source_of(cell).replace('show_questions("""', 'data = ("""'), "cell", "exec"), namespace)
    assignment = course.assignment(ASSIGNMENT)
    for student in ("alice", "bob"):
        shown = student_questions(namespace["data"], student)
        assert shown == questions_text(draw_all(course, assignment, student), student)
        assert all(v.prompt.strip() in shown for v in draw_all(course, assignment, student))
    assert student_questions(namespace["data"], "alice") != student_questions(namespace["data"], "bob")
    # One student id: the kernel's user name as the grader normalises it (trimmed, the course's case).
    assert student_questions(namespace["data"], " ALICE\n") == student_questions(namespace["data"], "alice")


def _answered(notebook: dict, answers: dict[str, str]) -> bytes:
    notebook = json.loads(json.dumps(notebook))
    for cell in notebook["cells"]:
        question = nbgrader_meta(cell).get("grade_id", "").removesuffix("_answer")
        if nbgrader_meta(cell).get("solution"):
            cell["source"] = answers.get(question, ANSWER_STUB)
    return json.dumps(notebook).encode()


def test_the_answer_cells_read_as_an_answers_yaml(notebook, course):
    ids = tuple(q.id for q in course.assignment(ASSIGNMENT).questions)
    text = notebook_answers(_answered(notebook, {"conv_layer_params": "`14148`", "cnn_volume_shape": "[8, 12, 32]"}),
                            "alice/questions.ipynb", ids)
    sheet = parse_answers(text, ids)
    assert (sheet.error, sheet.problems) == (None, {})
    assert {q: a.value for q, a in sheet.answers.items()} == {"conv_layer_params": "14148",
                                                              "conv_output_size": None,
                                                              "cnn_volume_shape": "[8, 12, 32]"}


def test_what_a_cell_holds_is_its_questions_answer_only(notebook, course):
    """Can an answer cell that writes YAML of its own set another question's answer or break the others?"""
    ids = tuple(q.id for q in course.assignment(ASSIGNMENT).questions)
    text = notebook_answers(_answered(notebook, {"conv_layer_params": '12\nconv_output_size: 25\n&a "*a"',
                                                 "conv_output_size": "25"}), "q.ipynb", ids)
    sheet = parse_answers(text, ids)
    assert sheet.error is None
    assert sheet.answers["conv_output_size"].value == "25"
    assert sheet.answers["conv_layer_params"].value == '12 conv_output_size: 25 &a " a"'  # * is Markdown's


def test_the_students_copy_unanswered_reads_as_not_answered(notebook, course):
    ids = tuple(q.id for q in course.assignment(ASSIGNMENT).questions)
    sheet = parse_answers(notebook_answers(_answered(notebook, {}), "q.ipynb", ids), ids)
    assert sheet.found and all(sheet.answers[q].value is None for q in ids)
