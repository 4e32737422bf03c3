"""assignments/<id>/assignment.yaml: the exercises, their cases and known mistakes."""
from __future__ import annotations

import re
from pathlib import Path

from autograder.spec.model import (CaseSpec, Comparison, ExerciseSpec, HiddenDetail, Limits, MistakeSpec,
                                   SpecError, SpeedSpec, AssignmentSpec)
from autograder.spec.nodes import (DOTTED, Node, display, identifier, labelled_by, matching, one_of, optional,
                                   positive_int, positive_number, read_yaml, unique)
from autograder.spec.distinguish import read_distinguish
from autograder.spec.late import late_rule, optional_late
from autograder.spec.questions import read_questions
from autograder.spec.settings import COMPARE_READERS, LIMIT_READERS, override, read_hidden_detail
from autograder.spec.solutions import MISTAKES_MODULE, Signature, Solutions
from autograder.spec.values import Scope, read_args, read_expr, read_params


DEVICES = ("cpu", "cuda", "auto")

RAISABLE = ("ValueError", "TypeError", "IndexError", "KeyError", "RuntimeError", "ZeroDivisionError")
"""The exceptions a case may expect with `raises`."""

_EXERCISE_KEYS = ("id", "module", "title", "points", "statement", "cases")

_EXERCISE_OPTIONAL = ("compare", "limits", "forbidden", "mistakes", "hidden_detail", "devices", "value_hint")


def load_assignment(path: Path, root: Path | None = None, limits: Limits = Limits(),
                    compare: Comparison = Comparison(),
                    hidden_detail: HiddenDetail = HiddenDetail.MESSAGE, late: dict | None = None) -> AssignmentSpec:
    """Read and validate one `assignments/<id>/assignment.yaml` over the course's `limits`, `compare` and
    `hidden_detail` defaults.

    `late` is course.yaml's `late:` entries (spec/late.py), which the assignment's own `late:` overrides key by key.
    `root` is the course folder (by default three levels above `path`): it holds `solutions/<id>/`, and error
    messages name files relative to it.
    """
    path = Path(path)
    root = path.parents[2] if root is None else Path(root)
    spec = read_yaml(path, root).mapping(("id", "title", "exercises"), ("intro", "questions", "late"))
    assignment_id = spec["id"].string()
    if assignment_id != path.parent.name:
        raise spec["id"].error(f"the id {assignment_id!r} differs from the folder name {path.parent.name!r}; "
                               f"they must be equal")
    title, intro = spec["title"].string(), optional(spec, "intro", Node.string, "")
    solutions = Solutions(root / "solutions" / assignment_id, root)
    if not solutions.folder.is_dir():
        raise SpecError(display(solutions.folder, root), None, None,
                        f"folder not found: the reference solutions of assignment {assignment_id!r} go there")
    seen: dict[str, int] = {}
    exercises = tuple(_exercise(item, solutions, limits, compare, seen, hidden_detail)
                      for item in spec["exercises"].items(minimum=1))
    questions = optional(spec, "questions", lambda q: read_questions(q, solutions, exercises), ())
    return AssignmentSpec(id=assignment_id, title=title, intro=intro, exercises=exercises,
                          directory=path.parent, solutions=solutions.folder, questions=questions,
                          late=late_rule(late or {}, optional_late(spec)))


def _exercise(n: Node, solutions: Solutions, limits: Limits, compare: Comparison,
              seen: dict[str, int], hidden_detail: HiddenDetail = HiddenDetail.MESSAGE) -> ExerciseSpec:
    n = labelled_by(n, "id")
    spec = n.mapping(_EXERCISE_KEYS, _EXERCISE_OPTIONAL)
    exercise_id = identifier(spec["id"], "an exercise id")
    unique(spec["id"], exercise_id, seen, "exercise id")
    module = identifier(spec["module"], "a module name")
    if module == MISTAKES_MODULE:
        raise spec["module"].error(f"the module name {MISTAKES_MODULE!r} is reserved for the known mistakes "
                                   f"(solutions/<assignment>/{MISTAKES_MODULE}.py); rename the module")
    title = spec["title"].string()
    if "\n" in title.strip():
        raise spec["title"].error("a title is one line; put longer text in `statement`")
    points = positive_number(spec["points"])
    statement = spec["statement"].string()
    compare = override(spec.get("compare"), compare, COMPARE_READERS)
    limits = override(spec.get("limits"), limits, LIMIT_READERS)
    dotted = "a dotted API name such as numpy.linalg.inv"
    forbidden = optional(spec, "forbidden", lambda f: tuple(matching(item, DOTTED, dotted) for item in f.items()), ())
    signature = solutions.signature(spec["module"], module, spec["id"], exercise_id)
    names: dict[str, int] = {}
    mistakes = optional(spec, "mistakes", lambda m: _mistakes(m, solutions, signature), ())
    cases = tuple(_case(item, signature, names, solutions, mistakes) for item in spec["cases"].items(minimum=1))
    _carried_points(spec["cases"], cases, points)
    return ExerciseSpec(id=exercise_id, module=module, title=title, points=points, statement=statement,
                        compare=compare, limits=limits, forbidden=forbidden, cases=cases, location=n.location,
                        mistakes=mistakes,
                        hidden_detail=optional(spec, "hidden_detail", read_hidden_detail, hidden_detail),
                        devices=optional(spec, "devices", _devices, ()),
                        value_hint=" ".join(optional(spec, "value_hint", Node.string, "").split()),
                        solutions=solutions.folder)


def _carried_points(n: Node, cases: tuple[CaseSpec, ...], points: float) -> None:
    """The cases' own `points` fit in the exercise's: at most its points, and less where other cases share the
    rest by weight (each of those would otherwise be worth nothing)."""
    carried = [c for c in cases if c.points is not None]
    total = sum(c.points for c in carried)
    if not carried or (total < points - 1e-9):
        return
    listed = ", ".join(f"{c.name}: {c.points:g}" for c in carried)
    others = len(cases) - len(carried)
    if total > points + 1e-9:
        raise n.error(f"the cases' own `points` add up to {total:g} ({listed}), more than the exercise's {points:g}; "
                      f"lower them or raise the exercise's `points`")
    if others:
        raise n.error(f"the cases' own `points` take all {points:g} points of the exercise ({listed}), so the "
                      f"{others} other case(s) would be worth nothing; lower them or give every case `points`")


def _devices(n: Node) -> tuple[str, ...]:
    """[cpu, cuda] (every case on both), [auto] (CUDA where present, else the CPU), [cpu] or [cuda]."""
    devices = tuple(one_of(item, DEVICES) for item in n.items(minimum=1))
    if len(set(devices)) != len(devices):
        raise n.error(f"a device is listed twice in {list(devices)}")
    if "auto" in devices and len(devices) > 1:
        raise n.error("`auto` picks one device by itself; list it alone ([auto]) or name the devices ([cpu, cuda])")
    return devices


_MISTAKE_ID = re.compile(r"[a-z0-9_]+")


def _mistakes(n: Node, solutions: Solutions, signature: Signature) -> tuple[MistakeSpec, ...]:
    seen: dict[str, int] = {}
    return tuple(_mistake(item, solutions, signature, seen) for item in n.items(minimum=1))


def _mistake(n: Node, solutions: Solutions, signature: Signature, seen: dict[str, int]) -> MistakeSpec:
    """One `{id, function, message}`: the function exists in the mistakes module and takes the exercise's
    keyword arguments (it is called with the same ones as the reference)."""
    n = labelled_by(n, "id")
    spec = n.mapping(("id", "function", "message"))
    mistake_id = matching(spec["id"], _MISTAKE_ID, "a mistake id of lower-case letters, digits and _")
    unique(spec["id"], mistake_id, seen, "mistake id")
    function = identifier(spec["function"], "a mistake's function")
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


_CASE_NAME = re.compile(r"[a-z0-9_]+")


def _case(n: Node, signature: Signature, seen: dict[str, int], solutions: Solutions,
          mistakes: tuple[MistakeSpec, ...] = ()) -> CaseSpec:
    n = labelled_by(n, "name")
    spec = n.mapping(("name", "args"), ("visible", "weight", "count", "params", "expect", "raises", "note",
                                        "speed", "distinguish", "points", "rule"))
    name = matching(spec["name"], _CASE_NAME, "a case name of lower-case letters, digits and _")
    unique(spec["name"], name, seen, "case name")
    if "count" in spec and "params" not in spec:
        raise spec["count"].error("a random case (with `count`) draws its `params`: add them, or remove `count`")
    if "params" in spec and "count" not in spec:
        raise spec["params"].error("`params` are drawn only in a random case: add `count: N` (how many concrete "
                                   "cases to draw), or remove `params`")
    if "points" in spec and "weight" in spec:
        raise spec["points"].error("a case carries either its own `points` or a `weight` (a share of the points no "
                                   "case carries), not both; remove one")
    if "raises" in spec and "expect" in spec:
        raise spec["raises"].error("a case expects either a value (`expect`) or an exception (`raises`), not "
                                   "both; remove one")
    if "distinguish" in spec and ("count" not in spec or "raises" in spec or "expect" in spec):
        raise spec["distinguish"].error("`distinguish` retries the draw of a random case (with `count`) whose "
                                        "value the reference computes (no `expect`, no `raises`); remove it here")
    params = optional(spec, "params", read_params, ())
    scope = Scope(tuple(param for param, _ in params))
    return CaseSpec(name=name, args=read_args(spec["args"], signature, scope),
                    visible=optional(spec, "visible", Node.boolean, False),
                    weight=optional(spec, "weight", positive_number, 1.0),
                    count=optional(spec, "count", positive_int), params=params,
                    expect=optional(spec, "expect", lambda e: read_expr(e, scope)),
                    raises=optional(spec, "raises", lambda r: one_of(r, RAISABLE)),
                    note=optional(spec, "note", Node.string), location=n.location,
                    speed=optional(spec, "speed", lambda v: _speed(v, spec, solutions, signature)),
                    distinguish=optional(spec, "distinguish",
                                         lambda d: read_distinguish(d, solutions, signature, mistakes), ()),
                    points=optional(spec, "points", positive_number),
                    rule=optional(spec, "rule", _rule))


def _rule(n: Node) -> str:
    """`rule: text`: the graded rule the case tests (e.g. `f < 1 raises`), matched by a visible case's."""
    text = n.string().strip()
    if not text:
        raise n.error("the rule is empty; name the rule the case tests, as a visible case names it too")
    return text


def _speed(n: Node, case: dict[str, Node], solutions: Solutions, signature: Signature) -> SpeedSpec:
    """`speed: {baseline: dotted.name, args: [names...], max_ratio: R, repeats: N, slow: function, hint: "..."}` on
    a case that returns; `slow` is a right but slow implementation in the mistakes module, called like the
    reference; `hint` what makes the function fast enough, said to a student who is right but too slow."""
    entries = n.mapping(("baseline", "args", "max_ratio"), ("repeats", "slow", "hint"))
    if "raises" in case:
        raise n.error("a speed case times a call that returns; remove `raises` or `speed`")
    given = tuple(case["args"].entries())
    args = tuple(one_of(item, given) for item in entries["args"].items(minimum=1))
    return SpeedSpec(baseline=matching(entries["baseline"], DOTTED, "a dotted function name such as "
                                                                      "torch.matmul"),
                     args=args, max_ratio=positive_number(entries["max_ratio"]),
                     repeats=optional(entries, "repeats", positive_int, 5),
                     slow=optional(entries, "slow", lambda s: _slow(s, solutions, signature)),
                     hint=" ".join(optional(entries, "hint", Node.string, "").split()))


def _slow(n: Node, solutions: Solutions, signature: Signature) -> str:
    function = identifier(n, "a function of the mistakes module")
    slow = solutions.mistake(n, function)
    missing = [k for k in signature.keywords if k not in slow.keywords and not slow.any_keyword]
    if missing:
        raise n.error(f"{slow} does not take {', '.join(map(repr, missing))}; the slow implementation is called "
                      f"with the arguments of {signature}")
    return function
