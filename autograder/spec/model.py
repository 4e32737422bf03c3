"""What the specs say, as frozen dataclasses: the course, its assignments, exercises, cases and questions,
and the value expressions that cases and questions hold after validation."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any


class SpecError(Exception):
    """A spec problem, printed as `file:line: key: message`."""

    def __init__(self, file: Path | str, line: int | None, key: str | None, message: str):
        self.file = str(file)
        self.line = line
        self.key = key
        self.message = message
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class DtypeRule(enum.Enum):
    EXACT = "exact"
    KIND = "kind"
    ANY = "any"


@dataclass(frozen=True)
class Location:
    """Where a value was written: file and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Limits:
    case_seconds: float = 10.0
    """Wall-clock limit of one case."""
    exercise_seconds: float = 60.0
    """Wall-clock limit of all cases of one exercise together."""
    memory_mb: int = 4096
    """Address-space limit of the student's process."""
    output_kb: int = 64
    """Student stdout/stderr kept per run; the rest is dropped and reported as truncated."""
    processes: int = 64
    """Processes and threads the student's code may have at once (enforced where the worker has its own uid)."""


@dataclass(frozen=True)
class Comparison:
    rtol: float = 1e-5
    atol: float = 1e-8
    dtype: DtypeRule = DtypeRule.KIND


class HiddenDetail(enum.Enum):
    """What a student sees of a hidden case that did not pass (visible cases always show everything)."""

    NONE = "none"
    """Only passed / not passed."""
    MESSAGE = "message"
    """The one-line message, redacted so that it never shows the expected value."""
    SUMMARY = "summary"
    """The message plus an array mismatch's counts and largest differences (never the table or the inputs)."""


@dataclass(frozen=True)
class Reporting:
    hidden_visibility: str = "visible"
    """Gradescope visibility of hidden-case entries: visible, hidden, after_due_date, after_published."""
    hidden_detail: HiddenDetail = HiddenDetail.MESSAGE
    """The default of every exercise's `hidden_detail`."""


@dataclass(frozen=True)
class MistakeSpec:
    """A known wrong implementation of an exercise (solutions/<id>/mistakes.py), named when a student's
    wrong answer matches it (autograder.diagnose)."""

    id: str
    function: str
    """The function's name in the assignment's mistakes module."""
    message: str
    """What the student probably did, and how to fix it."""
    location: Location | None = None


@dataclass(frozen=True)
class SpeedSpec:
    """A speed case: besides being right, the student's function must run within `max_ratio` times the time of
    `baseline` (a library function, e.g. torch.nn.functional.conv2d) on the same input, both timed in the
    student's process (median of `repeats` interleaved runs)."""

    baseline: str
    """Dotted name of the function to time against."""
    args: tuple[str, ...]
    """The case's arguments, in the order `baseline` takes them positionally."""
    max_ratio: float
    repeats: int = 5
    slow: str | None = None
    """A right but slow implementation in the mistakes module (`slow:`, e.g. a loop over output pixels): what
    `validate --speed` and `autograder speed` prove the case fails, within its time limit."""
    hint: str = ""
    """What makes the function fast enough (`hint:`), said to a student who is right but too slow, and in the kit's
    README; "" for none (the feedback then names the limit only)."""


@dataclass(frozen=True)
class CaseSpec:
    """One case as written in YAML; random ones are expanded by `autograder.cases`."""

    name: str
    args: tuple[tuple[str, Expr], ...]
    """Keyword arguments of the call, in YAML order, as validated value expressions."""
    visible: bool = False
    weight: float = 1.0
    count: int | None = None
    """Number of concrete cases for a random case; None for a fixed case."""
    params: tuple[tuple[str, Expr], ...] = ()
    """Ordered (name, expression) pairs, evaluated in this order."""
    expect: Expr | None = None
    """The value the reference must return, when the YAML gives one (`Const(None)` for an explicit null)."""
    raises: str | None = None
    note: str | None = None
    location: Location | None = None
    speed: SpeedSpec | None = None
    """Set for a speed case (`speed:`): graded on time too, on the CPU only."""
    distinguish: tuple[Distinction, ...] = ()
    """For a random case: mistakes whose output every drawn case must tell apart from the reference's (the
    draw retries, deterministically, until it does: autograder.cases)."""
    points: float | None = None
    """The points the case is worth in all (`points:`), its concrete copies together; None: a share of the
    exercise's other points by `weight`."""
    rule: str | None = None
    """`rule:`, the graded rule the case tests, beyond what its arguments show (autograder/rules.py): every hidden
    case's rule must have a visible case, so that `check` foretells the grade."""


@dataclass(frozen=True)
class ExerciseSpec:
    id: str
    """The function's name."""
    module: str
    title: str
    points: float
    statement: str
    compare: Comparison
    limits: Limits
    forbidden: tuple[str, ...]
    cases: tuple[CaseSpec, ...]
    location: Location | None = None
    mistakes: tuple[MistakeSpec, ...] = ()
    """Known wrong implementations to recognise in failing answers, in YAML order."""
    hidden_detail: HiddenDetail = HiddenDetail.MESSAGE
    """What a hidden case that did not pass shows."""
    devices: tuple[str, ...] = ()
    """Where the cases' tensors are put before the call (`devices:`): () leaves them as built (on the CPU);
    ("cpu", "cuda") runs every case on both, the CUDA copy named `<case>@cuda`; ("auto",) runs them on CUDA
    where the grading machine has it, else on the CPU."""
    value_hint: str = ""
    """Said once in the exercise's notes when a case returns a value of the right type and shape whose values are
    wrong and no known mistake explains it (learn_filter: "gradient descent did not converge"); "" for none."""
    solutions: Path | None = None
    """solutions/<assignment>/, where the reference and mistakes are: the host judges a random case family's
    `distinguish:` with them (autograder.families); None in the student kit."""


@dataclass(frozen=True)
class AnswerSpec:
    """How a question's answer is computed: a reference function called with the question's params."""

    module: str
    function: str
    args: tuple[tuple[str, Expr], ...]
    """Keyword arguments of the call, as validated value expressions over the question's params."""
    type: str
    """The answer's form: "integer" or "shape" (a list of integers)."""
    item: Expr | None = None
    """1-based position in the function's list result to take (the shape after layer `item`); None: all of it."""


@dataclass(frozen=True)
class Distinction:
    """A known mistake that a drawn variant must tell apart from the right answer (`distinguish:`): for every
    student's numbers the mistake gives another answer (or none), so that it never passes
    (autograder.questions.pool, autograder.distinguish)."""

    name: str
    """As written: a mistake id of the exercise the answer calls, or a function of the mistakes module."""
    function: str
    """The function's name in the assignment's mistakes module."""
    location: Location | None = None


@dataclass(frozen=True)
class QuestionSpec:
    """A hand-computation question with per-student params (autograder.variants), answered in answers.yaml."""

    id: str
    title: str
    points: float
    prompt: str
    """Markdown with `{name}` placeholders for the params."""
    params: tuple[tuple[str, Expr], ...]
    """Ordered (name, expression) pairs, drawn per student like a random case's params."""
    answer: AnswerSpec
    location: Location | None = None
    distinguish: tuple[Distinction, ...] = ()
    """Mistakes every variant must tell apart from the right answer; () draws the params as they come."""


@dataclass(frozen=True)
class LateRule:
    """When an assignment is due and what a late submission loses (`late:` in course.yaml and assignment.yaml;
    applied by autograder.late)."""

    deadline: datetime
    """Timezone-aware: a submission at or before it is on time."""
    penalty_per_day: float
    """Percent of the points earned lost per day late; every started 24 hours after the deadline is a day."""
    max_days: int | None = None
    """The most days late a submission is accepted; a later one scores 0. None: no limit (at most -100%)."""


@dataclass(frozen=True)
class AssignmentSpec:
    id: str
    title: str
    intro: str
    exercises: tuple[ExerciseSpec, ...]
    directory: Path
    """assignments/<id>/: the student copy (stubs) and assignment.yaml."""
    solutions: Path
    """solutions/<id>/: the reference implementations."""
    questions: tuple[QuestionSpec, ...] = ()
    """Hand-computation questions answered in answers.yaml, in YAML order."""
    late: LateRule | None = None
    """The deadline and late penalty; None: no deadline, nothing is late."""

    @property
    def modules(self) -> tuple[str, ...]:
        """Module names in first-use order."""
        return tuple(dict.fromkeys(e.module for e in self.exercises))

    def exercise(self, exercise_id: str) -> ExerciseSpec:
        for e in self.exercises:
            if e.id == exercise_id:
                return e
        raise KeyError(exercise_id)


@dataclass(frozen=True)
class StudentIdRule:
    """The form of the course's student ids (`student_id:` in course.yaml; autograder.student_id)."""

    pattern: str | None = None
    """A regular expression the whole (trimmed) id must match; None: any id."""
    case_sensitive: bool = True
    """False (`case: insensitive`): the id is lower-cased before it seeds anything and before the match."""
    example: str = ""
    """An id of the form, shown when one is refused."""

    def compiled(self) -> "re.Pattern[str]":
        import re
        return re.compile(self.pattern or ".*", 0 if self.case_sensitive else re.IGNORECASE)


@dataclass(frozen=True)
class CourseSpec:
    code: str
    title: str
    term: str
    seed: int
    limits: Limits
    compare: Comparison
    reporting: Reporting
    assignments: tuple[AssignmentSpec, ...]
    root: Path
    isolation: str = "auto"
    """How the student's process is isolated: auto, namespaces or process (autograder.sandbox.isolation)."""
    warm_pool: bool = True
    """Fork workers from a process that has imported torch (autograder.sandbox.pool)."""
    disk_mb: int = 256
    """What one submission's worker may write in all (autograder.sandbox.disk)."""
    cuda_unavailable: str = "cpu"
    """Where the grading machine has no CUDA: "cpu" gives each CUDA case the score of the same case on the CPU,
    "drop" takes the CUDA cases' points out of the maximum."""
    grading_seconds: float = 420.0  # autograder.spec.budget.DEFAULT_GRADING_SECONDS
    """The whole grading's time budget, on the host's clock (`sandbox.grading_seconds`): every exercise's limits fit
    into it (checked at load, autograder.spec.budget), and no case runs past it (the sandbox's deadline)."""
    student_id: StudentIdRule = StudentIdRule()
    """The form of the student ids; by default any id, trimmed (autograder.student_id)."""

    def assignment(self, assignment_id: str | None = None) -> AssignmentSpec:
        """The named assignment, or the only one when no name is given."""
        known = ", ".join(a.id for a in self.assignments) or "none"
        if assignment_id is None:
            if len(self.assignments) == 1:
                return self.assignments[0]
            raise SpecError("course.yaml", None, "assignments",
                            f"the course has {len(self.assignments)} assignments ({known}); name one")
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        raise SpecError("course.yaml", None, "assignments",
                        f"no assignment {assignment_id!r} in this course; known assignments: {known}")


GENERATORS = ("tuple", "array", "tensor", "int", "float", "choice", "normal", "uniform", "integers", "correlate")
"""The one-key mappings that build values (docs/assignment-format.md, "Values")."""


@dataclass(frozen=True)
class Const:
    """A plain YAML scalar: int, float, str, bool or None."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """`$name`: the value of an earlier param."""

    name: str
    location: Location | None = None


@dataclass(frozen=True)
class ListOf:
    items: tuple["Expr", ...]


@dataclass(frozen=True)
class MapOf:
    """A plain YAML mapping with string keys (not a generator)."""

    items: tuple[tuple[str, "Expr"], ...]


@dataclass(frozen=True)
class Generate:
    """A generator mapping such as `{normal: [3, 3], dtype: float32}`: kind, its main argument, its options."""

    kind: str
    arg: "Expr"
    options: tuple[tuple[str, "Expr"], ...] = ()
    location: Location | None = None

    def option(self, name: str, default: Any = None) -> Any:
        for key, value in self.options:
            if key == name:
                return value
        return default


Expr = Const | Ref | ListOf | MapOf | Generate
