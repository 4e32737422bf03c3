"""The code of an autograded test cell: the visible cases, the hidden ones in nbgrader's hidden-test region,
and a last line that calls `autograder.nbgrader.checks.grade`, whose value (the partial score) nbgrader reads.

    from autograder.nbgrader.checks import grade

    cases = ['''<visible cases>''']
    ### BEGIN HIDDEN TESTS
    cases.append('''<hidden cases>''')
    ### END HIDDEN TESTS
    grade(output_size, cases, points=4, signature='(n: int, f: int, padding: int = 0, stride: int = 1)', ...)
"""
from __future__ import annotations

from autograder.spec import ExerciseSpec

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def cell_source(exercise: ExerciseSpec, signature: str, visible: str, hidden: str) -> str:
    """The cell's code; `visible` and `hidden` are packed cases (autograder.nbgrader.payload), '' for none."""
    rule = exercise.compare
    lines = [f"# Tests of {exercise.id}: the cases run here, each worth its share of the cell's "
             f"{_number(exercise.points)} points.",
             "from autograder.nbgrader.checks import grade",
             "",
             f"cases = [{_block(visible)}]" if visible else "cases = []"]
    if hidden:
        lines += [BEGIN_HIDDEN, f"cases.append({_block(hidden)})", END_HIDDEN]
    lines.append(f"grade({exercise.id}, cases, points={_number(exercise.points)}, signature={signature!r}, "
                 f"rtol={rule.rtol!r}, atol={rule.atol!r}, dtype={rule.dtype.value!r}, "
                 f"hidden_detail={exercise.hidden_detail.value!r}, output_kb={exercise.limits.output_kb!r}, "
                 f"memory_mb={exercise.limits.memory_mb!r}"
                 + (f", value_hint={exercise.value_hint!r})" if exercise.value_hint else ")"))
    return "\n".join(lines)


def _block(packed: str) -> str:
    return f'"""\n{packed}\n"""'


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
