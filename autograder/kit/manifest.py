"""`kit.json`: what the student kit knows of the course, as data: the grading settings, each exercise's
statement, points, tolerance, limits, signature and known mistakes (ids and messages only), and the questions'
templates (their params, never an answer). With the case pack (`cases.json`, autograder.casepack) it is all that
`autograder check` and `autograder variant` need; neither the full assignment.yaml nor solutions/ is there.

`manifest(course, assignment, ...)` writes it (instructor side); `load_kit(root)` reads it back as the same
frozen spec dataclasses the course repository's commands use, so the same code runs on both.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.questions.draw import judges
from autograder.questions.grading import AnswerForm
from autograder.questions.pool import Accepted, accepted_bits
from autograder.spec import (AnswerSpec, AssignmentSpec, Comparison, Const, CourseSpec, DtypeRule,
                             ExerciseSpec, Expr, Generate, HiddenDetail, Limits, ListOf, MapOf, MistakeSpec,
                             QuestionSpec, Ref, Reporting, StudentIdRule)

FORMAT = 2
"""2: a question with `distinguish:` carries `accepted`, which of its candidate variants tell the listed mistakes
apart (autograder.questions.pool): not the mistakes' names, which stay with the course; the course carries the form
of its student ids (`student_id`), so that the kit's `variant` normalises an id as the grader does."""
DATA_DIR = ".autograder"
"""The kit's data folder, at the kit's root."""
MANIFEST = "kit.json"
CASES = "cases.json"
NO_SOLUTIONS = "(no solutions in the student kit)"
REBUILD = "ask your instructor for a fresh copy of the student kit"


class KitError(Exception):
    """The kit's data cannot be read; the message names the file."""


@dataclass(frozen=True, eq=False)
class Kit:
    """A student kit as the commands use it."""

    root: Path
    course: CourseSpec
    assignment: AssignmentSpec
    signatures: dict[str, str]
    """Exercise id -> the reference function's signature (as the sandbox's worker reports one)."""
    forms: dict[str, AnswerForm]
    """Question id -> the form of its answer."""
    acceptance: dict[str, Accepted] = field(default_factory=dict)
    """Question id -> which candidate variants are accepted, for the questions with `distinguish:`
    (autograder.questions.draw.draw_all takes it; the kit has no solutions to judge them)."""

    @property
    def cases_file(self) -> Path:
        return self.root / DATA_DIR / CASES


def find_kit(*starts: Path) -> Path | None:
    """The nearest kit root (a folder with .autograder/kit.json) at or above each of `starts`, in order."""
    for start in starts:
        here = Path(start).resolve()
        for folder in (here, *here.parents):
            if (folder / DATA_DIR / MANIFEST).is_file():
                return folder
    return None


# ---- writing ---------------------------------------------------------------------------------------------------

def manifest(course: CourseSpec, assignment: AssignmentSpec, signatures: dict[str, str],
             forms: dict[str, AnswerForm]) -> str:
    """kit.json's text; the same course gives the same text. Statements and intro are rendered
    (autograder.statements). A question with `distinguish:` carries which of its candidate variants are accepted
    (judged here, with the reference solutions), never an answer."""
    from autograder.statements import Placeholders

    judged = judges(course.seed, assignment)
    placeholders = Placeholders(course, assignment)
    data = {
        "format": FORMAT,
        "course": {"code": course.code, "title": course.title, "term": course.term, "seed": course.seed,
                   "limits": _limits(course.limits), "compare": _compare(course.compare),
                   "reporting": {"hidden_visibility": course.reporting.hidden_visibility,
                                 "hidden_detail": course.reporting.hidden_detail.value},
                   "isolation": course.isolation, "warm_pool": course.warm_pool, "disk_mb": course.disk_mb,
                   "cuda_unavailable": course.cuda_unavailable,
                   "student_id": {"pattern": course.student_id.pattern,
                                  "case_sensitive": course.student_id.case_sensitive,
                                  "example": course.student_id.example}},
        "assignment": {
            "id": assignment.id, "title": assignment.title, "intro": placeholders.render_intro(),
            "exercises": [{"id": e.id, "module": e.module, "title": e.title, "points": e.points,
                           "statement": placeholders.render_statement(e), "compare": _compare(e.compare), "limits": _limits(e.limits),
                           "forbidden": list(e.forbidden), "hidden_detail": e.hidden_detail.value,
                           "devices": list(e.devices), "value_hint": e.value_hint, "signature": signatures[e.id],
                           "mistakes": [{"id": m.id, "message": m.message} for m in e.mistakes]}
                          for e in assignment.exercises],
            "questions": [{"id": q.id, "title": q.title, "points": q.points, "prompt": q.prompt,
                           "params": _pairs(q.params),
                           "answer": {"module": q.answer.module, "function": q.answer.function,
                                      "args": _pairs(q.answer.args), "type": q.answer.type,
                                      "item": None if q.answer.item is None else _expr(q.answer.item)},
                           "form": {"type": forms[q.id].type, "length": forms[q.id].length},
                           "accepted": accepted_bits(judged[q.id]) if q.id in judged else None}
                          for q in assignment.questions]}}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def _limits(limits: Limits) -> dict[str, Any]:
    return {"case_seconds": limits.case_seconds, "exercise_seconds": limits.exercise_seconds,
            "memory_mb": limits.memory_mb, "output_kb": limits.output_kb, "processes": limits.processes}


def _compare(rule: Comparison) -> dict[str, Any]:
    return {"rtol": rule.rtol, "atol": rule.atol, "dtype": rule.dtype.value}


def _pairs(pairs: tuple[tuple[str, Expr], ...]) -> list:
    return [[name, _expr(expr)] for name, expr in pairs]


def _expr(expr: Expr) -> dict[str, Any]:
    """A spec value expression as JSON (autograder.cases evaluates it): the questions' params are drawn per
    student from these, so the kit carries the templates, not the numbers."""
    if isinstance(expr, Const):
        return {"const": expr.value}
    if isinstance(expr, Ref):
        return {"ref": expr.name}
    if isinstance(expr, ListOf):
        return {"list": [_expr(item) for item in expr.items]}
    if isinstance(expr, MapOf):
        return {"map": _pairs(expr.items)}
    if isinstance(expr, Generate):
        return {"generate": expr.kind, "arg": _expr(expr.arg), "options": _pairs(expr.options)}
    raise TypeError(f"not a spec expression: {expr!r}")


# ---- reading ---------------------------------------------------------------------------------------------------

def load_kit(root: Path) -> Kit:
    """The kit at `root`, as spec dataclasses (exercises without cases: those are in the case pack)."""
    path = Path(root) / DATA_DIR / MANIFEST
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise KitError(f"{shown}: kit data of format {data.get('format')!r}, this autograder reads format "
                           f"{FORMAT}: {REBUILD}")
        return _kit(Path(root), data)
    except KitError:
        raise
    except OSError as error:
        raise KitError(f"{shown}: cannot be read ({error.strerror}); {REBUILD}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KitError(f"{shown}: cannot be read ({type(error).__name__}: {error}); was it edited? "
                       f"{REBUILD[:1].upper()}{REBUILD[1:]}") from None


def parse_manifest(text: str, root: Path, rebuild: str = REBUILD) -> Kit:
    """kit.json's text (carried elsewhere: an nbgrader notebook's questions cell) as a Kit rooted at `root`."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise KitError(f"kit data of format {data.get('format')!r}, this autograder reads format {FORMAT}: "
                           f"{rebuild}")
        return _kit(Path(root), data)
    except KitError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KitError(f"the kit data cannot be read ({type(error).__name__}: {error}); {rebuild}") from None


def _kit(root: Path, data: dict[str, Any]) -> Kit:
    c, a = data["course"], data["assignment"]
    exercises = tuple(ExerciseSpec(
        id=e["id"], module=e["module"], title=e["title"], points=float(e["points"]), statement=e["statement"],
        compare=_read_compare(e["compare"]), limits=Limits(**e["limits"]), forbidden=tuple(e["forbidden"]),
        cases=(), hidden_detail=HiddenDetail(e["hidden_detail"]), devices=tuple(e["devices"]),
        value_hint=e["value_hint"],
        # In the kit a mistake is known by its id: the case pack holds its output on each visible case.
        mistakes=tuple(MistakeSpec(id=m["id"], function=m["id"], message=m["message"]) for m in e["mistakes"]))
        for e in a["exercises"])
    questions = tuple(QuestionSpec(
        id=q["id"], title=q["title"], points=float(q["points"]), prompt=q["prompt"], params=_read_pairs(q["params"]),
        answer=AnswerSpec(module=q["answer"]["module"], function=q["answer"]["function"],
                          args=_read_pairs(q["answer"]["args"]), type=q["answer"]["type"],
                          item=None if q["answer"]["item"] is None else _read_expr(q["answer"]["item"])))
        for q in a["questions"])
    assignment = AssignmentSpec(id=a["id"], title=a["title"], intro=a["intro"], exercises=exercises,
                                directory=root / a["id"], solutions=root / NO_SOLUTIONS, questions=questions)
    reporting = Reporting(hidden_visibility=c["reporting"]["hidden_visibility"],
                          hidden_detail=HiddenDetail(c["reporting"]["hidden_detail"]))
    course = CourseSpec(code=c["code"], title=c["title"], term=c["term"], seed=int(c["seed"]),
                        limits=Limits(**c["limits"]), compare=_read_compare(c["compare"]), reporting=reporting,
                        assignments=(assignment,), root=root, isolation=c["isolation"], warm_pool=c["warm_pool"],
                        disk_mb=int(c["disk_mb"]), cuda_unavailable=c["cuda_unavailable"],
                        student_id=StudentIdRule(**c["student_id"]))
    forms = {q["id"]: AnswerForm(q["form"]["type"], q["form"]["length"]) for q in a["questions"]}
    acceptance = {q["id"]: Accepted.from_hex(q["accepted"]) for q in a["questions"]
                  if q["accepted"] is not None}
    return Kit(root=root, course=course, assignment=assignment,
               signatures={e["id"]: e["signature"] for e in a["exercises"]}, forms=forms, acceptance=acceptance)


def _read_compare(data: dict[str, Any]) -> Comparison:
    return Comparison(rtol=float(data["rtol"]), atol=float(data["atol"]), dtype=DtypeRule(data["dtype"]))


def _read_pairs(pairs: list) -> tuple[tuple[str, Expr], ...]:
    return tuple((str(name), _read_expr(expr)) for name, expr in pairs)


def _read_expr(data: dict[str, Any]) -> Expr:
    if "const" in data:
        return Const(data["const"])
    if "ref" in data:
        return Ref(str(data["ref"]))
    if "list" in data:
        return ListOf(tuple(_read_expr(item) for item in data["list"]))
    if "map" in data:
        return MapOf(_read_pairs(data["map"]))
    if "generate" in data:
        return Generate(kind=str(data["generate"]), arg=_read_expr(data["arg"]), options=_read_pairs(data["options"]))
    raise ValueError(f"not a value expression: {sorted(data)}")
