"""Scores written into nbgrader's gradebook through nbgrader's own API (`nbgrader.api.Gradebook`): the one
module that touches the gradebook. Each grade cell's `auto_score` becomes the sandbox's score and
`needs_manual_grade` is cleared, and an answer cell's automatic comment says how its answer was judged; a manual score an instructor gave in formgrader is kept (it overrides the
auto score in nbgrader, as always), and said.

nbgrader must have autograded the student first (`nbgrader autograde`): that creates the student's submission
in the gradebook and the `autograded/` notebooks that `generate_feedback` renders.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder.nbgrader.record import CellGrade


class GradebookError(Exception):
    """The gradebook cannot be used (nbgrader missing, no such assignment); the message says what to do."""


@dataclass(frozen=True)
class Recorded:
    """What was written for one student."""

    student: str
    cells: int
    """Grade cells written."""
    score: float
    """The student's total in the gradebook afterwards (nbgrader's own sum, manual scores included)."""
    max_score: float
    problems: tuple[str, ...] = ()
    """Why some or all cells were not written (no submission in the gradebook, a notebook it does not have)."""


def record(db_url: str, assignment: str, student: str, grades: tuple[CellGrade, ...]) -> Recorded:
    """Write `grades` as the student's auto scores of `assignment`."""
    try:
        from nbgrader.api import Gradebook, MissingEntry
    except ImportError:
        raise GradebookError("nbgrader is not installed in this environment: pip install nbgrader") from None
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise GradebookError(f"the gradebook ({db_url}) has no assignment {assignment!r}: run `nbgrader "
                                 f"generate_assignment {assignment}` in the course folder first") from None
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return Recorded(student, 0, 0.0, 0.0, (f"{student}: no submission of {assignment} in the gradebook; run "
                                                   f"`nbgrader autograde {assignment} --student {student}` first",))
        notebooks = {n.name for n in submission.notebooks}
        problems, written = [], 0
        for notebook in sorted({g.notebook for g in grades} - notebooks):
            points = sum(g.max_score for g in grades if g.notebook == notebook)
            problems.append(f"{student}: the gradebook's {assignment} has no notebook {notebook}.ipynb: its "
                            f"{points:g} points are not recorded (build every module with `autograder nbgrader "
                            f"build`)")
        for grade in (g for g in grades if g.notebook in notebooks):
            try:
                cell = gradebook.find_grade(grade.cell, grade.notebook, assignment, student)
            except MissingEntry:
                problems.append(f"{student}: {grade.notebook}.ipynb has no grade cell {grade.cell} in the gradebook; "
                                f"rebuild with `autograder nbgrader build` and `nbgrader generate_assignment --force`")
                continue
            cell.auto_score = grade.score
            cell.needs_manual_grade = False
            if grade.comment:
                try:  # an answer cell's comment: under the answer in the feedback
                    gradebook.find_comment(grade.cell, grade.notebook, assignment, student).auto_comment = \
                        grade.comment
                except MissingEntry:
                    pass
            if cell.manual_score is not None:
                problems.append(f"{student}: {grade.notebook}.ipynb {grade.cell}: the manual score "
                                f"{cell.manual_score:g} given in formgrader is kept (it overrides {grade.score:g})")
            written += 1
        gradebook.db.commit()
        submission = gradebook.find_submission(assignment, student)
        return Recorded(student, written, float(submission.score), float(submission.max_score), tuple(problems))
