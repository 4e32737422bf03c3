"""What the proofs of `autograder validate` share: the assignment being proved (`Context`), what each proof
finds (`Problem`), and the outcome of all of them (`Checked`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable

from autograder.cases import Case, expand_exercise
from autograder.reference import ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec, ExerciseSpec, Location

SAMPLE_STUDENTS = 200
"""How many student ids the per-student proofs draw (deterministic ids: `student_ids`)."""


def student_ids(count: int = SAMPLE_STUDENTS) -> tuple[str, ...]:
    """A fixed sample of student ids: drawing is deterministic, so the same ids prove the same draws every time."""
    return tuple(f"student-{n:03d}" for n in range(count))


@dataclass(frozen=True)
class Options:
    """What `validate` proves beyond the default proofs."""

    speed: bool = False
    """Also time every speed case in the sandbox (`validate --speed`): the baseline, the reference and a naive
    loop or a listed slow mistake; seconds per speed case."""
    students: int = SAMPLE_STUDENTS
    """How many student ids the per-student proofs draw."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an assignment, as `file:line: key: message` when the spec says where."""

    where: str
    """The key: 'assignment/exercise/case', 'assignment/exercise.forbidden[2]' or a file."""
    message: str
    location: Location | None = None
    """The file and line of the spec entry at fault, where known."""

    def __str__(self) -> str:
        return f"{self.location}: {self.where}: {self.message}" if self.location else f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Checked:
    assignment: str
    exercises: int
    cases: int
    problems: tuple[Problem, ...]


@dataclass(eq=False)
class Context:
    """One assignment of one course, with its trusted reference loaded once for every proof."""

    course: CourseSpec
    assignment: AssignmentSpec
    options: Options = field(default_factory=Options)

    @cached_property
    def reference(self) -> ReferenceSolutions:
        return ReferenceSolutions(self.assignment.solutions, self.assignment.id)

    def cases(self, exercise: ExerciseSpec, student: str | None = None) -> list[Case]:
        """The exercise's concrete cases, for `student` (None: the default draw, what the kit and check show)."""
        return expand_exercise(self.course.seed, self.assignment.id, exercise, student)

    def where(self, exercise: ExerciseSpec, case_name: str | None = None) -> str:
        """The key of an exercise or of one of its concrete cases: 'assignment/exercise[/case]'."""
        return f"{self.assignment.id}/{exercise.id}" + (f"/{case_name}" if case_name else "")

    def case_location(self, exercise: ExerciseSpec, case_name: str) -> Location | None:
        """Where the case that `case_name` (`name[i]`, `name@cuda`) was drawn from is written."""
        base = case_name.split("[")[0].removesuffix("@cuda")
        return next((c.location for c in exercise.cases if c.name == base), exercise.location)


Check = Callable[[Context], Iterable[Problem]]
"""One proof: every problem it finds in the context's assignment."""
