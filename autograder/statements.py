"""Numbers that statements quote about cases, rendered from the spec so that they cannot drift from it.

A statement, the intro or a reference's docstring writes `{{ path }}` (spaces inside the braces required) where a
value of the spec belongs; every route that shows the text (the kit's README and stubs, nbgrader's notebooks, the
kit's manifest) renders it with `render` or `render_module`. Paths, relative to the exercise the text belongs to
(its statement, or the docstring of its function), or starting with an exercise id anywhere:

    points                          the exercise's points
    speed.points                    the points of the exercise's speed case (it must have exactly one)
    speed.max_ratio                 its threshold, e.g. 10
    speed.baseline                  the function it is timed against
    speed.repeats                   the fewest timed rounds
    speed.args.x.shape              the shape of its argument `x`, e.g. (1, 3, 256, 256); `.dtype`: float32
    cases.NAME.points               the points of case NAME (all its copies: `[i]`, `@cuda`)
    cases.NAME.count                how many concrete cases a random case draws
    cases.NAME.args.x.shape         as above (a fixed case only: a random case's shapes differ by draw)
    cases.NAME.speed.max_ratio      ... and `.baseline`, `.repeats` of a speed case
    conv2d_forward_torch.speed.max_ratio   any of the above for a named exercise

An unknown path is a `SpecError` naming the file, line and text; `autograder validate` lists them all. Pure: text,
spec and the default draw of the cases.
"""
from __future__ import annotations

import ast
import re
from functools import cached_property
from typing import Any, Callable

from autograder import pyast
from autograder.cases import Case, case_maxima, expand_exercise
from autograder.spec import AssignmentSpec, CourseSpec, ExerciseSpec, SpecError
from autograder.spec.nodes import display

PLACEHOLDER = re.compile(r"\{\{\s+([A-Za-z_][A-Za-z0-9_.]*)\s+\}\}")


class PlaceholderError(SpecError):
    """A `{{ path }}` that names no value of the spec."""


class Placeholders:
    """Resolves the placeholders of one assignment (the cases of its default draw, made once)."""

    def __init__(self, course: CourseSpec, assignment: AssignmentSpec):
        self.course = course
        self.assignment = assignment

    @cached_property
    def _cases(self) -> dict[str, list[Case]]:
        return {e.id: expand_exercise(self.course.seed, self.assignment.id, e) for e in self.assignment.exercises}

    def value(self, path: str, exercise: ExerciseSpec | None) -> str:
        """The text a placeholder stands for; ValueError saying why where it names nothing."""
        parts = path.split(".")
        ids = {e.id for e in self.assignment.exercises}
        if parts[0] in ids and len(parts) > 1:
            exercise, parts = self.assignment.exercise(parts[0]), parts[1:]
        if exercise is None:
            raise ValueError("outside an exercise's statement or function, start it with an exercise id "
                             f"({', '.join(sorted(ids))})")
        if parts == ["points"]:
            return _number(exercise.points)
        if parts[0] == "speed":
            speeds = [c for c in exercise.cases if c.speed is not None]
            if len(speeds) != 1:
                raise ValueError(f"exercise {exercise.id} has {len(speeds)} speed cases; `speed.` needs exactly one "
                                 f"(name one: cases.NAME.…)")
            return self._case_value(exercise, speeds[0].name, parts[1:], speed_prefix=True)
        if parts[0] == "cases" and len(parts) >= 3:
            return self._case_value(exercise, parts[1], parts[2:], speed_prefix=False)
        raise ValueError(f"unknown path; known: points, speed.…, cases.NAME.… of exercise {exercise.id}")

    def _case_value(self, exercise: ExerciseSpec, name: str, parts: list[str], speed_prefix: bool) -> str:
        spec = next((c for c in exercise.cases if c.name == name), None)
        if spec is None:
            raise ValueError(f"exercise {exercise.id} has no case {name!r}")
        if parts == ["points"]:
            cases = self._cases[exercise.id]
            maxima = case_maxima(exercise.points, cases)
            return _number(sum(m for c, m in zip(cases, maxima) if c.spec_name == name))
        if parts == ["count"]:
            return str(spec.count or 1)
        speed_part = parts[0] in ("max_ratio", "baseline", "repeats") if speed_prefix else parts[0] == "speed"
        if speed_part:
            attribute = parts[0] if speed_prefix else (parts[1] if len(parts) == 2 else "")
            if spec.speed is None or attribute not in ("max_ratio", "baseline", "repeats") or \
                    len(parts) != (1 if speed_prefix else 2):
                raise ValueError(f"case {name!r} has no {'.'.join(parts)} (speed: max_ratio, baseline, repeats)")
            found = getattr(spec.speed, attribute)
            return _number(found) if isinstance(found, (int, float)) else str(found)
        if parts[0] == "args" and len(parts) == 3 and parts[2] in ("shape", "dtype"):
            if spec.count is not None:
                raise ValueError(f"case {name!r} is random: its arguments' {parts[2]} differs by draw")
            case = next(c for c in self._cases[exercise.id] if c.spec_name == name)
            if parts[1] not in case.args:
                raise ValueError(f"case {name!r} has no argument {parts[1]!r}")
            return _array_fact(case.args[parts[1]], parts[2], name, parts[1])
        raise ValueError(f"unknown path for case {name!r}; known: points, count, args.ARG.shape, args.ARG.dtype"
                         + (", max_ratio, baseline, repeats" if speed_prefix else ", speed.max_ratio, …"))

    def problems(self, text: str, exercise: ExerciseSpec | None) -> list[tuple[int, str, str]]:
        """(line in `text`, placeholder, why) of each placeholder that names nothing."""
        found = []
        for match in PLACEHOLDER.finditer(text):
            try:
                self.value(match.group(1), exercise)
            except ValueError as error:
                found.append((text.count("\n", 0, match.start()) + 1, match.group(0), str(error)))
        return found

    def render(self, text: str, exercise: ExerciseSpec | None = None, where: tuple[str, int | None, str] = ("", None,
                                                                                                             "")) -> str:
        """`text` with every placeholder replaced; PlaceholderError (at `where`: file, line, key) for one that
        names nothing."""
        def replaced(match: re.Match) -> str:
            try:
                return self.value(match.group(1), exercise)
            except ValueError as error:
                raise PlaceholderError(where[0], where[1], where[2], f"{match.group(0)}: {error}") from None
        return PLACEHOLDER.sub(replaced, text)

    def render_statement(self, exercise: ExerciseSpec) -> str:
        return self.render(exercise.statement, exercise, self._where(exercise, "statement"))

    def render_intro(self) -> str:
        path = display(self.assignment.directory / "assignment.yaml", self.course.root)
        return self.render(self.assignment.intro, None, (path, None, "intro"))

    def render_module(self, module: str, source: str) -> str:
        """A solution module's source with its placeholders rendered, each relative to the exercise whose function
        holds it (the module's own docstring and other functions: absolute paths only)."""
        spans = self.exercise_spans(module, source)
        path = display(self.assignment.solutions / f"{module}.py", self.course.root)
        lines = source.splitlines(keepends=True)
        out = []
        for number, line in enumerate(lines, start=1):
            exercise = next((e for (first, last), e in spans if first <= number <= last), None)
            out.append(self.render(line, exercise, (path, number, "")) if "{{" in line else line)
        return "".join(out)

    def module_problems(self, module: str, source: str) -> list[tuple[int, str, str]]:
        spans = self.exercise_spans(module, source)
        found = []
        for number, line in enumerate(source.splitlines(), start=1):
            exercise = next((e for (first, last), e in spans if first <= number <= last), None)
            found += [(number, text, why) for _, text, why in self.problems(line, exercise)]
        return found

    def exercise_spans(self, module: str, source: str) -> list[tuple[tuple[int, int], ExerciseSpec]]:
        """(first line, last line) of each exercise's function in the module's source."""
        exercises = {e.id: e for e in self.assignment.exercises if e.module == module}
        try:
            tree = pyast.parse(source)  # other threads may parse meanwhile (CPython 3.11's shared AST counter)
        except SyntaxError:
            return []
        return [((node.lineno, node.end_lineno or node.lineno), exercises[node.name]) for node in tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in exercises]

    def _where(self, exercise: ExerciseSpec, key: str) -> tuple[str, int | None, str]:
        location = exercise.location
        return (location.file if location else display(self.assignment.directory / "assignment.yaml",
                                                       self.course.root),
                location.line if location else None, f"exercises[{exercise.id}].{key}")

    def module_renderer(self) -> Callable[[str, str], str]:
        """`(module, source) -> rendered source`, for autograder.stubs."""
        return self.render_module


def _array_fact(value: Any, fact: str, case: str, argument: str) -> str:
    shape = getattr(value, "shape", None)
    if shape is None:
        raise ValueError(f"argument {argument!r} of case {case!r} is not an array or tensor")
    if fact == "shape":
        return str(tuple(int(n) for n in shape))
    return str(value.dtype).removeprefix("torch.")


def _number(value: float) -> str:
    return f"{round(float(value), 4):g}"
