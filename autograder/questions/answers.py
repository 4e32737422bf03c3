"""answers.yaml, read safely on the host: the student's file is untrusted data.

The file is read only when it is a regular file (not a link) of at most MAX_BYTES, parsed by PyYAML's safe
parser, and refused before anything is built when it uses anchors or aliases (`&a`, `*a`: a few lines can
expand into gigabytes), nests deeper than a list of values, or tags a value (`!!python/object`). Each answer
is a plain scalar of at most MAX_SCALAR_CHARS characters or a flat list of those. Every problem is a message
`answers.yaml:LINE: ...`.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

FILE = "answers.yaml"
STUDENT_KEY = "student_id"
"""The key of answers.yaml that records the student id its numbers were drawn for (`autograder variant` writes
it); never a question id."""
MAX_BYTES = 64 * 1024
"""A filled-in answers.yaml is a few hundred bytes; anything far larger is refused unread."""

MAX_SCALAR_CHARS = 100
"""One answer's text (a number, or one number of a list). Whatever YAML builds from 100 characters (hexadecimal,
sexagesimal `1:2:3`) stays far below Python's 4300-digit limit on printing an int."""

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = tuple(_TAG + t for t in ("str", "int", "float", "bool", "null"))
_MAX_DEPTH = 3
"""The top-level mapping (1), an answer's list (2) and one more, so that a list in a list costs its question only."""


@dataclass(frozen=True)
class Answer:
    value: Any
    """None (not answered), a bool, int, float or str, or a list of those."""
    line: int


@dataclass(frozen=True, eq=False)
class AnswerSheet:
    """What a submission's answers.yaml holds, or why it could not be read."""

    found: bool
    answers: dict[str, Answer] = field(default_factory=dict)
    error: str | None = None
    """A problem with the whole file (size, syntax, aliases): no answer in it counts."""
    problems: dict[str, str] = field(default_factory=dict)
    """Question id → why its answer could not be read (a mapping, a tag, a duplicate key)."""
    unknown: tuple[str, ...] = ()
    """Messages about keys that are no question of the assignment's (they are ignored)."""
    student: str | None = None
    """The id recorded under `student_id:` (as text), or None."""
    student_line: int = 0


def read_answers(folder: Path, questions: tuple[str, ...]) -> AnswerSheet:
    """The answers in `folder`/answers.yaml for the question ids `questions`."""
    path = Path(folder) / FILE
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return AnswerSheet(found=False)
    except OSError as error:
        return AnswerSheet(found=True, error=f"{FILE}: cannot be read ({error.strerror})")
    if not stat.S_ISREG(info.st_mode):
        what = "a link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        return AnswerSheet(found=True, error=f"{FILE}: is {what}; submit it as a plain text file")
    if info.st_size > MAX_BYTES:
        return AnswerSheet(found=True, error=_too_large(info.st_size))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        return AnswerSheet(found=True, error=f"{FILE}: cannot be read ({error.strerror})")
    if len(data) > MAX_BYTES:
        return AnswerSheet(found=True, error=_too_large(len(data)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return AnswerSheet(found=True, error=f"{FILE}:{line}: not UTF-8 text (byte {error.start}); save the file "
                                             f"as UTF-8")
    return parse_answers(text, questions)


def parse_answers(text: str, questions: tuple[str, ...]) -> AnswerSheet:
    """The answers in the text of an answers.yaml."""
    problem = _screen(text)
    if problem:
        return AnswerSheet(found=True, error=problem)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        return AnswerSheet(found=True, error=_syntax(error))
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        return AnswerSheet(found=True, error=f"{FILE}: cannot be read as YAML: {error}")
    if root is None:
        return AnswerSheet(found=True)  # empty: nothing answered
    if not isinstance(root, yaml.MappingNode) or root.tag != _TAG + "map":
        return AnswerSheet(found=True, error=f"{FILE}:{_line(root)}: expected `question_id: answer` lines, got "
                                             f"{_describe(root)}")
    answers: dict[str, Answer] = {}
    problems: dict[str, str] = {}
    unknown: list[str] = []
    student, student_line = None, 0
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag != _TAG + "str":
            unknown.append(f"{FILE}:{_line(key)}: a key must be a question id, got {_describe(key)} (ignored)")
            continue
        qid = key.value
        if qid == STUDENT_KEY:
            if isinstance(value, yaml.ScalarNode) and value.tag != _TAG + "null" and len(value.value) <= 200:
                student, student_line = value.value, _line(value)
            else:
                unknown.append(f"{FILE}:{_line(key)}: {STUDENT_KEY}: expected your student id as text, got "
                               f"{_describe(value)} (ignored)")
            continue
        if qid not in questions:
            unknown.append(f"{FILE}:{_line(key)}: {qid!r} is no question of this assignment (ignored); the "
                           f"questions are {', '.join(questions)}")
            continue
        if qid in answers or qid in problems:
            problems[qid] = (f"{FILE}:{_line(key)}: {qid}: answered twice (also at line {_first_line(answers, qid)}); "
                             f"keep one answer")
            answers.pop(qid, None)
            continue
        try:
            answers[qid] = Answer(_value(value), _line(value))
        except _Refused as refused:
            problems[qid] = f"{FILE}:{_line(value)}: {qid}: {refused}"
    return AnswerSheet(found=True, answers=answers, problems=problems, unknown=tuple(unknown), student=student,
                       student_line=student_line)


class _Refused(Exception):
    """An answer that is no scalar or flat list of scalars."""


def _value(node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
        return [_scalar(item) for item in node.value]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise _Refused(f"expected a number or a list of numbers such as [7, 7, 40], got {_describe(node)}")
    if node.tag not in _SCALAR_TAGS:
        raise _Refused(f"expected a number or a list of numbers, got a value tagged {node.tag}; remove the tag")
    if len(node.value) > MAX_SCALAR_CHARS:  # before it is built: `0x` and 5000 digits is an int nobody can print
        raise _Refused(f"cannot read {node.value[:20]!r}...: {len(node.value)} characters, more than the "
                       f"{MAX_SCALAR_CHARS} an answer may have")
    try:
        return SafeConstructor().construct_object(node)
    except (ValueError, yaml.YAMLError) as error:  # e.g. an integer of more digits than Python converts
        raise _Refused(f"cannot read {node.value[:20]!r}: {error}") from None


def _screen(text: str) -> str | None:
    """A problem found in the event stream, before any node is built: anchors, aliases, tags on collections,
    nesting. Syntax errors are left to compose, which reports them the same way."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return (f"{FILE}:{line}: YAML anchors and aliases (&name, *name) are not accepted; write each "
                        f"answer out in full")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > _MAX_DEPTH:
                    return (f"{FILE}:{line}: nested too deeply; each line is `question_id: answer`, where an "
                            f"answer is a number or a list of numbers such as [7, 7, 40]")
                if event.tag is not None:
                    return f"{FILE}:{line}: unsupported YAML tag {event.tag}; remove it"
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as error:
        return _syntax(error)
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        return f"{FILE}: cannot be read as YAML: {error}"
    return None


def _syntax(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{FILE}:{mark.line + 1}" if mark else FILE
    context = f"{error.context}, " if error.context else ""
    return (f"{where}: YAML syntax error: {context}{error.problem}; each line is `question_id: answer`, where an "
            f"answer is a whole number such as 280 or a list of whole numbers such as [7, 7, 40]")


def _too_large(size: int) -> str:
    return (f"{FILE}: {size} bytes is more than the {MAX_BYTES // 1024} KiB accepted; it holds one short line per "
            f"question")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _first_line(answers: dict[str, Answer], qid: str) -> str:
    return str(answers[qid].line) if qid in answers else "an earlier line"


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return repr(node.value[:40])
