"""An nbgrader course folder from the course's spec and reference solutions (host side, trusted code only).

One notebook per module of the assignment, `source/<assignment>/<module>.ipynb`:

    read-only Markdown   the module's title and docstring
    code                 the module's imports (students may add their own)
    per exercise, in the order of the solution file:
      read-only Markdown   the exercise's title and statement
      solution             the reference function with its `### BEGIN SOLUTION` regions
      autograded test      the visible cases with the reference's expected values (never a hidden one)

with all modules, `questions.ipynb` when the assignment has questions (autograder.nbgrader.questions), and
`nbgrader_config.py`. Pure: returns texts by relative path; the command writes them.
"""
from __future__ import annotations

import inspect
import math
import re

from autograder.cases import expand_exercise
from autograder.nbgrader import cells, questions
from autograder.nbgrader.config import config_text
from autograder.nbgrader.payload import pack
from autograder.nbgrader.source import ModuleSource, split_module
from autograder.nbgrader.testcode import cell_source
from autograder.packing import pack_mistakes, packed_exercise
from autograder.reference import ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec, ExerciseSpec
from autograder.statements import Placeholders
from autograder.stubs import display_name

CONFIG = "nbgrader_config.py"


class BuildError(Exception):
    """The course cannot be turned into nbgrader notebooks; the message names the file or the module."""


def default_timeout(assignment: AssignmentSpec, modules: tuple[str, ...]) -> int:
    """Seconds per cell: the longest `exercise_seconds` of the exercises built (a test cell runs one exercise)."""
    return math.ceil(max(e.limits.exercise_seconds for e in assignment.exercises if e.module in modules))


def course_timeout(course: CourseSpec) -> int:
    """Seconds per cell for the whole nbgrader course (its config is one for every assignment): the longest
    `exercise_seconds` of any exercise of the course, so that building one assignment never shortens another's."""
    return max(default_timeout(a, a.modules) for a in course.assignments)


def build_course(course: CourseSpec, assignment: AssignmentSpec, modules: tuple[str, ...] | None = None,
                 timeout: int | None = None) -> dict[str, str]:
    """Relative path -> text of every file of the nbgrader course folder, for `modules` (default: all); the
    config's timeout is `timeout`, else the course's (`course_timeout`)."""
    if modules and questions.NOTEBOOK in modules and not assignment.questions:
        raise BuildError(f"assignment {assignment.id} has no questions: no {questions.NOTEBOOK} notebook to build")
    with_questions = bool(assignment.questions) and (modules is None or questions.NOTEBOOK in modules)
    chosen = _modules(assignment, tuple(m for m in modules if m != questions.NOTEBOOK) if modules else None)
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    files = {CONFIG: config_text(course.code, timeout or course_timeout(course))}
    for module in chosen:
        path = f"source/{assignment.id}/{module}.ipynb"
        files[path] = cells.dumps(module_notebook(course, assignment, module, reference))
    if with_questions:
        if questions.NOTEBOOK in assignment.modules:
            raise BuildError(f"assignment {assignment.id} has a module named {questions.NOTEBOOK}, the name of the "
                             f"questions' notebook; rename the module")
        signatures = {e.id: _signature(reference, e) for e in assignment.exercises}
        files[f"source/{assignment.id}/{questions.NOTEBOOK}.ipynb"] = cells.dumps(
            questions.questions_notebook(course, assignment, signatures))
    return files


def _modules(assignment: AssignmentSpec, modules: tuple[str, ...] | None) -> tuple[str, ...]:
    if modules is None:
        return assignment.modules
    if not modules:
        return ()
    unknown = [m for m in modules if m not in assignment.modules]
    if unknown:
        raise BuildError(f"no module {', '.join(map(repr, unknown))} in assignment {assignment.id}; its modules are "
                         f"{', '.join(assignment.modules)}")
    return tuple(m for m in assignment.modules if m in modules)


def module_notebook(course: CourseSpec, assignment: AssignmentSpec, module: str,
                    reference: ReferenceSolutions) -> dict:
    """The instructor's notebook of one module (nbgrader's source version)."""
    placeholders = Placeholders(course, assignment)
    source = _module_source(assignment, module, placeholders)
    notebook = [cells.read_only_markdown(f"{module}_intro", _intro(assignment, module, source, placeholders))]
    if source.preamble:
        notebook.append(cells.plain_code(f"{module}_imports", source.preamble))
    for exercise_id, code in source.exercises:
        exercise = assignment.exercise(exercise_id)
        notebook += [cells.read_only_markdown(f"{exercise.id}_statement", _statement(exercise, placeholders)),
                     cells.solution_code(f"{exercise.id}_solution", code),
                     cells.autograded_code(f"{exercise.id}_tests", _test_cell(course, assignment, exercise, reference),
                                           exercise.points)]
    return cells.notebook(notebook)


def _module_source(assignment: AssignmentSpec, module: str, placeholders: Placeholders) -> ModuleSource:
    path = assignment.solutions / f"{module}.py"
    name = display_name(assignment.solutions, module)
    if not path.is_file():
        raise BuildError(f"{name}: no reference solution for module {module} of assignment {assignment.id}")
    exercises = tuple(e.id for e in assignment.exercises if e.module == module)
    return split_module(placeholders.render_module(module, path.read_text(encoding="utf-8")), name, exercises)


def _intro(assignment: AssignmentSpec, module: str, source: ModuleSource, placeholders: Placeholders) -> str:
    """The module's title and docstring, then the assignment's introduction (what to implement, the conventions,
    the slides' errata), as the student kit's README has it."""
    intro = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", placeholders.render_intro().strip(),
                   flags=re.MULTILINE)
    return f"# {assignment.title}: `{module}`\n\n{source.docstring}".rstrip() + (f"\n\n{intro}" if intro else "")


def _statement(exercise: ExerciseSpec, placeholders: Placeholders) -> str:
    return f"## {exercise.title} ({_points(exercise.points)})\n\n{placeholders.render_statement(exercise).rstrip()}"


def _points(points: float) -> str:
    value = int(points) if float(points).is_integer() else points
    return f"{value} point{'' if value == 1 else 's'}"


def _test_cell(course: CourseSpec, assignment: AssignmentSpec, exercise: ExerciseSpec,
               reference: ReferenceSolutions) -> str:
    """The visible cases only, as the student kit packs them (each worth its share of all the exercise's cases):
    nbgrader's feedback renders the autograded notebook, so a hidden case in a cell would reach every student.
    The kernel runs them as they are, on the CPU: the @cuda copies and the speed cases, which need the sandbox's
    device handling and timing, are graded by the sandbox only (`autograder nbgrader record`)."""
    cases = expand_exercise(course.seed, assignment.id, exercise)
    shown = [c for c in cases if c.visible and c.device != "cuda" and c.speed is None]
    packed = packed_exercise(exercise, cases, shown, reference)  # the student kit's case pack, per exercise
    return cell_source(exercise, _signature(reference, exercise), pack(packed, pack_mistakes([exercise]))
                       if packed else "")


def _signature(reference: ReferenceSolutions, exercise: ExerciseSpec) -> str:
    """The reference function's signature as the sandboxed grader states it (autograder.pipeline)."""
    function = getattr(reference.module(exercise.module), exercise.id)
    return str(inspect.signature(function).replace(return_annotation=inspect.Signature.empty)).replace("'", "")
