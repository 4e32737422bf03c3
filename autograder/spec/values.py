"""Values in cases and questions (args, params, expect): plain YAML, `$param` references and generators,
validated into the expressions of autograder.spec.model."""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable

import yaml

from autograder.spec.model import GENERATORS, Const, Expr, Generate, ListOf, MapOf, Ref
from autograder.spec.nodes import Node, one_of, unknown
from autograder.spec.solutions import Signature


@dataclass(frozen=True)
class Scope:
    """The params a `$name` may name at one place: those drawn before it, and those drawn after it."""

    defined: tuple[str, ...] = ()
    later: tuple[str, ...] = ()


def read_params(n: Node) -> tuple[tuple[str, Expr], ...]:
    """The params in YAML order; each may name only the params above it."""
    entries = n.entries()
    if not entries:
        raise n.error("a random case needs at least one param")
    names = tuple(entries)
    params = []
    for index, (name, value) in enumerate(entries.items()):
        if not name.isidentifier():
            raise n.error(f"param name {name!r} must be a Python identifier (letters, digits and _)", value.key_line)
        params.append((name, read_expr(value, Scope(names[:index], names[index:]))))
    return tuple(params)


def read_args(n: Node, signature: Signature, scope: Scope) -> tuple[tuple[str, Expr], ...]:
    """The keyword arguments, each a parameter of the reference function, every required one given."""
    args = []
    entries = n.entries()
    for key, value in entries.items():
        if key not in signature.keywords and not signature.any_keyword:
            raise n.error(signature.unknown(key), value.key_line)
        args.append((key, read_expr(value, scope)))
    missing = [param for param in signature.required if param not in entries]
    if missing:
        raise n.error(f"missing argument {', '.join(map(repr, missing))} of {signature}: parameters without a "
                      f"default must be given")
    return tuple(args)


DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool", "complex64",
          "complex128")

_ARRAY_OPTIONS = ("dtype", "tensor", "device")

_OPTIONS: dict[str, tuple[str, ...]] = {
    "tuple": (), "array": ("dtype",), "tensor": ("dtype", "device"), "int": (), "float": (), "choice": (),
    "normal": ("scale", *_ARRAY_OPTIONS), "uniform": ("low", "high", *_ARRAY_OPTIONS),
    "integers": ("low", "high", *_ARRAY_OPTIONS), "correlate": ()}
"""The options each generator takes besides its main argument."""


def read_expr(n: Node, scope: Scope) -> Expr:
    """A value: a plain YAML scalar, list or mapping, a `$param`, or a generator mapping."""
    if isinstance(n.node, yaml.SequenceNode):
        return ListOf(tuple(read_expr(item, scope) for item in n.items()))
    if isinstance(n.node, yaml.MappingNode):
        entries = n.entries()
        keys = [key for key in entries if key in GENERATORS]
        kinds = [key for key in keys if not any(key in _OPTIONS[other] for other in keys)]  # `tensor: true`
        if len(kinds) > 1:
            raise n.error(f"a mapping with two generator keys, {kinds[0]!r} and {kinds[1]!r}; a generator mapping "
                          f"has exactly one")
        if kinds:
            return _generate(n, kinds[0], entries, scope)
        return MapOf(tuple((key, read_expr(value, scope)) for key, value in entries.items()))
    value = n.scalar()
    if isinstance(value, str) and value.startswith("$"):
        return _ref(n, value[1:], scope)
    return Const(value)


def _ref(n: Node, name: str, scope: Scope) -> Ref:
    if name in scope.defined:
        return Ref(name, n.location)
    if name in scope.later:
        raise n.error(f"param '${name}' is used before it is drawn; params are drawn in order, so define "
                      f"{name!r} above this one")
    close = difflib.get_close_matches(name, scope.defined, n=1)
    suggestion = f"; did you mean '${close[0]}'?" if close else ""
    where = "" if scope.defined else " (`$name` names a param of the same case's `params`)"
    raise n.error(f"unknown param '${name}'; defined params: {', '.join(scope.defined) or 'none'}{where}"
                  f"{suggestion}")


def _generate(n: Node, kind: str, entries: dict[str, Node], scope: Scope) -> Generate:
    arg = _GENERATOR_ARGS[kind](entries[kind], scope)
    options = []
    for key, value in entries.items():
        if key == kind:
            continue
        allowed = _OPTIONS[kind]
        if key not in allowed:
            message = (unknown(f"option {key!r} of generator {kind!r}", key, allowed) if allowed
                       else f"generator {kind!r} takes no options, got {key!r}")
            raise n.error(message, value.key_line)
        options.append((key, _option(value, key, kind, scope)))
    return Generate(kind, arg, tuple(options), n.location)


def _option(n: Node, name: str, kind: str, scope: Scope) -> Expr:
    if n.is_ref():
        return read_expr(n, scope)
    if name == "dtype":
        return Const(one_of(n, DTYPES))
    if name == "device":
        return Const(n.string())
    if name == "tensor":
        return Const(n.boolean())
    return Const(n.integer() if kind == "integers" else n.number())  # scale, low, high


def int_or_ref(n: Node, scope: Scope, minimum: int | None = None) -> Expr:
    if n.is_ref():
        return read_expr(n, scope)
    value = n.integer()
    if minimum is not None and value < minimum:
        raise n.error(f"expected an integer >= {minimum}, got {value}")
    return Const(value)


def _number_or_ref(n: Node, scope: Scope) -> Expr:
    return read_expr(n, scope) if n.is_ref() else Const(n.number())


def _bounds(read: Callable[[Node, Scope], Expr]) -> Callable[[Node, Scope], Expr]:
    """A reader of `[low, high]`, each read by `read`, with low <= high when both are given."""
    def bounds(n: Node, scope: Scope) -> Expr:
        items = n.items()
        if len(items) != 2:
            raise n.error(f"expected a list of two values [low, high], got {len(items)}")
        low, high = (read(item, scope) for item in items)
        if isinstance(low, Const) and isinstance(high, Const) and low.value > high.value:
            raise n.error(f"low {low.value} is above high {high.value}")
        return ListOf((low, high))
    return bounds


def _sequence(n: Node, scope: Scope) -> Expr:
    return read_expr(n, scope) if n.is_ref() else ListOf(tuple(read_expr(item, scope) for item in n.items()))


def _shape(n: Node, scope: Scope) -> Expr:
    return ListOf(tuple(int_or_ref(item, scope, minimum=0) for item in n.items()))


def _choices(n: Node, scope: Scope) -> Expr:
    return ListOf(tuple(read_expr(item, scope) for item in n.items(minimum=1)))


def _correlation(n: Node, scope: Scope) -> Expr:
    entries = n.mapping(("inputs", "kernel"))
    return MapOf(tuple((key, read_expr(value, scope)) for key, value in entries.items()))


_GENERATOR_ARGS: dict[str, Callable[[Node, Scope], Expr]] = {
    "tuple": _sequence, "array": read_expr, "tensor": read_expr, "int": _bounds(int_or_ref),
    "float": _bounds(_number_or_ref), "choice": _choices, "normal": _shape, "uniform": _shape, "integers": _shape, "correlate": _correlation}
"""How each generator's main argument is read."""
