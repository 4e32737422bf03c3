"""Proof: every question and random case family that lists `distinguish:` mistakes tells each of them apart from
the right answer for every sampled student (autograder.distinguish; its shares are printed by `validate`)."""
from __future__ import annotations

from typing import Iterator

from autograder import distinguish
from autograder.validate.model import Context, Problem


def distinguishing(context: Context) -> Iterator[Problem]:
    for where, message in distinguish.problems(context.course, context.assignment):
        yield Problem(where, message)
