"""The questions computed by hand as an nbgrader notebook, `questions.ipynb` (host side, trusted code only).

    read-only Markdown   how the questions work (each student has their own numbers)
    read-only code       shows the student's own questions (autograder.nbgrader.variant), from the student
                         kit's data (kit.json: the course seed and the questions' templates, never an answer)
    per question:
      read-only Markdown   its number, title, points and the form of its answer
      answer (Markdown)    `YOUR ANSWER HERE` in the students' copy, worth the question's points

The answers are graded by the sandboxed grader, for the student's own numbers: `grade-all` and `autograder
nbgrader record` read them from the answer cells (autograder.batch.notebooks.notebook_answers) as if they were
an answers.yaml.
"""
from __future__ import annotations

from autograder.kit.manifest import manifest
from autograder.nbgrader import cells
from autograder.nbgrader.payload import wrap
from autograder.questions.grading import AnswerForm, answer_forms
from autograder.spec import AssignmentSpec, CourseSpec, QuestionSpec

NOTEBOOK = "questions"
"""The notebook's name (`questions.ipynb`); no module of an assignment may have it."""
ANSWER_STUB = "YOUR ANSWER HERE"
"""What nbgrader writes in place of an answer cell's solution region (`c.ClearSolutions.text_stub`)."""
VARIANT_CELL = "questions_variant"


def answer_id(question_id: str) -> str:
    """The grade id of a question's answer cell."""
    return f"{question_id}_answer"


def questions_notebook(course: CourseSpec, assignment: AssignmentSpec, signatures: dict[str, str]) -> dict:
    """The instructor's `questions.ipynb`; `signatures` as the student kit's kit.json has them."""
    forms = answer_forms(course, assignment)
    total = sum(q.points for q in assignment.questions)
    data = wrap(manifest(course, assignment, signatures, forms))
    notebook = [cells.read_only_markdown("questions_intro", _intro(assignment, total)),
                cells.locked_code(VARIANT_CELL, "from autograder.nbgrader.variant import show_questions\n\n"
                                                f'show_questions("""\n{data}\n""")')]
    for number, question in enumerate(assignment.questions, start=1):
        heading = _heading(number, question, forms[question.id])
        notebook += [cells.read_only_markdown(f"{question.id}_question", heading),
                     cells.answer_markdown(answer_id(question.id), _solution(), question.points)]
    return cells.notebook(notebook)


def _intro(assignment: AssignmentSpec, total: float) -> str:
    return (f"# {assignment.title}: questions computed by hand ({_points(total)})\n\n"
            f"Every student has their own numbers, drawn for your student id (the user name you submit with). "
            f"Run the next cell to see your questions, work each one out on paper, and write the answer in its "
            f"cell below in place of `{ANSWER_STUB}`: a whole number such as `280`, or a shape such as "
            f"`[7, 7, 40]`. Each answer is all or nothing; it is checked when your work is graded.")


def _heading(number: int, question: QuestionSpec, form: AnswerForm) -> str:
    shape = "a whole number, e.g. `280`" if form.type == "integer" else \
        f"a shape, a list of {form.length or 'some'} whole numbers, e.g. `[7, 7, 40]`"
    return f"### {number}. {question.title} ({_points(question.points)})\n\nYour answer in the next cell: {shape}."


def _solution() -> str:
    """The answer cell in the instructor's copy: each student's answer differs, so it holds no answer."""
    return ("### BEGIN SOLUTION\n"
            "Each student answers their own numbers; `autograder nbgrader record` grades the answer "
            "(`autograder variant --student ID` shows a student's questions).\n"
            "### END SOLUTION")


def _points(points: float) -> str:
    return f"{points:g} point" + ("" if points == 1 else "s")
