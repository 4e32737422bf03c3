"""Proof: the committed student stubs are the ones `autograder release` makes from the solutions now."""
from __future__ import annotations

from typing import Iterator

from autograder.statements import Placeholders
from autograder.stubs import drifted
from autograder.validate.model import Context, Problem


def stubs(context: Context) -> Iterator[Problem]:
    assignment = context.assignment
    folder = assignment.directory.relative_to(context.course.root)
    render = Placeholders(context.course, assignment).render_module
    for module in drifted(assignment.solutions, assignment.directory, assignment.modules, render):
        yield Problem(f"{folder}/{module}.py", f"differs from the stub generated from the solutions; run "
                                               f"`autograder release --assignment {assignment.id}`")
