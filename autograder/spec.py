"""The course and assignment specs: the one module that knows the YAML key names.

`load_course(root)` reads `course.yaml` and every `assignments/<id>/assignment.yaml`, validates them
against the format in docs/assignment-format.md and returns frozen dataclasses. Every problem raises
`SpecError` naming the file, the line and the key.
"""
from __future__ import annotations

import ast
import difflib
import enum
import keyword
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, TypeVar

import yaml
from yaml.constructor import SafeConstructor
from autograder import pyast


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


# ---- value expressions: what `args`, `params` and `expect` hold after validation ----------------------------

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


# ---- reading YAML: nodes that know their file and key path -------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _MAP, _SEQ = (_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))
_KINDS = {_INT: "an integer", _FLOAT: "a float", _BOOL: "a boolean", _TAG + "timestamp": "a date",
          _TAG + "merge": "a YAML merge key", _TAG + "binary": "binary data"}
_EXPONENT_TYPO = re.compile(r"[-+]?(\d[\d_]*\.?\d*|\.\d+)[eE][-+]?\d+")
"""Numbers PyYAML reads as text: an exponent without a dot before it or a sign in it (1e-5, 1.0e5)."""


def _describe(node: yaml.Node) -> str:
    """What a node holds, for 'expected X, got Y' messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _STR:
        return repr(node.value)
    if node.tag == _NULL:
        return "null (an empty value)"
    return f"{_KINDS.get(node.tag, f'a value tagged {node.tag}')} ({node.value})"


class _Node:
    """A YAML node with its file and key path, read through typed getters that raise SpecError at its line."""

    def __init__(self, node: yaml.Node, file: str, path: str = "", key_line: int | None = None):
        self.node, self.file, self.path = node, file, path
        self.key_line = key_line
        """The line of the key holding this value, for a mapping's value (a nested block starts lower)."""

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    def error(self, message: str, line: int | None = None) -> SpecError:
        """A SpecError at `line`, else at the key holding this value, else at the value."""
        return SpecError(self.file, line or self.key_line or self.line, self.path or None, message)

    def labelled(self, label: str) -> _Node:
        """The same node with `label` (an exercise id, a case name) after its path in messages."""
        return _Node(self.node, self.file, f"{self.path} ({label})", self.key_line)

    def is_ref(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == _STR and self.node.value.startswith("$")

    def entries(self) -> dict[str, _Node]:
        """A mapping's values by key, in YAML order; keys must be unique strings."""
        self._expect(yaml.MappingNode, _MAP, "a mapping")
        entries: dict[str, _Node] = {}
        for key_node, value in self.node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise self.error(f"keys must be strings, got {_describe(key_node)}", line)
            key = key_node.value
            if key in entries:
                raise self.error(f"duplicate key {key!r} (first at line {entries[key].key_line}); YAML would keep "
                                 f"only the last one, so remove or rename one", line)
            entries[key] = _Node(value, self.file, f"{self.path}.{key}" if self.path else key, line)
        return entries

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, _Node]:
        """A mapping's entries, allowing only the keys named and requiring the `required` ones."""
        entries = self.entries()
        for key, value in entries.items():
            if key not in required + optional:
                raise self.error(_unknown(f"key {key!r}", key, required + optional), value.key_line)
        for key in required:
            if key not in entries:
                raise self.error(f"missing required key {key!r}")
        return entries

    def items(self, minimum: int = 0) -> list[_Node]:
        self._expect(yaml.SequenceNode, _SEQ, "a list")
        if len(self.node.value) < minimum:
            raise self.error(f"expected a list of at least {minimum} item(s), got {len(self.node.value)}")
        return [_Node(item, self.file, f"{self.path}[{i}]") for i, item in enumerate(self.node.value)]

    def scalar(self) -> Any:
        """A plain YAML scalar: str, int, float, bool or None (dates, binary and custom tags are refused)."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"expected a single value, got {_describe(self.node)}")
        if self.node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
            raise self.error(f"expected a number, a string, true/false or null, got {_describe(self.node)}; "
                             f"quote it to make it a string")
        return SafeConstructor().construct_object(self.node)

    def string(self) -> str:
        quote = "; quote it to make it a string" if self._tag() in (_INT, _FLOAT, _BOOL, _TAG + "timestamp") else ""
        return self._typed((_STR,), "a string", quote)

    def integer(self) -> int:
        return self._typed((_INT,), "an integer")

    def number(self) -> float:
        typo = self._tag() == _STR and _EXPONENT_TYPO.fullmatch(self.node.value)
        hint = " (YAML reads it as text: write a dot and a signed exponent, e.g. 1.0e-5 or 1.0e+3)" if typo else ""
        return float(self._typed((_INT, _FLOAT), "a number", hint))

    def boolean(self) -> bool:
        return self._typed((_BOOL,), "true or false")

    def _tag(self) -> str | None:
        return self.node.tag if isinstance(self.node, yaml.ScalarNode) else None

    def _typed(self, tags: tuple[str, ...], what: str, hint: str = "") -> Any:
        if self._tag() not in tags:
            raise self.error(f"expected {what}, got {_describe(self.node)}{hint}")
        return self.scalar()

    def _expect(self, kind: type[yaml.Node], tag: str, what: str) -> None:
        if not isinstance(self.node, kind):
            raise self.error(f"expected {what}, got {_describe(self.node)}")
        if self.node.tag != tag:
            raise self.error(f"unsupported YAML tag {self.node.tag}; remove it")


def _display(path: Path, root: Path) -> str:
    """`path` relative to the course root when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path) -> _Node:
    """The top-level mapping of a YAML file, as a node tree that keeps line numbers."""
    file = _display(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(file, None, None, f"file not found (looked in {path.parent})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(file, None, None, f"cannot read the file: {error}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        context = f"{error.context}, " if error.context else ""
        raise SpecError(file, mark.line + 1 if mark else None, None,
                        f"YAML syntax error: {context}{error.problem}") from None
    except yaml.YAMLError as error:
        raise SpecError(file, None, None, f"YAML error: {error}") from None
    if node is None:
        raise SpecError(file, 1, None, "the file is empty; expected a mapping of `key: value` lines")
    if not isinstance(node, yaml.MappingNode):
        raise SpecError(file, node.start_mark.line + 1, None,
                        f"expected a mapping of `key: value` lines at the top level, got {_describe(node)}")
    return _Node(node, file)


# ---- checks shared by the sections ----------------------------------------------------------------------------

def _unknown(what: str, name: str, known: tuple[str, ...]) -> str:
    """'unknown key 'point'; did you mean 'points'?', or the known names when none is close."""
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"unknown {what}; did you mean {close[0]!r}?"
    return f"unknown {what}; expected one of: {', '.join(known)}"


def _one_of(n: _Node, choices: tuple[str, ...]) -> str:
    value = n.string()
    if value not in choices:
        close = difflib.get_close_matches(value, choices, n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise n.error(f"expected one of {', '.join(choices)}, got {value!r}{suggestion}")
    return value


def _matching(n: _Node, pattern: re.Pattern[str], rule: str) -> str:
    value = n.string()
    if not pattern.fullmatch(value):
        raise n.error(f"expected {rule}, got {value!r}")
    return value


def _identifier(n: _Node, what: str) -> str:
    value = n.string()
    if not value.isidentifier() or keyword.iskeyword(value):
        raise n.error(f"{what} must be a Python identifier (letters, digits and _, not starting with a digit), "
                      f"got {value!r}")
    return value


def _positive_number(n: _Node) -> float:
    value = n.number()
    if not value > 0:
        raise n.error(f"expected a number > 0, got {n.node.value}")
    return value


def _non_negative_number(n: _Node) -> float:
    value = n.number()
    if not value >= 0:
        raise n.error(f"expected a number >= 0, got {n.node.value}")
    return value


def _positive_int(n: _Node) -> int:
    value = n.integer()
    if value < 1:
        raise n.error(f"expected an integer >= 1, got {value}")
    return value


def _unique(n: _Node, value: str, seen: dict[str, int], what: str) -> None:
    if value in seen:
        raise n.error(f"duplicate {what} {value!r} (first at line {seen[value]}); each {what} must be unique")
    seen[value] = n.line


def _label(n: _Node, key: str) -> _Node:
    """`n` labelled with its `key` entry (an exercise id, a case name) when that is a string, so that errors
    inside it say which one they are about."""
    if isinstance(n.node, yaml.MappingNode):
        for key_node, value in n.node.value:
            if key_node.value == key and isinstance(value, yaml.ScalarNode) and value.tag == _STR:
                return n.labelled(value.value)
    return n


def _get(entries: dict[str, _Node], key: str, read: Callable[[_Node], Any], default: Any = None) -> Any:
    return read(entries[key]) if key in entries else default


# ---- course.yaml ----------------------------------------------------------------------------------------------

HIDDEN_VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
ISOLATIONS = ("auto", "namespaces", "process")
CUDA_UNAVAILABLE = ("cpu", "drop")
DEVICES = ("cpu", "cuda", "auto")
RAISABLE = ("ValueError", "TypeError", "IndexError", "KeyError", "RuntimeError", "ZeroDivisionError")
"""The exceptions a case may expect with `raises`."""

_LIMITS: dict[str, Callable[[_Node], Any]] = {
    "case_seconds": _positive_number, "exercise_seconds": _positive_number,
    "memory_mb": _positive_int, "output_kb": _positive_int, "processes": _positive_int}
_COMPARE: dict[str, Callable[[_Node], Any]] = {
    "rtol": _non_negative_number, "atol": _non_negative_number,
    "dtype": lambda n: DtypeRule(_one_of(n, tuple(rule.value for rule in DtypeRule)))}
_HIDDEN_DETAIL: Callable[[_Node], HiddenDetail] = lambda n: HiddenDetail(_one_of(n, tuple(d.value for d in HiddenDetail)))
_REPORTING: dict[str, Callable[[_Node], Any]] = {"hidden_visibility": lambda n: _one_of(n, HIDDEN_VISIBILITIES),
                                                 "hidden_detail": _HIDDEN_DETAIL}
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")

_Settings = TypeVar("_Settings", Limits, Comparison, Reporting)


def _override(n: _Node | None, base: _Settings, readers: dict[str, Callable[[_Node], Any]]) -> _Settings:
    """`base` with the keys that mapping `n` gives replaced, each read by its reader."""
    if n is None:
        return base
    entries = n.mapping((), tuple(readers))
    return replace(base, **{key: readers[key](value) for key, value in entries.items()})


def load_course(root: Path) -> CourseSpec:
    """Read and validate `root/course.yaml` and its assignments."""
    root = Path(root)
    course = _read_yaml(root / "course.yaml", root).mapping(("code", "title", "term", "seed", "assignments"),
                                                             ("defaults", "sandbox", "gpu"))
    code, title, term = (course[key].string() for key in ("code", "title", "term"))
    seed = course["seed"].integer()
    defaults = _get(course, "defaults", lambda n: n.mapping((), ("limits", "compare", "reporting")), {})
    limits = _override(defaults.get("limits"), Limits(), _LIMITS)
    compare = _override(defaults.get("compare"), Comparison(), _COMPARE)
    reporting = _override(defaults.get("reporting"), Reporting(), _REPORTING)
    sandbox = _get(course, "sandbox", lambda n: n.mapping((), ("isolation", "warm_pool", "disk_mb")), {})
    isolation = _get(sandbox, "isolation", lambda n: _one_of(n, ISOLATIONS), "auto")
    warm_pool = _get(sandbox, "warm_pool", _Node.boolean, True)
    disk_mb = _get(sandbox, "disk_mb", _disk_mb, 256)
    gpu = _get(course, "gpu", lambda n: n.mapping((), ("cuda_unavailable",)), {})
    cuda_unavailable = _get(gpu, "cuda_unavailable", lambda n: _one_of(n, CUDA_UNAVAILABLE), "cpu")
    assignments, seen = [], {}
    for item in course["assignments"].items(minimum=1):
        assignment_id = _matching(item, _FOLDER_NAME, "an assignment id (a folder name: letters, digits, _ . -)")
        _unique(item, assignment_id, seen, "assignment id")
        folder = root / "assignments" / assignment_id
        if not folder.is_dir():
            raise item.error(f"no folder {_display(folder, root)}/ for this assignment; create it with its "
                             f"assignment.yaml, or remove {assignment_id!r} from the list")
        assignments.append(load_assignment(folder / "assignment.yaml", root, limits, compare,
                                           hidden_detail=reporting.hidden_detail))
    return CourseSpec(code=code, title=title, term=term, seed=seed, limits=limits, compare=compare,
                      reporting=reporting, assignments=tuple(assignments), root=root, isolation=isolation,
                      warm_pool=warm_pool, disk_mb=disk_mb, cuda_unavailable=cuda_unavailable)


# ---- assignments/<id>/assignment.yaml -------------------------------------------------------------------------

_EXERCISE_KEYS = ("id", "module", "title", "points", "statement", "cases")
_EXERCISE_OPTIONAL = ("compare", "limits", "forbidden", "mistakes", "hidden_detail", "devices", "value_hint")
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def load_assignment(path: Path, root: Path | None = None, limits: Limits = Limits(),
                    compare: Comparison = Comparison(),
                    hidden_detail: HiddenDetail = HiddenDetail.MESSAGE) -> AssignmentSpec:
    """Read and validate one `assignments/<id>/assignment.yaml` over the course's `limits`, `compare` and
    `hidden_detail` defaults.

    `root` is the course folder (by default three levels above `path`): it holds `solutions/<id>/`, and error
    messages name files relative to it.
    """
    path = Path(path)
    root = path.parents[2] if root is None else Path(root)
    spec = _read_yaml(path, root).mapping(("id", "title", "exercises"), ("intro", "questions"))
    assignment_id = spec["id"].string()
    if assignment_id != path.parent.name:
        raise spec["id"].error(f"the id {assignment_id!r} differs from the folder name {path.parent.name!r}; "
                               f"they must be equal")
    title, intro = spec["title"].string(), _get(spec, "intro", _Node.string, "")
    solutions = _Solutions(root / "solutions" / assignment_id, root)
    if not solutions.folder.is_dir():
        raise SpecError(_display(solutions.folder, root), None, None,
                        f"folder not found: the reference solutions of assignment {assignment_id!r} go there")
    seen: dict[str, int] = {}
    exercises = tuple(_exercise(item, solutions, limits, compare, seen, hidden_detail)
                      for item in spec["exercises"].items(minimum=1))
    questions = _get(spec, "questions", lambda q: _questions(q, solutions), ())
    return AssignmentSpec(id=assignment_id, title=title, intro=intro, exercises=exercises,
                          directory=path.parent, solutions=solutions.folder, questions=questions)


def _exercise(n: _Node, solutions: _Solutions, limits: Limits, compare: Comparison,
              seen: dict[str, int], hidden_detail: HiddenDetail = HiddenDetail.MESSAGE) -> ExerciseSpec:
    n = _label(n, "id")
    spec = n.mapping(_EXERCISE_KEYS, _EXERCISE_OPTIONAL)
    exercise_id = _identifier(spec["id"], "an exercise id")
    _unique(spec["id"], exercise_id, seen, "exercise id")
    module = _identifier(spec["module"], "a module name")
    if module == MISTAKES_MODULE:
        raise spec["module"].error(f"the module name {MISTAKES_MODULE!r} is reserved for the known mistakes "
                                   f"(solutions/<assignment>/{MISTAKES_MODULE}.py); rename the module")
    title = spec["title"].string()
    if "\n" in title.strip():
        raise spec["title"].error("a title is one line; put longer text in `statement`")
    points = _positive_number(spec["points"])
    statement = spec["statement"].string()
    compare = _override(spec.get("compare"), compare, _COMPARE)
    limits = _override(spec.get("limits"), limits, _LIMITS)
    dotted = "a dotted API name such as torch.nn.functional.conv2d"
    forbidden = _get(spec, "forbidden", lambda f: tuple(_matching(item, _DOTTED, dotted) for item in f.items()), ())
    signature = solutions.signature(spec["module"], module, spec["id"], exercise_id)
    names: dict[str, int] = {}
    cases = tuple(_case(item, signature, names) for item in spec["cases"].items(minimum=1))
    mistakes = _get(spec, "mistakes", lambda m: _mistakes(m, solutions, signature), ())
    return ExerciseSpec(id=exercise_id, module=module, title=title, points=points, statement=statement,
                        compare=compare, limits=limits, forbidden=forbidden, cases=cases, location=n.location,
                        mistakes=mistakes, hidden_detail=_get(spec, "hidden_detail", _HIDDEN_DETAIL, hidden_detail),
                        devices=_get(spec, "devices", _devices, ()),
                        value_hint=" ".join(_get(spec, "value_hint", _Node.string, "").split()))


def _devices(n: _Node) -> tuple[str, ...]:
    """[cpu, cuda] (every case on both), [auto] (CUDA where present, else the CPU), [cpu] or [cuda]."""
    devices = tuple(_one_of(item, DEVICES) for item in n.items(minimum=1))
    if len(set(devices)) != len(devices):
        raise n.error(f"a device is listed twice in {list(devices)}")
    if "auto" in devices and len(devices) > 1:
        raise n.error("`auto` picks one device by itself; list it alone ([auto]) or name the devices ([cpu, cuda])")
    return devices


# ---- known mistakes --------------------------------------------------------------------------------------------

MISTAKES_MODULE = "mistakes"
"""solutions/<assignment>/mistakes.py: the known wrong implementations (trusted, host side, never stubbed)."""
_MISTAKE_ID = re.compile(r"[a-z0-9_]+")


def _mistakes(n: _Node, solutions: _Solutions, signature: _Signature) -> tuple[MistakeSpec, ...]:
    seen: dict[str, int] = {}
    return tuple(_mistake(item, solutions, signature, seen) for item in n.items(minimum=1))


def _mistake(n: _Node, solutions: _Solutions, signature: _Signature, seen: dict[str, int]) -> MistakeSpec:
    """One `{id, function, message}`: the function exists in the mistakes module and takes the exercise's
    keyword arguments (it is called with the same ones as the reference)."""
    n = _label(n, "id")
    spec = n.mapping(("id", "function", "message"))
    mistake_id = _matching(spec["id"], _MISTAKE_ID, "a mistake id of lower-case letters, digits and _")
    _unique(spec["id"], mistake_id, seen, "mistake id")
    function = _identifier(spec["function"], "a mistake's function")
    wrong = solutions.mistake(spec["function"], function)
    missing = [k for k in signature.keywords if k not in wrong.keywords and not wrong.any_keyword]
    extra = [k for k in wrong.required if k not in signature.keywords]
    if missing or extra:
        problem = (f"does not take {', '.join(map(repr, missing))}" if missing
                   else f"requires {', '.join(map(repr, extra))}, which the reference does not take")
        raise spec["function"].error(f"{wrong} {problem}; a mistake is called with the arguments of {signature}")
    message = " ".join(spec["message"].string().split())
    if not message:
        raise spec["message"].error("the message is empty; say what the student probably did")
    return MistakeSpec(id=mistake_id, function=function, message=message, location=n.location)


# ---- cases ----------------------------------------------------------------------------------------------------

_CASE_NAME = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class _Scope:
    """The params a `$name` may name at one place: those drawn before it, and those drawn after it."""

    defined: tuple[str, ...] = ()
    later: tuple[str, ...] = ()


def _case(n: _Node, signature: _Signature, seen: dict[str, int]) -> CaseSpec:
    n = _label(n, "name")
    spec = n.mapping(("name", "args"), ("visible", "weight", "count", "params", "expect", "raises", "note",
                                        "speed"))
    name = _matching(spec["name"], _CASE_NAME, "a case name of lower-case letters, digits and _")
    _unique(spec["name"], name, seen, "case name")
    if "count" in spec and "params" not in spec:
        raise spec["count"].error("a random case (with `count`) draws its `params`: add them, or remove `count`")
    if "params" in spec and "count" not in spec:
        raise spec["params"].error("`params` are drawn only in a random case: add `count: N` (how many concrete "
                                   "cases to draw), or remove `params`")
    if "raises" in spec and "expect" in spec:
        raise spec["raises"].error("a case expects either a value (`expect`) or an exception (`raises`), not "
                                   "both; remove one")
    params = _get(spec, "params", _params, ())
    scope = _Scope(tuple(param for param, _ in params))
    return CaseSpec(name=name, args=_args(spec["args"], signature, scope),
                    visible=_get(spec, "visible", _Node.boolean, False),
                    weight=_get(spec, "weight", _positive_number, 1.0),
                    count=_get(spec, "count", _positive_int), params=params,
                    expect=_get(spec, "expect", lambda e: _expr(e, scope)),
                    raises=_get(spec, "raises", lambda r: _one_of(r, RAISABLE)),
                    note=_get(spec, "note", _Node.string), location=n.location,
                    speed=_get(spec, "speed", lambda v: _speed(v, spec)))


def _disk_mb(n: _Node) -> int:
    value = n.integer()
    if not 16 <= value <= 65536:
        raise n.error(f"disk_mb must be between 16 and 65536 (MB), not {value}")
    return value


def _speed(n: _Node, case: dict[str, _Node]) -> SpeedSpec:
    """`speed: {baseline: dotted.name, args: [names...], max_ratio: R, repeats: N}` on a case that returns."""
    entries = n.mapping(("baseline", "args", "max_ratio"), ("repeats",))
    if "raises" in case:
        raise n.error("a speed case times a call that returns; remove `raises` or `speed`")
    given = tuple(case["args"].entries())
    args = tuple(_one_of(item, given) for item in entries["args"].items(minimum=1))
    return SpeedSpec(baseline=_matching(entries["baseline"], _DOTTED, "a dotted function name such as "
                                                                      "torch.nn.functional.conv2d"),
                     args=args, max_ratio=_positive_number(entries["max_ratio"]),
                     repeats=_get(entries, "repeats", _positive_int, 5))


def _params(n: _Node) -> tuple[tuple[str, Expr], ...]:
    """The params in YAML order; each may name only the params above it."""
    entries = n.entries()
    if not entries:
        raise n.error("a random case needs at least one param")
    names = tuple(entries)
    params = []
    for index, (name, value) in enumerate(entries.items()):
        if not name.isidentifier():
            raise n.error(f"param name {name!r} must be a Python identifier (letters, digits and _)", value.key_line)
        params.append((name, _expr(value, _Scope(names[:index], names[index:]))))
    return tuple(params)


def _args(n: _Node, signature: _Signature, scope: _Scope) -> tuple[tuple[str, Expr], ...]:
    """The keyword arguments, each a parameter of the reference function, every required one given."""
    args = []
    entries = n.entries()
    for key, value in entries.items():
        if key not in signature.keywords and not signature.any_keyword:
            raise n.error(signature.unknown(key), value.key_line)
        args.append((key, _expr(value, scope)))
    missing = [param for param in signature.required if param not in entries]
    if missing:
        raise n.error(f"missing argument {', '.join(map(repr, missing))} of {signature}: parameters without a "
                      f"default must be given")
    return tuple(args)


# ---- values: args, params and expect --------------------------------------------------------------------------

DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool", "complex64",
          "complex128")
_ARRAY_OPTIONS = ("dtype", "tensor", "device")
_OPTIONS: dict[str, tuple[str, ...]] = {
    "tuple": (), "array": ("dtype",), "tensor": ("dtype", "device"), "int": (), "float": (), "choice": (),
    "normal": ("scale", *_ARRAY_OPTIONS), "uniform": ("low", "high", *_ARRAY_OPTIONS),
    "integers": ("low", "high", *_ARRAY_OPTIONS), "correlate": ()}
"""The options each generator takes besides its main argument."""


def _expr(n: _Node, scope: _Scope) -> Expr:
    """A value: a plain YAML scalar, list or mapping, a `$param`, or a generator mapping."""
    if isinstance(n.node, yaml.SequenceNode):
        return ListOf(tuple(_expr(item, scope) for item in n.items()))
    if isinstance(n.node, yaml.MappingNode):
        entries = n.entries()
        keys = [key for key in entries if key in GENERATORS]
        kinds = [key for key in keys if not any(key in _OPTIONS[other] for other in keys)]  # `tensor: true`
        if len(kinds) > 1:
            raise n.error(f"a mapping with two generator keys, {kinds[0]!r} and {kinds[1]!r}; a generator mapping "
                          f"has exactly one")
        if kinds:
            return _generate(n, kinds[0], entries, scope)
        return MapOf(tuple((key, _expr(value, scope)) for key, value in entries.items()))
    value = n.scalar()
    if isinstance(value, str) and value.startswith("$"):
        return _ref(n, value[1:], scope)
    return Const(value)


def _ref(n: _Node, name: str, scope: _Scope) -> Ref:
    if name in scope.defined:
        return Ref(name, n.location)
    if name in scope.later:
        raise n.error(f"param '${name}' is used before it is drawn; params are drawn in order, so define "
                      f"{name!r} above this one")
    close = difflib.get_close_matches(name, scope.defined, n=1)
    suggestion = f"; did you mean '${close[0]}'?" if close else ""
    where = "" if scope.defined else " (`$name` names a param of the same case's `params`)"
    raise n.error(f"unknown param '${name}'; defined params: {', '.join(scope.defined) or 'none'}{where}"
                  f"{suggestion}")


def _generate(n: _Node, kind: str, entries: dict[str, _Node], scope: _Scope) -> Generate:
    arg = _GENERATOR_ARGS[kind](entries[kind], scope)
    options = []
    for key, value in entries.items():
        if key == kind:
            continue
        allowed = _OPTIONS[kind]
        if key not in allowed:
            message = (_unknown(f"option {key!r} of generator {kind!r}", key, allowed) if allowed
                       else f"generator {kind!r} takes no options, got {key!r}")
            raise n.error(message, value.key_line)
        options.append((key, _option(value, key, kind, scope)))
    return Generate(kind, arg, tuple(options), n.location)


def _option(n: _Node, name: str, kind: str, scope: _Scope) -> Expr:
    if n.is_ref():
        return _expr(n, scope)
    if name == "dtype":
        return Const(_one_of(n, DTYPES))
    if name == "device":
        return Const(n.string())
    if name == "tensor":
        return Const(n.boolean())
    return Const(n.integer() if kind == "integers" else n.number())  # scale, low, high


def _int_or_ref(n: _Node, scope: _Scope, minimum: int | None = None) -> Expr:
    if n.is_ref():
        return _expr(n, scope)
    value = n.integer()
    if minimum is not None and value < minimum:
        raise n.error(f"expected an integer >= {minimum}, got {value}")
    return Const(value)


def _number_or_ref(n: _Node, scope: _Scope) -> Expr:
    return _expr(n, scope) if n.is_ref() else Const(n.number())


def _bounds(read: Callable[[_Node, _Scope], Expr]) -> Callable[[_Node, _Scope], Expr]:
    """A reader of `[low, high]`, each read by `read`, with low <= high when both are given."""
    def bounds(n: _Node, scope: _Scope) -> Expr:
        items = n.items()
        if len(items) != 2:
            raise n.error(f"expected a list of two values [low, high], got {len(items)}")
        low, high = (read(item, scope) for item in items)
        if isinstance(low, Const) and isinstance(high, Const) and low.value > high.value:
            raise n.error(f"low {low.value} is above high {high.value}")
        return ListOf((low, high))
    return bounds


def _sequence(n: _Node, scope: _Scope) -> Expr:
    return _expr(n, scope) if n.is_ref() else ListOf(tuple(_expr(item, scope) for item in n.items()))


def _shape(n: _Node, scope: _Scope) -> Expr:
    return ListOf(tuple(_int_or_ref(item, scope, minimum=0) for item in n.items()))


def _choices(n: _Node, scope: _Scope) -> Expr:
    return ListOf(tuple(_expr(item, scope) for item in n.items(minimum=1)))


def _correlation(n: _Node, scope: _Scope) -> Expr:
    entries = n.mapping(("inputs", "kernel"))
    return MapOf(tuple((key, _expr(value, scope)) for key, value in entries.items()))


_GENERATOR_ARGS: dict[str, Callable[[_Node, _Scope], Expr]] = {
    "tuple": _sequence, "array": _expr, "tensor": _expr, "int": _bounds(_int_or_ref), "float": _bounds(_number_or_ref),
    "choice": _choices, "normal": _shape, "uniform": _shape, "integers": _shape, "correlate": _correlation}
"""How each generator's main argument is read."""


# ---- the reference solutions, read without running them -------------------------------------------------------

@dataclass(frozen=True)
class _Signature:
    """What a keyword call can pass to a reference function, from its `def`."""

    function: str
    file: str
    keywords: tuple[str, ...]
    """The parameters a keyword argument can name (not the positional-only ones)."""
    required: tuple[str, ...]
    """The parameters without a default."""
    any_keyword: bool
    """The function takes `**kwargs`."""

    @classmethod
    def of(cls, node: ast.FunctionDef | ast.AsyncFunctionDef, file: str) -> _Signature:
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        required = [p.arg for p in positional[:len(positional) - len(a.defaults)]]
        required += [p.arg for p, default in zip(a.kwonlyargs, a.kw_defaults) if default is None]
        keywords = tuple(p.arg for p in [*a.args, *a.kwonlyargs])
        return cls(node.name, file, keywords, tuple(required), a.kwarg is not None)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(self.keywords)}) in {self.file}"

    def unknown(self, key: str) -> str:
        return _unknown(f"argument {key!r}: not a parameter of {self}", key, self.keywords)


class _Solutions:
    """The reference modules of one assignment, parsed (never imported) to find their functions."""

    def __init__(self, folder: Path, root: Path):
        self.folder, self.root = folder, root
        self._functions: dict[str, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]] = {}

    def signature(self, module_node: _Node, module: str, function_node: _Node, function: str) -> _Signature:
        path = self.folder / f"{module}.py"
        file = _display(path, self.root)
        if module not in self._functions:
            if not path.is_file():
                raise module_node.error(f"no file {file}: the reference solution of {function!r} must be there")
            self._functions[module] = self._parse(path, file)
        found = self._functions[module].get(function)
        if found is None:
            close = difflib.get_close_matches(function, tuple(self._functions[module]), n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            raise function_node.error(f"{file} defines no top-level function {function!r}{suggestion}; add "
                                      f"`def {function}(...)` there or fix the id")
        return _Signature.of(found, file)

    def mistake(self, function_node: _Node, function: str) -> _Signature:
        """The signature of a known mistake's function in solutions/<id>/mistakes.py."""
        path = self.folder / f"{MISTAKES_MODULE}.py"
        file = _display(path, self.root)
        if MISTAKES_MODULE not in self._functions:
            if not path.is_file():
                raise function_node.error(f"no file {file}: the known mistakes' functions must be there")
            self._functions[MISTAKES_MODULE] = self._parse(path, file)
        found = self._functions[MISTAKES_MODULE].get(function)
        if found is None:
            close = difflib.get_close_matches(function, tuple(self._functions[MISTAKES_MODULE]), n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            raise function_node.error(f"{file} defines no top-level function {function!r}{suggestion}; add "
                                      f"`def {function}(...)` there or fix the name")
        return _Signature.of(found, file)

    @staticmethod
    def _parse(path: Path, file: str) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
        try:
            tree = pyast.parse(path.read_text(encoding="utf-8"), file)
        except SyntaxError as error:
            raise SpecError(file, error.lineno, None, f"syntax error in the reference solution: {error.msg}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise SpecError(file, None, None, f"cannot parse the reference solution: {error}") from None
        return {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


# ---- hand-computation questions (autograder.variants) ----------------------------------------------------------

ANSWER_TYPES = ("integer", "shape")
_QUESTION_ID = re.compile(r"[a-z0-9_]+")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _questions(n: _Node, solutions: _Solutions) -> tuple[QuestionSpec, ...]:
    seen: dict[str, int] = {}
    return tuple(_question(item, solutions, seen) for item in n.items(minimum=1))


def _question(n: _Node, solutions: _Solutions, seen: dict[str, int]) -> QuestionSpec:
    """One `{id, title, points, params, prompt, answer}`: the answer's function exists in the solutions and takes
    the arguments given, and every `{name}` of the prompt is a param."""
    n = _label(n, "id")
    spec = n.mapping(("id", "title", "points", "prompt", "answer"), ("params",))
    question_id = _matching(spec["id"], _QUESTION_ID, "a question id of lower-case letters, digits and _")
    _unique(spec["id"], question_id, seen, "question id")
    title = spec["title"].string()
    if "\n" in title.strip():
        raise spec["title"].error("a title is one line; put the question itself in `prompt`")
    params = _get(spec, "params", _params, ())
    names = tuple(name for name, _ in params)
    prompt = spec["prompt"].string()
    for field in _PLACEHOLDER.findall(prompt.replace("{{", "").replace("}}", "")):
        if field not in names:
            raise spec["prompt"].error(f"placeholder {{{field}}} names no param; params: {', '.join(names) or 'none'}"
                                       f" (write {{{{ and }}}} for literal braces)")
    return QuestionSpec(id=question_id, title=title, points=_positive_number(spec["points"]), prompt=prompt,
                        params=params, answer=_answer(spec["answer"], solutions, _Scope(names)),
                        location=n.location)


def _answer(n: _Node, solutions: _Solutions, scope: _Scope) -> AnswerSpec:
    """`{function: module.name, args: {...}, type: integer|shape, item: k}`."""
    spec = n.mapping(("function", "args", "type"), ("item",))
    dotted = _matching(spec["function"], re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*"),
                       "module.function of the reference solutions, such as shapes.conv_param_count")
    module, function = dotted.split(".")
    if module == MISTAKES_MODULE:
        raise spec["function"].error(f"{MISTAKES_MODULE}.py holds wrong implementations; name a reference module")
    signature = solutions.signature(spec["function"], module, spec["function"], function)
    item = None
    if "item" in spec:
        item = _int_or_ref(spec["item"], scope, minimum=1)
    return AnswerSpec(module=module, function=function, args=_args(spec["args"], signature, scope),
                      type=_one_of(spec["type"], ANSWER_TYPES), item=item)
