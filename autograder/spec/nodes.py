"""Reading YAML as nodes that know their file, line and key path, and the typed checks the sections share:
every problem becomes a SpecError at the line of the key it is about."""
from __future__ import annotations

import difflib
import keyword
import re
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml.constructor import SafeConstructor

from autograder.spec.model import Location, SpecError


TAG = "tag:yaml.org,2002:"

STR, INT, FLOAT, BOOL, NULL, MAP, SEQ = (TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))

_KINDS = {INT: "an integer", FLOAT: "a float", BOOL: "a boolean", TAG + "timestamp": "a date",
          TAG + "merge": "a YAML merge key", TAG + "binary": "binary data"}

_EXPONENT_TYPO = re.compile(r"[-+]?(\d[\d_]*\.?\d*|\.\d+)[eE][-+]?\d+")
"""Numbers PyYAML reads as text: an exponent without a dot before it or a sign in it (1e-5, 1.0e5)."""


def describe(node: yaml.Node) -> str:
    """What a node holds, for 'expected X, got Y' messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == STR:
        return repr(node.value)
    if node.tag == NULL:
        return "null (an empty value)"
    return f"{_KINDS.get(node.tag, f'a value tagged {node.tag}')} ({node.value})"


class Node:
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

    def labelled(self, label: str) -> Node:
        """The same node with `label` (an exercise id, a case name) after its path in messages."""
        return Node(self.node, self.file, f"{self.path} ({label})", self.key_line)

    def is_ref(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == STR and self.node.value.startswith("$")

    def entries(self) -> dict[str, Node]:
        """A mapping's values by key, in YAML order; keys must be unique strings."""
        self._expect(yaml.MappingNode, MAP, "a mapping")
        entries: dict[str, Node] = {}
        for key_node, value in self.node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STR:
                raise self.error(f"keys must be strings, got {describe(key_node)}", line)
            key = key_node.value
            if key in entries:
                raise self.error(f"duplicate key {key!r} (first at line {entries[key].key_line}); YAML would keep "
                                 f"only the last one, so remove or rename one", line)
            entries[key] = Node(value, self.file, f"{self.path}.{key}" if self.path else key, line)
        return entries

    def mapping(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Node]:
        """A mapping's entries, allowing only the keys named and requiring the `required` ones."""
        entries = self.entries()
        for key, value in entries.items():
            if key not in required + optional:
                raise self.error(unknown(f"key {key!r}", key, required + optional), value.key_line)
        for key in required:
            if key not in entries:
                raise self.error(f"missing required key {key!r}")
        return entries

    def items(self, minimum: int = 0) -> list[Node]:
        self._expect(yaml.SequenceNode, SEQ, "a list")
        if len(self.node.value) < minimum:
            raise self.error(f"expected a list of at least {minimum} item(s), got {len(self.node.value)}")
        return [Node(item, self.file, f"{self.path}[{i}]") for i, item in enumerate(self.node.value)]

    def scalar(self) -> Any:
        """A plain YAML scalar: str, int, float, bool or None (dates, binary and custom tags are refused)."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"expected a single value, got {describe(self.node)}")
        if self.node.tag not in (STR, INT, FLOAT, BOOL, NULL):
            raise self.error(f"expected a number, a string, true/false or null, got {describe(self.node)}; "
                             f"quote it to make it a string")
        return SafeConstructor().construct_object(self.node)

    def string(self) -> str:
        quote = "; quote it to make it a string" if self._tag() in (INT, FLOAT, BOOL, TAG + "timestamp") else ""
        return self._typed((STR,), "a string", quote)

    def integer(self) -> int:
        return self._typed((INT,), "an integer")

    def number(self) -> float:
        typo = self._tag() == STR and _EXPONENT_TYPO.fullmatch(self.node.value)
        hint = " (YAML reads it as text: write a dot and a signed exponent, e.g. 1.0e-5 or 1.0e+3)" if typo else ""
        return float(self._typed((INT, FLOAT), "a number", hint))

    def boolean(self) -> bool:
        return self._typed((BOOL,), "true or false")

    def _tag(self) -> str | None:
        return self.node.tag if isinstance(self.node, yaml.ScalarNode) else None

    def _typed(self, tags: tuple[str, ...], what: str, hint: str = "") -> Any:
        if self._tag() not in tags:
            raise self.error(f"expected {what}, got {describe(self.node)}{hint}")
        return self.scalar()

    def _expect(self, kind: type[yaml.Node], tag: str, what: str) -> None:
        if not isinstance(self.node, kind):
            raise self.error(f"expected {what}, got {describe(self.node)}")
        if self.node.tag != tag:
            raise self.error(f"unsupported YAML tag {self.node.tag}; remove it")


def display(path: Path, root: Path) -> str:
    """`path` relative to the course root when it is inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_yaml(path: Path, root: Path) -> Node:
    """The top-level mapping of a YAML file, as a node tree that keeps line numbers."""
    file = display(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(file, None, None, f"file not found (looked in {path.parent})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(file, None, None, f"cannot read the file: {error}") from None
    try:
        node = _compose(text)
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
                        f"expected a mapping of `key: value` lines at the top level, got {describe(node)}")
    return Node(node, file)


def _compose(text: str) -> yaml.Node | None:
    """The node tree of `text`: parsed by libyaml where PyYAML has it (0.05 s instead of 0.45 s for L10's
    assignment.yaml: every command loads the course), else by PyYAML's own parser. An error is always PyYAML's
    own, so that a broken file reads the same either way: a text libyaml refuses is parsed again by PyYAML."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def unknown(what: str, name: str, known: tuple[str, ...]) -> str:
    """'unknown key 'point'; did you mean 'points'?', or the known names when none is close."""
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"unknown {what}; did you mean {close[0]!r}?"
    return f"unknown {what}; expected one of: {', '.join(known)}"


def one_of(n: Node, choices: tuple[str, ...]) -> str:
    value = n.string()
    if value not in choices:
        close = difflib.get_close_matches(value, choices, n=1)
        suggestion = f"; did you mean {close[0]!r}?" if close else ""
        raise n.error(f"expected one of {', '.join(choices)}, got {value!r}{suggestion}")
    return value


def matching(n: Node, pattern: re.Pattern[str], rule: str) -> str:
    value = n.string()
    if not pattern.fullmatch(value):
        raise n.error(f"expected {rule}, got {value!r}")
    return value


def identifier(n: Node, what: str) -> str:
    value = n.string()
    if not value.isidentifier() or keyword.iskeyword(value):
        raise n.error(f"{what} must be a Python identifier (letters, digits and _, not starting with a digit), "
                      f"got {value!r}")
    return value


def positive_number(n: Node) -> float:
    value = n.number()
    if not value > 0:
        raise n.error(f"expected a number > 0, got {n.node.value}")
    return value


def non_negative_number(n: Node) -> float:
    value = n.number()
    if not value >= 0:
        raise n.error(f"expected a number >= 0, got {n.node.value}")
    return value


def positive_int(n: Node) -> int:
    value = n.integer()
    if value < 1:
        raise n.error(f"expected an integer >= 1, got {value}")
    return value


def unique(n: Node, value: str, seen: dict[str, int], what: str) -> None:
    if value in seen:
        raise n.error(f"duplicate {what} {value!r} (first at line {seen[value]}); each {what} must be unique")
    seen[value] = n.line


def labelled_by(n: Node, key: str) -> Node:
    """`n` labelled with its `key` entry (an exercise id, a case name) when that is a string, so that errors
    inside it say which one they are about."""
    if isinstance(n.node, yaml.MappingNode):
        for key_node, value in n.node.value:
            if key_node.value == key and isinstance(value, yaml.ScalarNode) and value.tag == STR:
                return n.labelled(value.value)
    return n


def optional(entries: dict[str, Node], key: str, read: Callable[[Node], Any], default: Any = None) -> Any:
    return read(entries[key]) if key in entries else default


DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
