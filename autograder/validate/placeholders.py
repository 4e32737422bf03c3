"""Proof: every `{{ path }}` in what students read names a value of the spec (autograder.statements), so that the
numbers a statement quotes about its cases are rendered from the spec on every route and cannot drift."""
from __future__ import annotations

from typing import Iterator

from autograder.spec.nodes import display
from autograder.statements import Placeholders
from autograder.spec import Location
from autograder.validate.model import Context, Problem


def placeholders(context: Context) -> Iterator[Problem]:
    course, assignment = context.course, context.assignment
    resolver = Placeholders(course, assignment)
    spec_file = display(assignment.directory / "assignment.yaml", course.root)
    for line, text, why in resolver.problems(assignment.intro, None):
        yield Problem(f"{assignment.id}.intro", f"{text} (line {line} of the intro): {why}", Location(spec_file, 1))
    for exercise in assignment.exercises:
        for line, text, why in resolver.problems(exercise.statement, exercise):
            yield Problem(f"{assignment.id}/{exercise.id}.statement", f"{text} (line {line} of the statement): {why}",
                          exercise.location)
    for module in assignment.modules:
        path = assignment.solutions / f"{module}.py"
        if not path.is_file():
            continue
        for line, text, why in resolver.module_problems(module, path.read_text(encoding="utf-8")):
            yield Problem(f"{assignment.id}/{module}.py", f"{text}: {why}", Location(display(path, course.root), line))
