"""Does a grading run become one score per nbgrader grade cell, and a feedback report that names no hidden case?"""
from __future__ import annotations

import pytest

from autograder.nbgrader.questions import VARIANT_CELL
from autograder.nbgrader.record import CellGrade, cell_grades, exercise_report, with_grades
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def _case(name: str, visible: bool, status: Status, score: float, max_score: float = 1.0, message: str = "",
          details: str = "", exercise: str = "conv2d") -> CaseResult:
    return CaseResult(exercise=exercise, case=name, visible=visible, status=status, score=score, max_score=max_score,
                      message=message or ("passed" if status is Status.PASSED else "the returned values are wrong"),
                      details=details, staff="staff only: expected [[1.5, 2.5]]")


RUN = GradingRun(assignment="l10", student="alice", submission="alice", exercises=(
    ExerciseResult(id="conv2d", module="conv_numpy", title="", points=3.0, notes=("This looks like the known "
                                                                                   "mistake: the kernel flipped.",),
                   cases=(_case("lecture_blur", True, Status.PASSED, 1.0),
                          _case("lecture_edges", True, Status.FAILED, 0.0, message="got 3, expected 4",
                                details="index | got | expected"),
                          _case("random_image[4]", False, Status.FAILED, 0.0))),
    ExerciseResult(id="questions", module="answers.yaml", title="", points=3.0,
                   cases=(_case("conv_output_size", True, Status.PASSED, 2.0, 2.0, "correct", exercise="questions"),
                          _case("conv_layer_params", True, Status.NOT_IMPLEMENTED, 0.0, 1.0, "not answered",
                                exercise="questions")))))


def test_each_exercise_is_its_test_cell_and_each_question_its_answer_cell():
    grades = cell_grades(RUN)
    assert [(g.notebook, g.cell, g.score, g.max_score) for g in grades] == [
        ("conv_numpy", "conv2d_tests", 1.0, 3.0), ("questions", "conv_output_size_answer", 2.0, 2.0),
        ("questions", "conv_layer_params_answer", 0.0, 1.0)]
    assert grades[2].report == "conv_layer_params: 0 of 1 points: not answered"
    assert grades[0].comment == "" and grades[1].comment == "2 of 2 points: correct"


def test_an_answers_comment_drops_the_place_in_answers_yaml():
    """A notebook's student never saw the answers.yaml their cells became: the comment under the cell says only
    how the answer was judged."""
    wrong = _case("conv_output_size", True, Status.FAILED, 0.0, 2.0, "answers.yaml:3: conv_output_size: 12 is not the "
                  "answer for your numbers (student 'alice')", exercise="questions")
    run = GradingRun(assignment="l10", student="alice", submission="alice", exercises=(
        ExerciseResult(id="questions", module="answers.yaml", title="", points=2.0, cases=(wrong,)),))
    [grade] = cell_grades(run)
    assert grade.comment == "0 of 2 points: 12 is not the answer for your numbers (student 'alice')"


def test_the_report_names_visible_cases_and_hides_the_hidden_ones():
    report = exercise_report(RUN.exercises[0])
    assert report.splitlines()[0].startswith("conv2d: 1 of 3 cases passed, 1 of 3 points (graded in the grader's "
                                             "sandbox, hidden cases included")
    assert "the kernel flipped" in report
    assert "FAILED  lecture_edges (0 of 1): got 3, expected 4" in report and "index | got | expected" in report
    assert "hidden cases: 0 of 1 passed" in report
    assert "FAILED  a hidden case (0 of 1): the returned values are wrong" in report
    assert "random_image" not in report and "staff only" not in report


def test_a_module_that_does_not_import_is_said_once():
    failing = tuple(_case(f"c{i}", i < 1, Status.UNGRADABLE, 0.0, message="conv_numpy.py:3: SyntaxError")
                    for i in range(3))
    report = exercise_report(ExerciseResult(id="conv2d", module="conv_numpy", title="", points=3.0, cases=failing))
    assert report.count("SyntaxError") == 1 and "c2" not in report


def test_the_test_cells_outputs_become_the_sandboxs_report_and_score():
    notebook = {"cells": [
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "conv2d_tests"}}, "execution_count": 7,
         "outputs": [{"output_type": "execute_result", "data": {"text/plain": "3.0"}}], "source": ""},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "conv2d_solution"}}, "outputs": [], "source": ""},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": VARIANT_CELL}}, "outputs": [], "source": ""}]}
    grade = CellGrade("conv_numpy", "conv2d_tests", 1.5, 3.0, "the report")
    changed = with_grades(notebook, (grade,), "**Your questions**")
    assert changed["cells"][0]["outputs"] == [
        {"name": "stdout", "output_type": "stream", "text": "the report\n"},
        {"data": {"text/plain": "1.5"}, "execution_count": 7, "metadata": {}, "output_type": "execute_result"}]
    assert changed["cells"][1] == notebook["cells"][1]
    assert changed["cells"][2]["outputs"][0]["data"]["text/markdown"] == "**Your questions**"
    assert notebook["cells"][0]["outputs"][0]["data"]["text/plain"] == "3.0"  # the input is left as it was


def test_a_message_that_names_a_line_says_which_cell_starts_where():
    """Does a student whose notebook became a module learn where line 9 of that module is in the notebook?"""
    failing = (_case("c0", True, Status.UNGRADABLE, 0.0, message="shapes.py could not be imported (shapes.py, line 9): "
                                                                 "NameError: name 'np' is not defined"),)
    exercise = ExerciseResult(id="conv2d", module="shapes", title="", points=1.0, cases=failing)
    cells = ((3, "cell 2"), (8, "conv2d_solution"))
    assert exercise_report(exercise, (), cells).splitlines()[-1] == (
        "Line numbers count the code cells of shapes.ipynb one after the other: cell 2 from line 3, conv2d_solution "
        "from line 8.")
    assert "Line numbers" not in exercise_report(RUN.exercises[0], (), cells)  # no message names a line


@pytest.mark.parametrize("metadata", [{"nbgrader": {"grade_id": ["conv2d_tests"], "grade": False,
                                                    "solution": False, "locked": False}},
                                      {"nbgrader": "conv2d_tests"}, "conv2d_tests", None])
def test_a_students_odd_cell_metadata_leaves_the_others_cells_graded(metadata):
    """nbgrader keeps, in the autograded notebook, the metadata of a cell it does not grade as the student wrote
    it: does a grade_id that is a list (unhashable), nbgrader metadata that is a string, or cell metadata that is
    no mapping leave that cell as it is and the test cell graded, instead of a TypeError or AttributeError that
    stops `nbgrader record` for every student after this one?"""
    notebook = {"cells": [
        {"cell_type": "code", "metadata": metadata, "outputs": [], "source": "x = 1"},
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "conv2d_tests"}}, "outputs": [], "source": ""}]}
    changed = with_grades(notebook, (CellGrade("conv_numpy", "conv2d_tests", 1.5, 3.0, "the report"),))
    assert changed["cells"][0] == notebook["cells"][0]
    assert changed["cells"][1]["outputs"][0]["text"] == "the report\n"
