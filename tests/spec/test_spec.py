"""course.yaml / assignment.yaml → validated spec dataclasses, and every way a spec can be wrong."""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.spec import (AssignmentSpec, Comparison, Const, CourseSpec, DtypeRule, Generate, HiddenDetail, Limits,
                             ListOf, Location, MapOf, Ref, Reporting, SpecError, load_assignment, load_course)

REPO = Path(__file__).resolve().parents[2]
SPEC = "assignments/hw/assignment.yaml"
SMALL, RANDOM = "exercises[0] (add).cases[0] (small)", "exercises[0] (add).cases[1] (random_sum)"
ONES = "exercises[1] (scale).cases[0] (ones)"
"""Key paths of the cases of ASSIGNMENT, as errors name them."""

COURSE = """\
code: INF721
title: Deep Learning
term: "2024/2"
seed: 721
assignments: [hw]
"""

ASSIGNMENT = """\
id: hw
title: Homework
exercises:
  - id: add
    module: ops
    title: Add two numbers
    points: 10
    statement: Add them.
    cases:
      - name: small
        visible: true
        args: {a: 1, b: 2}
        expect: 3
      - name: random_sum
        count: 2
        params:
          n: {int: [1, 5]}
          m: {int: [0, $n]}
        args: {a: $n, b: $m}
  - id: scale
    module: ops
    title: Scale an array
    points: 5
    statement: Scale it.
    compare: {rtol: 0.001}
    limits: {case_seconds: 2}
    cases:
      - name: ones
        args:
          x: {normal: [2, 3], tensor: true, dtype: float64}
          factor: 2
        note: doubled
"""

OPS = """\
def add(a, b=1):
    return a + b


def scale(x, factor=2.0, **options):
    return x * factor
"""


def make_course(root: Path, assignment: str = ASSIGNMENT, course: str = COURSE, ops: str | None = OPS) -> Path:
    """A one-assignment course `hw` in `root`, with `solutions/hw/ops.py` unless `ops` is None."""
    (root / "course.yaml").write_text(course)
    (root / "assignments" / "hw").mkdir(parents=True)
    (root / "assignments" / "hw" / "assignment.yaml").write_text(assignment)
    (root / "solutions" / "hw").mkdir(parents=True)
    if ops is not None:
        (root / "solutions" / "hw" / "ops.py").write_text(ops)
    return root


def edited(old: str, new: str, text: str = ASSIGNMENT) -> str:
    assert text.count(old) >= 1, f"{old!r} is not in the text"
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of `text` holding `fragment`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not found")


def spec_error(root: Path) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_course(root)
    return info.value


def assert_error(error: SpecError, file: str, line: int | None, key: str | None, fragment: str) -> None:
    """The error names this file, line and key, and its message holds `fragment`."""
    assert (error.file, error.line, error.key) == (file, line, key), str(error)
    assert fragment in error.message, str(error)
    where = file if line is None else f"{file}:{line}"
    assert str(error) == (f"{where}: {key}: {error.message}" if key else f"{where}: {error.message}")


# ---- the happy path -------------------------------------------------------------------------------------------

def test_a_valid_course_loads(tmp_path):
    """Does a valid course load into the spec dataclasses, with the course fields and the folders?"""
    course = load_course(make_course(tmp_path))
    assert isinstance(course, CourseSpec)
    assert (course.code, course.title, course.term, course.seed) == ("INF721", "Deep Learning", "2024/2", 721)
    (assignment,) = course.assignments
    assert isinstance(assignment, AssignmentSpec)
    assert (assignment.id, assignment.title, assignment.intro) == ("hw", "Homework", "")
    assert assignment.directory == tmp_path / "assignments" / "hw"
    assert assignment.solutions == tmp_path / "solutions" / "hw"
    assert [e.id for e in assignment.exercises] == ["add", "scale"]
    assert assignment.modules == ("ops",)


def test_exercise_and_case_fields(tmp_path):
    """Are an exercise's and a case's fields read with their types and defaults?"""
    add, scale = load_course(make_course(tmp_path)).assignment().exercises
    assert (add.module, add.title, add.points, add.statement, add.forbidden) == ("ops", "Add two numbers", 10.0,
                                                                                  "Add them.", ())
    assert type(add.points) is float
    small, random_sum = add.cases
    assert (small.name, small.visible, small.weight, small.count, small.raises, small.note) == (
        "small", True, 1.0, None, None, None)
    assert small.args == (("a", Const(1)), ("b", Const(2)))
    assert small.expect == Const(3)
    assert (random_sum.visible, random_sum.count) == (False, 2)
    assert scale.cases[0].note == "doubled"


def test_built_in_defaults_apply_without_a_defaults_section(tmp_path):
    """Without `defaults`, do the dataclass defaults apply to the course and to exercises that override nothing?"""
    course = load_course(make_course(tmp_path))
    assert (course.limits, course.compare, course.reporting) == (Limits(), Comparison(), Reporting())
    assert course.assignment().exercise("add").limits == Limits()


def test_defaults_merge_key_by_key(tmp_path):
    """Do course defaults override the built-in values key by key, and an exercise's the course's?"""
    course_text = COURSE + """\
defaults:
  limits: {case_seconds: 5, memory_mb: 2048}
  compare: {atol: 0.5, dtype: exact}
  reporting: {hidden_visibility: after_published}
"""
    course = load_course(make_course(tmp_path, course=course_text))
    assert course.limits == Limits(case_seconds=5.0, exercise_seconds=60.0, memory_mb=2048, output_kb=64)
    assert course.compare == Comparison(rtol=1e-5, atol=0.5, dtype=DtypeRule.EXACT)
    assert course.reporting == Reporting(hidden_visibility="after_published")
    add, scale = course.assignment().exercises
    assert (add.limits, add.compare) == (course.limits, course.compare)
    assert scale.compare == Comparison(rtol=0.001, atol=0.5, dtype=DtypeRule.EXACT)
    assert scale.limits == Limits(case_seconds=2.0, exercise_seconds=60.0, memory_mb=2048, output_kb=64)


def test_process_limit_and_isolation(tmp_path):
    """Is the process-count limit a limit like the others (course default, exercise override), and is the
    course's `sandbox.isolation` read, `auto` by default?"""
    (tmp_path / "plain").mkdir()
    (tmp_path / "set").mkdir()
    assert load_course(make_course(tmp_path / "plain")).isolation == "auto"
    course_text = COURSE + """\
defaults:
  limits: {processes: 16}
sandbox:
  isolation: namespaces
"""
    course = load_course(make_course(tmp_path / "set", course=course_text,
                                     assignment=edited("limits: {case_seconds: 2}",
                                                       "limits: {case_seconds: 2, processes: 4}")))
    add, scale = course.assignment().exercises
    assert (course.isolation, course.limits.processes, add.limits.processes, scale.limits.processes) == \
        ("namespaces", 16, 16, 4)


def test_unknown_isolation_names_the_choices(tmp_path):
    """Does a misspelt isolation level say where and what the choices are?"""
    error = spec_error(make_course(tmp_path, course=COURSE + "sandbox:\n  isolation: strict\n"))
    assert_error(error, "course.yaml", line_of(COURSE + "sandbox:\n  isolation: strict\n", "isolation:"),
                 "sandbox.isolation", "auto, namespaces, process")


def test_params_keep_their_order_and_refs_name_them(tmp_path):
    """Are params kept in YAML order, with `$name` strings read as Refs in params and args?"""
    random_sum = load_course(make_course(tmp_path)).assignment().exercise("add").cases[1]
    (n, n_expr), (m, m_expr) = random_sum.params
    assert (n, m) == ("n", "m")
    assert n_expr == Generate("int", ListOf((Const(1), Const(5))), (), n_expr.location)
    assert m_expr.arg.items[1] == Ref("n", Location(SPEC, line_of(ASSIGNMENT, "m: {int")))
    assert [(key, expr.name) for key, expr in random_sum.args] == [("a", "n"), ("b", "m")]


def test_generators_and_their_options(tmp_path):
    """Is a generator mapping read as Generate with its options, `tensor: true` being an option of `normal`?"""
    x = dict(load_course(make_course(tmp_path)).assignment().exercise("scale").cases[0].args)["x"]
    assert isinstance(x, Generate)
    assert (x.kind, x.arg) == ("normal", ListOf((Const(2), Const(3))))
    assert x.options == (("tensor", Const(True)), ("dtype", Const("float64")))
    assert x.option("dtype") == Const("float64") and x.option("scale") is None


def test_nested_values(tmp_path):
    """Are lists, plain mappings, generators inside them and every generator kind read as expressions?"""
    case = """\
      - name: nested
        count: 1
        params:
          k: {choice: [1, 3, null]}
          pair: {tuple: [$k, 2.5]}
          grid: {tensor: [[1, 2]], dtype: int64, device: cpu}
          noise: {uniform: [$k, 2], low: -1, high: 1, tensor: true, device: $k}
          pixels: {integers: [2, 2], low: 0, high: 256, dtype: uint8}
          ratio: {float: [0, 1.5]}
          data: {array: [[1, 2], [3, 4]], dtype: float32}
        args:
          x: {items: [$k, {int: [1, 2]}], target: {correlate: {inputs: $grid, kernel: $grid}}}
"""
    text = ASSIGNMENT + case
    params = dict(load_course(make_course(tmp_path, text)).assignment().exercise("scale").cases[1].params)
    assert params["k"].arg == ListOf((Const(1), Const(3), Const(None)))
    assert params["pair"].arg.items[0].name == "k" and params["pair"].arg.items[1] == Const(2.5)
    assert params["grid"].options == (("dtype", Const("int64")), ("device", Const("cpu")))
    assert params["noise"].option("low") == Const(-1.0) and params["noise"].option("device").name == "k"
    assert params["pixels"].option("high") == Const(256)
    assert params["ratio"].arg == ListOf((Const(0.0), Const(1.5)))
    assert params["data"].kind == "array"
    x = dict(load_course(tmp_path).assignment().exercise("scale").cases[1].args)["x"]
    assert isinstance(x, MapOf) and [key for key, _ in x.items] == ["items", "target"]
    items, target = (value for _, value in x.items)
    assert isinstance(items, ListOf) and items.items[1].kind == "int"
    assert target.kind == "correlate" and [key for key, _ in target.arg.items] == ["inputs", "kernel"]


def test_explicit_null_expect_is_a_const_none(tmp_path):
    """Is `expect: null` Const(None), told apart from a case without `expect` (None)?"""
    text = edited("        expect: 3\n", "        expect: null\n")
    add = load_course(make_course(tmp_path, text)).assignment().exercise("add")
    assert add.cases[0].expect == Const(None)
    assert add.cases[1].expect is None


def test_locations_name_file_and_line(tmp_path):
    """Do exercises, cases, refs and generators carry the file and line they were written at?"""
    add = load_course(make_course(tmp_path)).assignment().exercise("add")
    assert add.location == Location(SPEC, line_of(ASSIGNMENT, "id: add"))
    assert add.cases[1].location == Location(SPEC, line_of(ASSIGNMENT, "name: random_sum"))
    (_, a), _ = add.cases[1].args
    assert a.location == Location(SPEC, line_of(ASSIGNMENT, "args: {a: $n"))
    assert add.cases[1].params[0][1].location == Location(SPEC, line_of(ASSIGNMENT, "n: {int"))
    assert str(add.location) == f"{SPEC}:4"


def test_keyword_only_and_kwargs_parameters(tmp_path):
    """Are keyword-only parameters accepted as args, and any arg accepted by a function with **kwargs?"""
    text = edited("args:\n          x:", "args:\n          anything: 1\n          x:")
    ops = OPS + "\n\ndef clip(x, *, low=0, high):\n    return x\n"
    text = text + """\
  - id: clip
    module: ops
    title: Clip
    points: 1
    statement: Clip it.
    cases:
      - name: one
        args: {x: 1, high: 2}
"""
    assignment = load_course(make_course(tmp_path, text, ops=ops)).assignment()
    assert dict(assignment.exercise("scale").cases[0].args)["anything"] == Const(1)
    assert assignment.exercise("clip").cases[0].args == (("x", Const(1)), ("high", Const(2)))


def test_load_assignment_alone(tmp_path):
    """Can one assignment.yaml be loaded on its own, over given course defaults?"""
    make_course(tmp_path)
    assignment = load_assignment(tmp_path / SPEC, limits=Limits(output_kb=8))
    assert assignment.exercise("add").limits.output_kb == 8
    assert assignment.exercise("scale").limits == Limits(case_seconds=2.0, output_kb=8)


def test_assignment_by_id(tmp_path):
    """Does `assignment()` give the only assignment, or the named one, and a clear error for an unknown id?"""
    course = load_course(make_course(tmp_path))
    assert course.assignment() is course.assignment("hw") is course.assignments[0]
    with pytest.raises(SpecError, match="no assignment 'hx' in this course; known assignments: hw"):
        course.assignment("hx")


def test_assignment_without_id_when_there_are_several(tmp_path):
    """Does `assignment()` without an id say that the course has several, naming them?"""
    course = load_course(make_course(tmp_path))
    twice = CourseSpec(**{**course.__dict__, "assignments": (course.assignments[0],) * 2})
    with pytest.raises(SpecError, match=r"the course has 2 assignments \(hw, hw\); name one"):
        twice.assignment()


def test_the_real_course_loads():
    """Does the course of this repository (course.yaml and its assignments) load?"""
    course = load_course(REPO)
    assert course.assignments
    for assignment in course.assignments:
        assert assignment.exercises and all(exercise.cases for exercise in assignment.exercises)


# ---- missing files and YAML syntax ----------------------------------------------------------------------------

def test_missing_course_yaml(tmp_path):
    """Is a missing course.yaml reported by name?"""
    assert_error(spec_error(tmp_path), "course.yaml", None, None, f"file not found (looked in {tmp_path})")


def test_missing_assignment_yaml(tmp_path):
    """Is an assignment folder without assignment.yaml reported with the file's path?"""
    (make_course(tmp_path) / SPEC).unlink()
    assert_error(spec_error(tmp_path), SPEC, None, None, "file not found")


def test_listed_assignment_without_folder(tmp_path):
    """Is an assignment listed in course.yaml whose folder is missing reported at its line in the list?"""
    course = COURSE.replace("assignments: [hw]", "assignments:\n  - hw\n  - hw2")
    error = spec_error(make_course(tmp_path, course=course))
    assert_error(error, "course.yaml", line_of(course, "- hw2"), "assignments[1]",
                 "no folder assignments/hw2/ for this assignment; create it")


def test_missing_solutions_folder(tmp_path):
    """Is a missing solutions/<id>/ folder reported by path?"""
    (make_course(tmp_path, ops=None) / "solutions" / "hw").rmdir()
    assert_error(spec_error(tmp_path), "solutions/hw", None, None, "folder not found")


def test_missing_solution_module(tmp_path):
    """Is an exercise whose module file is missing from the solutions reported at its `module` line?"""
    error = spec_error(make_course(tmp_path, ops=None))
    assert_error(error, SPEC, line_of(ASSIGNMENT, "module: ops"), "exercises[0] (add).module",
                 "no file solutions/hw/ops.py")


def test_solution_with_a_syntax_error(tmp_path):
    """Is a syntax error in a solution module reported at that file's line, without importing it?"""
    error = spec_error(make_course(tmp_path, ops=OPS + "\ndef broken(:\n    pass\n"))
    assert_error(error, "solutions/hw/ops.py", line_of(OPS + "\ndef broken(:", "def broken"), None, "syntax error")


@pytest.mark.parametrize("text", ["a: [1\n", "a: 1\n\tb: 2\n", "a: 1\nb: {x\n", "a: &x 1\nb: *y\n", "- 1\n a: 2\n"],
                         ids=["unclosed", "tab", "unclosed mapping", "unknown alias", "bad indent"])
def test_yaml_is_read_and_refused_alike_with_and_without_libyaml(tmp_path, monkeypatch, text):
    """The spec is parsed by libyaml where PyYAML has it (fast), else by PyYAML: does a broken file say the same
    error at the same line either way, and a good file give the same tree?"""
    import yaml

    from autograder.spec import nodes

    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "good.yaml").write_text("a: 1\nb: [x, 'y', 2.5]\nc: {d: null}\n", encoding="utf-8")
    with pytest.raises(SpecError) as fast:
        nodes.read_yaml(tmp_path / "x.yaml", tmp_path)
    good = nodes.read_yaml(tmp_path / "good.yaml", tmp_path)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    with pytest.raises(SpecError) as plain:
        nodes.read_yaml(tmp_path / "x.yaml", tmp_path)
    assert (fast.value.line, fast.value.message) == (plain.value.line, plain.value.message)
    again = nodes.read_yaml(tmp_path / "good.yaml", tmp_path)
    assert yaml.serialize(good.node) == yaml.serialize(again.node)


def test_yaml_syntax_error(tmp_path):
    """Is a YAML syntax error reported with the file, the parser's line and its message?"""
    text = edited("    points: 10\n", "    points: [10\n")
    error = spec_error(make_course(tmp_path, text))
    assert error.file == SPEC and error.key is None
    assert error.line is not None and error.line >= line_of(text, "points: [10")
    assert error.message.startswith("YAML syntax error: ")


def test_top_level_not_a_mapping(tmp_path):
    """Is a top level that is not a mapping reported?"""
    error = spec_error(make_course(tmp_path, course="- code: INF721\n"))
    assert_error(error, "course.yaml", 1, None, "expected a mapping of `key: value` lines at the top level, got a list")


def test_empty_file(tmp_path):
    """Is an empty assignment.yaml reported as empty?"""
    assert_error(spec_error(make_course(tmp_path, "# nothing yet\n")), SPEC, 1, None, "the file is empty")


# ---- keys -----------------------------------------------------------------------------------------------------

def test_missing_required_key(tmp_path):
    """Is a missing required key reported at the line of the mapping that lacks it?"""
    text = edited("    points: 10\n", "")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "id: add"), "exercises[0] (add)", "missing required key 'points'")


def test_missing_required_key_at_top_level(tmp_path):
    """Is a missing top-level key reported without a key path?"""
    course = COURSE.replace("seed: 721\n", "")
    assert_error(spec_error(make_course(tmp_path, course=course)), "course.yaml", 1, None,
                 "missing required key 'seed'")


def test_unknown_key_with_a_suggestion(tmp_path):
    """Is an unknown key reported with its line and a suggestion?"""
    text = edited("    points: 10\n", "    point: 10\n")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "point: 10"), "exercises[0] (add)",
                 "unknown key 'point'; did you mean 'points'?")


def test_unknown_key_without_a_close_match(tmp_path):
    """Does an unknown key that resembles nothing list the keys that are allowed?"""
    course = COURSE + "defaults:\n  xyz: 1\n"
    error = spec_error(make_course(tmp_path, course=course))
    assert_error(error, "course.yaml", line_of(course, "xyz"), "defaults",
                 "unknown key 'xyz'; expected one of: limits, compare, reporting")


def test_duplicate_key(tmp_path):
    """Is a key written twice in one mapping reported (PyYAML would silently keep the last)?"""
    text = edited("    points: 10\n", "    points: 10\n    points: 12\n")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "points: 12"), "exercises[0] (add)",
                 f"duplicate key 'points' (first at line {line_of(text, 'points: 10')})")


def test_non_string_key(tmp_path):
    """Is a mapping key that is not a string (here in an args mapping) reported?"""
    text = edited("args: {a: 1, b: 2}", "args: {a: 1, 2: b}")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "2: b"), "exercises[0] (add).cases[0] (small).args",
                 "keys must be strings, got an integer (2)")


# ---- types and values -----------------------------------------------------------------------------------------

BAD_VALUES = [
    # (old, new, fragment of the offending line, key, message fragment)
    ("points: 10", "points: ten", "points: ten", "exercises[0] (add).points", "expected a number, got 'ten'"),
    ("points: 10", "points: true", "points: true", "exercises[0] (add).points",
     "expected a number, got a boolean (true)"),
    ("points: 10", "points: 0", "points: 0", "exercises[0] (add).points", "expected a number > 0, got 0"),
    ("points: 10", "points: -2.5", "points: -2.5", "exercises[0] (add).points", "expected a number > 0, got -2.5"),
    ("visible: true", "weight: 0", "weight: 0", f"{SMALL}.weight",
     "expected a number > 0, got 0"),
    ("visible: true", "visible: maybe", "visible: maybe", f"{SMALL}.visible",
     "expected true or false, got 'maybe'"),
    ("count: 2", "count: 0", "count: 0", f"{RANDOM}.count",
     "expected an integer >= 1, got 0"),
    ("count: 2", "count: 2.0", "count: 2.0", f"{RANDOM}.count",
     "expected an integer, got a float (2.0)"),
    ("name: small", "name: Small-1", "name: Small-1", "exercises[0] (add).cases[0] (Small-1).name",
     "expected a case name of lower-case letters, digits and _, got 'Small-1'"),
    ("id: add", "id: 2add", "id: 2add", "exercises[0] (2add).id",
     "an exercise id must be a Python identifier"),
    ("module: ops", "module: my-ops", "module: my-ops", "exercises[0] (add).module",
     "a module name must be a Python identifier"),
    ("title: Add two numbers", "title: 42", "title: 42", "exercises[0] (add).title",
     "expected a string, got an integer (42); quote it"),
    ("compare: {rtol: 0.001}", "compare: {dtype: exactly}", "compare:", "exercises[1] (scale).compare.dtype",
     "expected one of exact, kind, any, got 'exactly'; did you mean 'exact'?"),
    ("compare: {rtol: 0.001}", "compare: {rtol: -0.1}", "compare:", "exercises[1] (scale).compare.rtol",
     "expected a number >= 0, got -0.1"),
    ("compare: {rtol: 0.001}", "compare: {atol: 1e-5}", "compare:", "exercises[1] (scale).compare.atol",
     "expected a number, got '1e-5' (YAML reads it as text: write a dot and a signed exponent"),
    ("limits: {case_seconds: 2}", "limits: {case_seconds: 0}", "limits:", "exercises[1] (scale).limits.case_seconds",
     "expected a number > 0, got 0"),
    ("limits: {case_seconds: 2}", "limits: {memory_mb: 1.5}", "limits:", "exercises[1] (scale).limits.memory_mb",
     "expected an integer, got a float (1.5)"),
    ("limits: {case_seconds: 2}", "limits: 2", "limits: 2", "exercises[1] (scale).limits",
     "expected a mapping, got an integer (2)"),
    ("expect: 3", "raises: SyntaxError", "raises:", f"{SMALL}.raises",
     "expected one of ValueError, TypeError, IndexError, KeyError, RuntimeError, ZeroDivisionError, got 'SyntaxError'"),
    ("expect: 3", "expect: 3\n        raises: ValueError", "raises:", f"{SMALL}.raises",
     "either a value (`expect`) or an exception (`raises`), not both"),
    ("        params:\n          n: {int: [1, 5]}\n          m: {int: [0, $n]}\n        args: {a: $n, b: $m}",
     "        args: {a: 1}", "count: 2", f"{RANDOM}.count",
     "a random case (with `count`) draws its `params`"),
    ("        count: 2\n", "", "params:", f"{RANDOM}.params",
     "add `count: N`"),
    ("    cases:\n      - name: ones", "    forbidden: [torch..conv2d]\n    cases:\n      - name: ones", "forbidden",
     "exercises[1] (scale).forbidden[0]", "expected a dotted API name"),
    ("    cases:\n      - name: ones", "    cases: []\n    old_cases:\n      - name: ones", "cases: []",
     "exercises[1] (scale).cases", "expected a list of at least 1 item(s), got 0"),
]


@pytest.mark.parametrize("old, new, fragment, key, message", BAD_VALUES, ids=[row[1][:30] for row in BAD_VALUES])
def test_bad_value(tmp_path, old, new, fragment, key, message):
    """Is a value of the wrong type or out of range reported at its line and key, saying what was expected?"""
    text = edited(old, new)
    if "old_cases" in text:  # the unknown key would be reported later; drop it to see the empty list
        text = text[:text.index("    old_cases:")]
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, fragment), key, message)


@pytest.mark.parametrize("visibility", ["visible", "hidden", "after_due_date", "after_published"])
def test_hidden_visibility_values(tmp_path, visibility):
    """Is each Gradescope visibility accepted?"""
    course = COURSE + f"defaults:\n  reporting:\n    hidden_visibility: {visibility}\n"
    assert load_course(make_course(tmp_path, course=course)).reporting.hidden_visibility == visibility


def test_bad_hidden_visibility(tmp_path):
    """Is an unknown hidden_visibility reported with the allowed values?"""
    course = COURSE + "defaults:\n  reporting:\n    hidden_visibility: secret\n"
    error = spec_error(make_course(tmp_path, course=course))
    assert_error(error, "course.yaml", line_of(course, "secret"), "defaults.reporting.hidden_visibility",
                 "expected one of visible, hidden, after_due_date, after_published, got 'secret'")


def test_seed_must_be_an_integer(tmp_path):
    """Is a non-integer seed reported on course.yaml's line?"""
    course = COURSE.replace("seed: 721", "seed: 7.21")
    assert_error(spec_error(make_course(tmp_path, course=course)), "course.yaml", 4, "seed",
                 "expected an integer, got a float (7.21)")


def test_duplicate_exercise_id(tmp_path):
    """Is an exercise id used twice reported at the second one?"""
    text = edited("  - id: scale", "  - id: add")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "Scale an array") - 2, "exercises[1] (add).id",
                 f"duplicate exercise id 'add' (first at line {line_of(text, 'id: add')})")


def test_duplicate_case_name(tmp_path):
    """Is a case name used twice in one exercise reported at the second one?"""
    text = edited("name: random_sum", "name: small")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "count: 2") - 1, "exercises[0] (add).cases[1] (small).name",
                 "duplicate case name 'small'")


def test_assignment_id_must_match_its_folder(tmp_path):
    """Is an assignment whose id differs from its folder's name reported?"""
    text = edited("id: hw", "id: homework")
    assert_error(spec_error(make_course(tmp_path, text)), SPEC, 1, "id",
                 "the id 'homework' differs from the folder name 'hw'")


def test_duplicate_assignment_in_course(tmp_path):
    """Is an assignment listed twice in course.yaml reported?"""
    course = COURSE.replace("[hw]", "[hw, hw]")
    assert_error(spec_error(make_course(tmp_path, course=course)), "course.yaml", 5, "assignments[1]",
                 "duplicate assignment id 'hw'")


# ---- the reference solutions ----------------------------------------------------------------------------------

def test_function_missing_from_solutions(tmp_path):
    """Is an exercise whose function the solution module does not define reported at its id, with a suggestion?"""
    error = spec_error(make_course(tmp_path, ops=OPS.replace("def add(", "def addd(")))
    assert_error(error, SPEC, line_of(ASSIGNMENT, "id: add"), "exercises[0] (add).id",
                 "solutions/hw/ops.py defines no top-level function 'add' (did you mean 'addd'?)")


def test_nested_function_does_not_count(tmp_path):
    """Is a function defined only inside another one (not at the top level) reported as missing?"""
    ops = OPS.replace("def add(a, b=1):\n    return a + b", "def outer():\n    def add(a, b=1):\n        pass")
    error = spec_error(make_course(tmp_path, ops=ops))
    assert error.key == "exercises[0] (add).id" and "no top-level function 'add'" in error.message


def test_arg_that_is_not_a_parameter(tmp_path):
    """Is an arg that the reference function has no parameter for reported with a suggestion?"""
    text = edited("args: {a: 1, b: 2}", "args:\n          a: 1\n          bb: 2")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "bb: 2"), f"{SMALL}.args",
                 "unknown argument 'bb': not a parameter of add(a, b) in solutions/hw/ops.py; did you mean 'b'?")


def test_required_parameter_not_given(tmp_path):
    """Is a case that omits a parameter without a default reported at its args?"""
    text = edited("args: {a: 1, b: 2}", "args: {b: 2}")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "args: {b: 2}"), f"{SMALL}.args",
                 "missing argument 'a' of add(a, b) in solutions/hw/ops.py")


# ---- value expressions ----------------------------------------------------------------------------------------

BAD_EXPRESSIONS = [
    # (old, new, fragment of the offending line, key, message fragment)
    ("args: {a: $n, b: $m}", "args: {a: $n, b: $q}", "args: {a: $n", f"{RANDOM}.args.b",
     "unknown param '$q'; defined params: n, m"),
    ("m: {int: [0, $n]}", "m: {int: [0, $k]}", "m: {int", f"{RANDOM}.params.m.int[1]",
     "unknown param '$k'; defined params: n"),
    ("n: {int: [1, 5]}", "n: {int: [1, $m]}", "n: {int", f"{RANDOM}.params.n.int[1]",
     "param '$m' is used before it is drawn; params are drawn in order, so define 'm' above this one"),
    ("expect: 3", "expect: $x", "expect: $x", f"{SMALL}.expect",
     "unknown param '$x'; defined params: none"),
    ("n: {int: [1, 5]}", "n: {int: [1, 5], choice: [1]}", "n: {int", f"{RANDOM}.params.n",
     "a mapping with two generator keys, 'int' and 'choice'"),
    ("n: {int: [1, 5]}", "n: {int: [1, 5, 9]}", "n: {int", f"{RANDOM}.params.n.int",
     "expected a list of two values [low, high], got 3"),
    ("n: {int: [1, 5]}", "n: {int: [1, 2.5]}", "n: {int", f"{RANDOM}.params.n.int[1]",
     "expected an integer, got a float (2.5)"),
    ("n: {int: [1, 5]}", "n: {int: [5, 1]}", "n: {int", f"{RANDOM}.params.n.int",
     "low 5 is above high 1"),
    ("n: {int: [1, 5]}", "n: {int: [1, 5], dtype: int8}", "n: {int", f"{RANDOM}.params.n",
     "generator 'int' takes no options, got 'dtype'"),
    ("n: {int: [1, 5]}", "n: {choice: []}", "n: {choice", f"{RANDOM}.params.n.choice",
     "expected a list of at least 1 item(s), got 0"),
    ("n: {int: [1, 5]}", "n: {correlate: {inputs: 1}}", "n: {correlate",
     f"{RANDOM}.params.n.correlate", "missing required key 'kernel'"),
    ("[2, 3], tensor: true", "[2, 3], tensr: true", "x: {normal", f"{ONES}.args.x",
     "unknown option 'tensr' of generator 'normal'; did you mean 'tensor'?"),
    ("dtype: float64}", "dtype: double}", "x: {normal", f"{ONES}.args.x.dtype",
     "expected one of float16, float32, float64"),
    ("dtype: float64}", "device: 0}", "x: {normal", f"{ONES}.args.x.device",
     "expected a string, got an integer (0)"),
    ("normal: [2, 3]", "normal: [2, x]", "x: {normal", f"{ONES}.args.x.normal[1]",
     "expected an integer, got 'x'"),
    ("normal: [2, 3]", "normal: [2, -3]", "x: {normal", f"{ONES}.args.x.normal[1]",
     "expected an integer >= 0, got -3"),
    ("factor: 2", "factor: 2024-01-01", "factor:", f"{ONES}.args.factor",
     "got a date (2024-01-01); quote it"),
]


@pytest.mark.parametrize("old, new, fragment, key, message", BAD_EXPRESSIONS,
                         ids=[row[1][:30] for row in BAD_EXPRESSIONS])
def test_bad_expression(tmp_path, old, new, fragment, key, message):
    """Is a bad `$param` or generator in params, args or expect reported at its line and key?"""
    text = edited(old, new)
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, fragment), key, message)


def test_param_names_must_be_identifiers(tmp_path):
    """Is a param whose name is not an identifier reported at its key?"""
    text = edited("          m: {int: [0, $n]}", "          m-2: {int: [0, $n]}").replace("b: $m", "b: 1")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "m-2"), f"{RANDOM}.params",
                 "param name 'm-2' must be a Python identifier")


def test_a_spec_error_never_escapes_as_another_exception(tmp_path):
    """Do odd YAML forms (tags, merge keys, nested documents) give SpecError rather than another exception?"""
    for text in (edited("points: 10", "points: !!binary aGk="), edited("points: 10", "<<: {points: 10}"),
                 edited("points: 10", "points: !custom 10"), ASSIGNMENT + "---\nid: again\n",
                 edited("args: {a: 1, b: 2}", "args: !!set {a, b}")):
        root = tmp_path / str(abs(hash(text)))
        root.mkdir()
        error = spec_error(make_course(root, text))
        assert error.file == SPEC and error.line is not None, str(error)


# ---- known mistakes and hidden-case detail ----------------------------------------------------------------------

WRONG = """\
def add_twice(a, b=1):
    return a + 2 * b


def add_positional(a):
    return a


def add_more(a, b, c):
    return a + b + c
"""
ADD_CASES = "    cases:\n      - name: small"


def with_mistakes(root: Path, mistakes: str, wrong: str | None = WRONG) -> Path:
    """The course with `mistakes` (YAML lines at exercise level) on `add`, and solutions/hw/mistakes.py."""
    make_course(root, edited(ADD_CASES, mistakes + ADD_CASES))
    if wrong is not None:
        (root / "solutions" / "hw" / "mistakes.py").write_text(wrong)
    return root


def test_mistakes_load_in_order(tmp_path):
    """Are an exercise's mistakes read in order, with their message on one line and their location?"""
    root = with_mistakes(tmp_path, "    mistakes:\n      - {id: twice, function: add_twice, message: \"b added\n"
                                   "          twice\"}\n      - {id: again, function: add_twice, message: m}\n")
    exercise = load_course(root).assignment().exercise("add")
    assert [(m.id, m.function, m.message) for m in exercise.mistakes] == [("twice", "add_twice", "b added twice"),
                                                                          ("again", "add_twice", "m")]
    assert exercise.mistakes[0].location == Location(SPEC, line_of(edited(ADD_CASES, "    mistakes:\n" + ADD_CASES),
                                                                   "mistakes:") + 1)
    assert load_course(root).assignment().exercise("scale").mistakes == ()


MISTAKES_AT = "exercises[0] (add).mistakes[0] (twice)"
BAD_MISTAKES = [
    ("{id: twice, function: add_thrice, message: m}", "function", "defines no top-level function 'add_thrice' "
                                                                  "(did you mean 'add_twice'?)"),
    ("{id: twice, function: add_positional, message: m}", "function", "does not take 'b'"),
    ("{id: twice, function: add_more, message: m}", "function", "requires 'c', which the reference does not take"),
    ("{id: twice, function: add_twice, message: \"  \"}", "message", "the message is empty"),
    ("{id: twice, function: add_twice, message: m, hint: h}", None, "unknown key 'hint'"),
    ("{id: twice, function: add_twice}", None, "missing required key 'message'"),
    ("{id: Twice, function: add_twice, message: m}", "id", "a mistake id of lower-case letters"),
    ("{id: twice, function: 2, message: m}", "function", "expected a string"),
]


@pytest.mark.parametrize("item, key, message", BAD_MISTAKES, ids=[row[2][:25] for row in BAD_MISTAKES])
def test_bad_mistake(tmp_path, item, key, message):
    """Is a bad known mistake reported at its file, line and key?"""
    root = with_mistakes(tmp_path, f"    mistakes:\n      - {item}\n")
    at = MISTAKES_AT.replace("(twice)", "(Twice)") if "Twice" in item else MISTAKES_AT
    error = spec_error(root)
    assert_error(error, SPEC, line_of(edited(ADD_CASES, "    mistakes:\n      - x\n" + ADD_CASES), "- x"),
                 f"{at}.{key}" if key else at, message)


def test_duplicate_mistake_ids(tmp_path):
    """Are two mistakes with one id in one exercise refused at the second?"""
    root = with_mistakes(tmp_path, "    mistakes:\n      - {id: twice, function: add_twice, message: m}\n"
                                   "      - {id: twice, function: add_twice, message: n}\n")
    error = spec_error(root)
    assert error.key == "exercises[0] (add).mistakes[1] (twice).id" and "duplicate mistake id 'twice'" in error.message


def test_mistakes_without_their_module(tmp_path):
    """Is a mistake without solutions/<id>/mistakes.py reported, naming the file?"""
    error = spec_error(with_mistakes(tmp_path, "    mistakes:\n      - {id: twice, function: add_twice, message: m}\n",
                                     wrong=None))
    assert "no file solutions/hw/mistakes.py" in error.message and error.key.endswith("(twice).function")


def test_the_mistakes_module_name_is_reserved(tmp_path):
    """Is an exercise in a module named `mistakes` refused (the name belongs to the known mistakes)?"""
    error = spec_error(make_course(tmp_path, edited("    module: ops\n    title: Add", "    module: mistakes\n"
                                                                                     "    title: Add")))
    assert error.key == "exercises[0] (add).module" and "reserved" in error.message


def test_hidden_detail_defaults_and_overrides(tmp_path):
    """Does `hidden_detail` default to message, take the course default, and yield to an exercise's own?"""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert {e.hidden_detail for e in load_course(make_course(tmp_path / "a")).assignment().exercises} == \
        {HiddenDetail.MESSAGE}
    course = COURSE + "defaults:\n  reporting: {hidden_detail: summary}\n"
    text = edited("    compare: {rtol: 0.001}", "    hidden_detail: none\n    compare: {rtol: 0.001}")
    loaded = load_course(make_course(tmp_path / "b", text, course))
    assert loaded.reporting.hidden_detail is HiddenDetail.SUMMARY
    assert [e.hidden_detail for e in loaded.assignment().exercises] == [HiddenDetail.SUMMARY, HiddenDetail.NONE]


def test_bad_hidden_detail(tmp_path):
    """Is an unknown level refused at its line, with a suggestion?"""
    text = edited("    compare: {rtol: 0.001}", "    hidden_detail: summry\n    compare: {rtol: 0.001}")
    error = spec_error(make_course(tmp_path, text))
    assert_error(error, SPEC, line_of(text, "summry"), "exercises[1] (scale).hidden_detail",
                 "expected one of none, message, summary, got 'summry'; did you mean 'summary'?")


# ---- devices, speed cases and the GPU policy --------------------------------------------------------------------

SCALE_CASES = "    cases:\n      - name: ones\n"


def test_devices_speed_and_gpu_policy_load(tmp_path):
    """Are `devices`, a case's `speed` and course.yaml's `gpu.cuda_unavailable` and `sandbox.warm_pool` read,
    with their defaults where absent?"""
    text = edited(SCALE_CASES, "    devices: [cpu, cuda]\n" + SCALE_CASES)
    text = edited("        note: doubled\n", "        note: doubled\n        speed: {baseline: numpy.multiply, "
                                            "args: [x, factor], max_ratio: 4}\n", text)
    course = load_course(make_course(tmp_path, text, COURSE + "gpu: {cuda_unavailable: drop}\n"
                                                              "sandbox: {warm_pool: false}\n"))
    scale = course.assignment().exercise("scale")
    assert scale.devices == ("cpu", "cuda")
    assert (scale.cases[0].speed.baseline, scale.cases[0].speed.args, scale.cases[0].speed.max_ratio,
            scale.cases[0].speed.repeats, scale.cases[0].speed.hint) == ("numpy.multiply", ("x", "factor"), 4.0, 5, "")
    assert (course.cuda_unavailable, course.warm_pool) == ("drop", False)
    (tmp_path / "plain").mkdir()
    defaults = load_course(make_course(tmp_path / "plain"))
    assert (defaults.cuda_unavailable, defaults.warm_pool) == ("cpu", True)
    assert defaults.assignment().exercise("scale").devices == ()


BAD_DEVICES = [
    ("    devices: [gpu]\n", "exercises[1] (scale).devices[0]", "expected one of"),
    ("    devices: [cpu, cpu]\n", "exercises[1] (scale).devices", "listed twice"),
    ("    devices: [auto, cuda]\n", "exercises[1] (scale).devices", "list it alone"),
]


@pytest.mark.parametrize("line, key, message", BAD_DEVICES, ids=[row[2] for row in BAD_DEVICES])
def test_bad_devices(tmp_path, line, key, message):
    """Is an unknown, repeated or contradictory device refused at its key?"""
    error = spec_error(make_course(tmp_path, edited(SCALE_CASES, line + SCALE_CASES)))
    assert error.key == key and message in error.message, str(error)


BAD_SPEED = [
    ("{baseline: numpy.multiply, args: [x, y], max_ratio: 4}", "args[1]", "expected one of"),
    ("{baseline: 'numpy multiply', args: [x], max_ratio: 4}", "baseline", "a dotted function name"),
    ("{baseline: numpy.multiply, args: [x], max_ratio: 0}", "max_ratio", ""),
    ("{baseline: numpy.multiply, args: [x]}", None, "missing required key 'max_ratio'"),
    ("{baseline: numpy.multiply, args: [x], max_ratio: 4, hint: [vectorise]}", "hint", "expected a string"),
]


@pytest.mark.parametrize("speed, key, message", BAD_SPEED, ids=[row[1] or row[2] for row in BAD_SPEED])
def test_bad_speed_case(tmp_path, speed, key, message):
    """Is a speed case naming an argument the case does not give, a bad baseline or ratio refused at its key?"""
    text = edited("        note: doubled\n", f"        note: doubled\n        speed: {speed}\n")
    error = spec_error(make_course(tmp_path, text))
    at = f"{ONES}.speed"
    assert error.key == (f"{at}.{key}" if key else at) and message in error.message, str(error)


def test_a_speed_cases_hint_is_the_exercises_own_advice(tmp_path):
    """Is a speed case's `hint:` read as one line (the advice a right but slow answer reads)?"""
    text = edited("        note: doubled\n", "        note: doubled\n        speed: {baseline: numpy.multiply, "
                                            "args: [x], max_ratio: 4,\n                hint: \"multiply the whole "
                                            "array\n                at once\"}\n")
    speed = load_course(make_course(tmp_path, text)).assignment().exercise("scale").cases[0].speed
    assert speed.hint == "multiply the whole array at once"


def test_a_speed_case_cannot_expect_an_exception(tmp_path):
    """Is `speed` on a case that `raises` refused (there is no result to time)?"""
    text = edited("        note: doubled\n", "        raises: ValueError\n        speed: {baseline: numpy.multiply, "
                                            "args: [x], max_ratio: 4}\n")
    error = spec_error(make_course(tmp_path, text))
    assert error.key == f"{ONES}.speed" and "times a call that returns" in error.message


def test_bad_gpu_policy(tmp_path):
    """Is an unknown `gpu.cuda_unavailable` refused, naming the choices?"""
    error = spec_error(make_course(tmp_path, course=COURSE + "gpu: {cuda_unavailable: ignore}\n"))
    assert error.key == "gpu.cuda_unavailable" and "cpu" in error.message and "drop" in error.message


def test_the_disk_quota_is_read_and_bounded(tmp_path):
    """Is `sandbox.disk_mb` read (256 MB by default), and a quota outside 16..65536 MB refused with file, line and
    key?"""
    for name in ("plain", "set", "small"):
        (tmp_path / name).mkdir()
    assert load_course(make_course(tmp_path / "plain")).disk_mb == 256
    text = COURSE + "sandbox:\n  disk_mb: 512\n"
    assert load_course(make_course(tmp_path / "set", course=text)).disk_mb == 512
    text = COURSE + "sandbox:\n  disk_mb: 4\n"
    error = spec_error(make_course(tmp_path / "small", course=text))
    assert_error(error, "course.yaml", line_of(text, "disk_mb:"), "sandbox.disk_mb", "between 16 and 65536")
