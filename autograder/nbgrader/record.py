"""The sandbox's grade as nbgrader's grade of record: a GradingRun (the same as `grade-all` gives) as one score
per nbgrader grade cell, and the autograded notebook with the test cells' outputs replaced by the sandbox's
report, so that `nbgrader generate_feedback` shows what was graded. Pure: data in, data out; the command
(autograder.commands.nbgrader) reads and writes the gradebook and the files.

    exercise `output_size` of module `shapes`  ->  cell `output_size_tests` of notebook `shapes`
    question `conv_output_size`                ->  cell `conv_output_size_answer` of notebook `questions`

A hidden case is reported without its name, arguments or expected value: "a hidden case" and how it failed.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from autograder.nbgrader.questions import NOTEBOOK as QUESTIONS_NOTEBOOK, VARIANT_CELL, answer_id
from autograder.questions.answers import FILE as ANSWERS_FILE
from autograder.questions.grading import EXERCISE_ID as QUESTIONS
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

INDENT = "    "
_LINE = re.compile(r"\.py\b.*\bline \d+")
"""A message that names a line of a module ("shapes.py, line 3", 'File "conv_numpy.py", line 57')."""


@dataclass(frozen=True)
class CellGrade:
    """The grade of one nbgrader grade cell."""

    notebook: str
    """The notebook's name without `.ipynb`."""
    cell: str
    """The cell's grade id."""
    score: float
    max_score: float
    report: str
    """What the student reads for this cell (the test cell's output in the feedback)."""
    comment: str = ""
    """For an answer cell: nbgrader's comment on it, which the feedback shows under the answer."""


def cell_grades(run: GradingRun, cells: dict[str, tuple[tuple[int, str], ...]] | None = None
                ) -> tuple[CellGrade, ...]:
    """One CellGrade per exercise (its test cell) and per question (its answer cell). `cells`: per module, where
    each code cell starts in the module graded (autograder.batch.notebooks.cell_lines), for a report whose
    messages name lines."""
    cells = cells or {}
    grades = []
    for exercise in run.exercises:
        if exercise.id == QUESTIONS:
            grades += [CellGrade(QUESTIONS_NOTEBOOK, answer_id(case.case), case.score, case.max_score,
                                 f"{case.case}: {_number(case.score)} of {_number(case.max_score)} points: "
                                 f"{case.message}", _answer_comment(case)) for case in exercise.cases]
        else:
            grades.append(CellGrade(exercise.module, test_id(exercise.id), exercise.score, exercise.points,
                                    exercise_report(exercise, run.notes, cells.get(exercise.module, ()))))
    return tuple(grades)


def _answer_comment(case: CaseResult) -> str:
    """The question's message without the place in answers.yaml, which a notebook's student never saw: the
    comment sits under the answer cell itself."""
    message = re.sub(rf"^{re.escape(ANSWERS_FILE)}:\d+: {re.escape(case.case)}: ", "", case.message)
    return f"{_number(case.score)} of {_number(case.max_score)} points: {message}"


def test_id(exercise_id: str) -> str:
    """The grade id of an exercise's test cell (autograder.nbgrader.build)."""
    return f"{exercise_id}_tests"


def exercise_report(exercise: ExerciseResult, run_notes: tuple[str, ...] = (),
                    cells: tuple[tuple[int, str], ...] = ()) -> str:
    """The sandbox's feedback on one exercise, as the cell's output: the score, the notes (a known mistake named),
    then every case that did not pass, a hidden one without its name, and where a message names a line, which
    cell of the notebook starts where (`cells`: (line, cell name))."""
    lines = _report_lines(exercise, run_notes)
    if cells and any(_LINE.search(line) for line in lines):
        lines.append(f"Line numbers count the code cells of {exercise.module}.ipynb one after the other: "
                     + ", ".join(f"{name} from line {start}" for start, name in cells) + ".")
    return "\n".join(lines)


def _report_lines(exercise: ExerciseResult, run_notes: tuple[str, ...]) -> list[str]:
    ran = [c for c in exercise.cases if c.status is not Status.SKIPPED]
    passed = sum(c.passed for c in ran)
    lines = [f"{exercise.id}: {passed} of {len(ran)} cases passed, {_number(exercise.score)} of "
             f"{_number(exercise.points)} points (graded in the grader's sandbox, hidden cases included; this is "
             f"the grade)"]
    lines += [note for note in run_notes if note.startswith("Not graded")]
    lines += [line for note in exercise.notes for line in note.splitlines()]
    failing = [c for c in ran if not c.passed]
    ungradable = {c.message for c in failing if c.status is Status.UNGRADABLE}
    if failing and len(ungradable) == 1 and all(c.status is Status.UNGRADABLE for c in failing):
        lines.append(f"{INDENT}UNGRADABLE  every case: {failing[0].message}")  # one import error, said once
        return lines
    hidden = sum(not c.visible for c in ran)
    if hidden:
        lines.append(f"{INDENT}hidden cases: {sum(c.passed for c in ran if not c.visible)} of {hidden} passed")
    for case in failing:
        lines += _case_lines(case)
    return lines


def _case_lines(case: CaseResult) -> list[str]:
    name = case.case if case.visible else "a hidden case"
    head = f"{INDENT}{case.status.value.upper().replace('_', ' ')}  {name} (0 of {_number(case.max_score)}): " \
           f"{case.message}"
    details = case.details.splitlines() if case.visible else []
    return [head, *(INDENT * 3 + line for line in details)]


def with_grades(notebook: dict[str, Any], grades: tuple[CellGrade, ...], questions_text: str | None = None
                ) -> dict[str, Any]:
    """A copy of the autograded notebook whose graded test cells show the sandbox's report and score (a stream
    on stdout, then the score as the cell's value), and whose questions cell shows the graded student's own
    questions (`questions_text`, Markdown)."""
    by_cell = {g.cell: g for g in grades}
    notebook = copy.deepcopy(notebook)
    for cell in notebook.get("cells", []):
        # the autograded notebook is the student's: nbgrader keeps the metadata of a cell it does not grade
        # (`"nbgrader": {"grade_id": [1], "grade": false, ...}`, `"metadata": "x"`) as the student wrote it
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        if cell.get("cell_type") != "code" or not isinstance(grade_id, str):
            continue
        if grade_id in by_cell:
            grade = by_cell[grade_id]
            cell["outputs"] = [{"name": "stdout", "output_type": "stream", "text": grade.report + "\n"},
                               {"data": {"text/plain": _number(grade.score)}, "execution_count":
                                cell.get("execution_count"), "metadata": {}, "output_type": "execute_result"}]
        elif grade_id == VARIANT_CELL and questions_text is not None:
            cell["outputs"] = [{"data": {"text/markdown": questions_text, "text/plain": questions_text},
                                "metadata": {}, "output_type": "display_data"}]
    return notebook


def _number(value: float) -> str:
    return f"{round(value, 4):g}"
