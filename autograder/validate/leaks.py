"""Proof: nothing hidden reaches students, on any route.

What students receive is built here by the builders of every route (the student kit and GitHub Classroom's template,
nbgrader's notebooks) and searched for the hidden cases: their names (a statement or docstring naming one), their
data (a case pack carrying a hidden case, or a visible case with a hidden fixed case's very arguments) and their
calls (a statement quoting `function(args)` of a hidden fixed case gives away its expected value too).
Gradescope's students receive only their results, redacted when graded (autograder.verdict.student_view).
"""
from __future__ import annotations

import ast
import inspect
import json
import re
from typing import Any, Iterator

from autograder import casepack
from autograder.cases import Case
from autograder.validate.model import Context, Problem
from autograder.validate.students import _fingerprint

Material = dict[str, str]
"""'route: file' -> text of one file students receive."""


def leaks(context: Context) -> Iterator[Problem]:
    material, packs, problems = student_material(context)
    yield from problems
    cases = {e.id: context.cases(e) for e in context.assignment.exercises}
    yield from _names(context, material, cases, hidden_names([c for mine in cases.values() for c in mine]))
    yield from _packed(context, packs, cases)
    yield from _calls(context, material, cases)


def student_material(context: Context) -> tuple[Material, dict[str, casepack.CasePack], list[Problem]]:
    """Every text students receive, by route and file, the case packs among them, and the builds that failed."""
    from autograder.nbgrader.build import build_course
    from autograder.nbgrader.payload import unwrap
    from autograder.packaging.classroom import check_workflow
    from autograder.packaging.student import kit_texts

    course, assignment = context.course, context.assignment
    material: Material = {}
    packs: dict[str, casepack.CasePack] = {}
    problems: list[Problem] = []
    try:
        kit = {path: data.decode("utf-8") for path, data in kit_texts(course, assignment).items()}
    except Exception as error:  # noqa: BLE001 (a kit that cannot be built: said, the other routes still searched)
        problems.append(Problem(f"{assignment.id} (student kit)", f"the kit cannot be built: {error}"))
        kit = {}
    for path, text in kit.items():
        material[f"student kit: {path}"] = text
        material[f"GitHub Classroom template: {path}"] = text
        if path.endswith("cases.json"):
            packs[f"student kit: {path}"] = casepack.loads(text)
    material["GitHub Classroom template: .github/workflows/check.yml"] = check_workflow(assignment.id)
    try:
        notebooks = build_course(course, assignment)
    except Exception as error:  # noqa: BLE001
        problems.append(Problem(f"{assignment.id} (nbgrader)", f"the notebooks cannot be built: {error}"))
        notebooks = {}
    for path, text in notebooks.items():
        if not path.endswith(".ipynb"):
            material[f"nbgrader: {path}"] = text
            continue
        for index, cell in enumerate(json.loads(text)["cells"]):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            material[f"nbgrader: {path} cell {index + 1}"] = source
            for number, block in enumerate(re.findall(r'"""\n([A-Za-z0-9+/=\n]+)\n"""', source)):
                data = unwrap(block)
                material[f"nbgrader: {path} cell {index + 1} (case data {number + 1})"] = data.decode("utf-8")
                try:
                    packs[f"nbgrader: {path} cell {index + 1}"] = casepack.loads(data)
                except casepack.CasePackError:
                    pass  # another cell's data (the questions' templates): searched as text above
    return material, packs, problems


def hidden_names(cases: list[Case]) -> set[str]:
    """The names of the hidden spec cases that no visible case of the assignment (any exercise) also has."""
    visible = {c.spec_name for c in cases if c.visible}
    return {c.spec_name for c in cases if not c.visible} - visible


def _names(context: Context, material: Material, cases: dict[str, list[Case]], secret: set[str]
           ) -> Iterator[Problem]:
    for exercise in context.assignment.exercises:
        for name in sorted(hidden_names(cases[exercise.id]) & secret):
            pattern = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])")
            found = [where for where, text in material.items() if pattern.search(text)]
            if found:
                shown = _by_route(found)
                yield Problem(context.where(exercise, name),
                              f"the hidden case's name is in what students receive ({shown}){_origin(context, pattern)}"
                              f": reword that text (students may know how many hidden cases there are, never which)",
                              context.case_location(exercise, name))


def _by_route(found: list[str]) -> str:
    """'route: file' entries as 'route (file, file, ...)', each route once, at most three files each."""
    routes: dict[str, list[str]] = {}
    for entry in found:
        route, _, file = entry.partition(": ")
        routes.setdefault(route, []).append(file)
    return "; ".join(f"{route}: {', '.join(files[:3])}" + (f" and {len(files) - 3} more" if len(files) > 3 else "")
                     for route, files in routes.items())


def _origin(context: Context, pattern: re.Pattern) -> str:
    """Where the author wrote it: the spec's intro or a statement, or a solution module (its docstrings)."""
    places = []
    assignment = context.assignment
    if pattern.search(assignment.intro):
        places.append("the assignment's intro")
    places += [f"the statement of {e.id} ({e.location})" for e in assignment.exercises if pattern.search(e.statement)]
    for module in assignment.modules:
        path = assignment.solutions / f"{module}.py"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        match = pattern.search(text)
        if match:
            places.append(f"{path.relative_to(context.course.root)}:{text.count(chr(10), 0, match.start()) + 1}")
    return f", written in {', '.join(places)}" if places else ""


def _packed(context: Context, packs: dict[str, casepack.CasePack], cases: dict[str, list[Case]]) -> Iterator[Problem]:
    """Every packed case is a visible case, and no visible case repeats a hidden fixed case's arguments."""
    visible = {(e, c.name) for e, mine in cases.items() for c in mine if c.visible}
    for where, pack in packs.items():
        for packed in pack.cases:
            if (packed.exercise, packed.name) not in visible:
                yield Problem(f"{context.assignment.id}/{packed.exercise}/{packed.name}",
                              f"{where} carries this case, which is not a visible case: its inputs and expected "
                              f"value reach students")
    for exercise in context.assignment.exercises:
        spec = {c.name: c for c in exercise.cases}
        shown = {_fingerprint(c.args): c.name for c in cases[exercise.id] if c.visible}
        for case in cases[exercise.id]:
            if case.visible or case.device == "cuda" or spec[case.spec_name].count is not None:
                continue
            twin = shown.get(_fingerprint(case.args))
            if twin is not None:
                yield Problem(context.where(exercise, case.name),
                              f"the hidden case has the very arguments of the visible case {twin}, so its inputs "
                              f"and expected value reach students; change one, or drop the hidden copy",
                              context.case_location(exercise, case.name))


def _calls(context: Context, material: Material, cases: dict[str, list[Case]]) -> Iterator[Problem]:
    """A hidden fixed case quoted as a call (`output_size(10, 1, stride=4)`) in what students read."""
    for exercise in context.assignment.exercises:
        spec = {c.name: c for c in exercise.cases}
        chosen = [c for c in cases[exercise.id]
                  if not c.visible and c.device != "cuda" and spec[c.spec_name].count is None and _plain(c.args)]
        if not chosen:
            continue
        signature = inspect.signature(getattr(context.reference.module(exercise.module), exercise.id))
        hidden = {_literal(_bound(signature, c.args)): c for c in chosen}
        reported: set[str] = set()
        for where, text in material.items():
            for args in _quoted_calls(text, exercise.id, signature):
                case = hidden.get(_literal(args))
                if case is not None and case.name not in reported:
                    reported.add(case.name)
                    yield Problem(context.where(exercise, case.name),
                                  f"{where} quotes the hidden case's call ({exercise.id} with {args}), and with it "
                                  f"its expected value; quote a visible case, or change the hidden one",
                                  context.case_location(exercise, case.name))


def _quoted_calls(text: str, function: str, signature: inspect.Signature) -> Iterator[dict[str, Any]]:
    """The literal arguments of each `function(...)` written in `text`, bound to the signature (defaults in)."""
    for match in re.finditer(r"(?<![A-Za-z0-9_.])" + re.escape(function) + r"\(", text):
        end = _closing(text, match.end() - 1)
        if end is None:
            continue
        try:
            call = ast.parse(text[match.start():end + 1], mode="eval").body
            args = [ast.literal_eval(a) for a in call.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
            bound = signature.bind(*args, **kwargs)
        except (SyntaxError, ValueError, TypeError):
            continue
        bound.apply_defaults()
        yield dict(bound.arguments)


def _bound(signature: inspect.Signature, args: dict[str, Any]) -> dict[str, Any]:
    bound = signature.bind(**args)
    bound.apply_defaults()
    return dict(bound.arguments)


def _literal(args: dict[str, Any]) -> str:
    """The arguments as one comparable text: tuples as lists (a statement writes either), ints as floats."""
    def normal(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [normal(v) for v in value]
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    return repr(sorted((k, normal(v)) for k, v in args.items()))


def _closing(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, min(len(text), start + 400)):
        depth += {"(": 1, ")": -1}.get(text[index], 0)
        if depth == 0:
            return index
    return None


def _plain(args: dict[str, Any]) -> bool:
    """Arguments a statement could write as literals: numbers, strings, None, and lists or tuples of them."""
    def plain(value: Any) -> bool:
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, (bool, int, float, str))
    return all(plain(v) for v in args.values())
