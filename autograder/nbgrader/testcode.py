"""The code of an autograded test cell: the exercise's visible cases and a last line that calls
`autograder.nbgrader.checks.grade`, whose value nbgrader reads as the cell's score.

    from autograder.nbgrader.checks import grade

    cases = ['''<visible cases>''']
    grade(output_size, cases, points=4, signature='(n: int, f: int, padding: int = 0, stride: int = 1)', ...)

No hidden case is ever in a cell: nbgrader's feedback renders the autograded notebook, cells and all. The
hidden cases run in the sandbox (`autograder nbgrader record`), whose score replaces the kernel's in the
gradebook. The cell is the same in the instructor's and the students' copy, so its checksum never changes.
"""
from __future__ import annotations

from autograder.spec import ExerciseSpec


def cell_source(exercise: ExerciseSpec, signature: str, visible: str) -> str:
    """The cell's code; `visible` is the packed visible cases (autograder.nbgrader.payload), '' for none."""
    rule = exercise.compare
    lines = [f"# Visible tests of {exercise.id} ({_number(exercise.points)} points): a preview. The grade is "
             f"that of all cases, hidden ones included, in the grader's sandbox.",
             "from autograder.nbgrader.checks import grade",
             "",
             f"cases = [{_block(visible)}]" if visible else "cases = []",
             f"grade({exercise.id}, cases, points={_number(exercise.points)}, signature={signature!r}, "
             f"rtol={rule.rtol!r}, atol={rule.atol!r}, dtype={rule.dtype.value!r}, "
             f"hidden_detail={exercise.hidden_detail.value!r}, output_kb={exercise.limits.output_kb!r}, "
             f"memory_mb={exercise.limits.memory_mb!r}"
             + (f", value_hint={exercise.value_hint!r})" if exercise.value_hint else ")")]
    return "\n".join(lines)


def _block(packed: str) -> str:
    return f'"""\n{packed}\n"""'


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
