"""Forbidden families, derived from what an exercise lists: listing a routine forbids its family.

A listed routine `package.….name` forbids, in its package (the first part of the dotted name):

- the same routine by any other path of the package (`torch.nn.modules.conv.F.conv2d` for
  `torch.nn.functional.conv2d`): every path whose last name is the listed one;
- every API of the package whose name contains the routine's *stem*, its last name with case and underscores
  aside (`torch.mkldnn_max_pool2d`, `torch.nn.functional._max_pool2d`, `max_pool2d_with_indices`,
  `torch.nn.MaxPool2d` for `torch.nn.functional.max_pool2d`); a stem shorter than MIN_STEM characters forbids
  only its own name;
- for torch, every operator at torch's dispatcher whose name contains the stem (`aten::max_pool2d_with_indices`,
  `aten::mkldnn_max_pool2d`), refused at run time by the worker's guard whatever Python path reaches it.

Nothing here knows a lecture: what a course needs beyond these families, it lists (an author may list more).
`stems` is pure (the static scan matches paths as written); `guarded` imports the listed packages on the host,
once per forbidden list, and names what the worker's guard replaces (Python functions and classes outside
torch, by identity) or refuses at the dispatcher (torch's operators, as `aten::name`).
"""
from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import warnings
from functools import lru_cache

from autograder.sandbox.static import remembered

MIN_STEM = 3
"""A listed name whose stem is shorter than this forbids only itself (`torch.t` must not forbid every name with
a `t`)."""

OPERATOR_PREFIX = "aten::"
"""How the worker's guard tells a dispatcher operator from a Python name in the list it is given."""

_SCANNED_ATTRIBUTES = 400_000
"""At most this many module attributes are looked at when a family is derived (torch, NumPy and SciPy together
have about 150,000 in the modules they import): a package that imports more is searched that far only."""


def stem(name: str) -> str:
    """The stem of a listed dotted name: its last name, lower case, without underscores (`max_pool2d` and
    `MaxPool2d` are one stem, `maxpool2d`)."""
    return _plain(name.rsplit(".", 1)[-1])


def _plain(name: str) -> str:
    return name.lower().replace("_", "")


@lru_cache(maxsize=64)
def stems(forbidden: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """package → the stems its listed routines forbid (those of at least MIN_STEM characters)."""
    found: dict[str, set[str]] = {}
    for name in forbidden:
        if "." in name and len(stem(name)) >= MIN_STEM:
            found.setdefault(name.split(".", 1)[0], set()).add(stem(name))
    return {package: frozenset(words) for package, words in found.items()}


def in_family(package_stems: frozenset[str], attribute: str) -> bool:
    """Whether an attribute's name contains one of a package's forbidden stems (case and underscores aside)."""
    name = _plain(attribute)
    return any(word in name for word in package_stems)


@lru_cache(maxsize=64)
def guarded(forbidden: tuple[str, ...]) -> tuple[str, ...]:
    """What the worker's guard must refuse for this forbidden list: the listed names, every attribute of the
    listed packages' imported modules that is in a family (`numpy._core.multiarray.correlate` for
    `numpy.correlate`), and for torch the dispatcher's operators of each family (`aten::…`). Derived on the host,
    from the real packages, once per list (and kept between the kit's checks: remembered.py); sorted, without
    repeats."""
    return tuple(remembered.answer("guarded", "\x1f".join(forbidden), lambda: _guarded(forbidden),
                                   remembered.strings))


def _guarded(forbidden: tuple[str, ...]) -> list[str]:
    names = set(forbidden)
    for package, words in stems(tuple(sorted(set(forbidden)))).items():
        if package == "torch":
            names |= _operators(words)
        else:
            names |= _members(package, words, [n for n in forbidden if n.startswith(f"{package}.")])
    return sorted(names)


def _operators(words: frozenset[str]) -> set[str]:
    try:
        import torch
    except ImportError:
        return set()
    return {name.split(".", 1)[0] for name in torch._C._dispatch_get_all_op_names()  # `aten::x.out`: `aten::x`
            if name.startswith(OPERATOR_PREFIX) and in_family(words, name[len(OPERATOR_PREFIX):].split(".", 1)[0])}


SKIPPED_SUBPACKAGES = frozenset({"tests", "testing", "conftest", "distutils", "f2py", "typing", "matlib"})
"""Subpackages not imported to derive a family: tests and build tools, slow to import and computing nothing, and
deprecated namespaces that only re-export the package's own objects (`numpy.matlib`: 0.7 s to import; what it
holds is the same objects, guarded wherever they are)."""


def _subpackages(package: str) -> list[str]:
    """The package's public modules one level down (`numpy.ma`, `numpy.polynomial`): imported before the family
    is searched, so that it is the same whatever the host imported before (and every route guards alike)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return [f"{package}.{info.name}" for info in pkgutil.iter_modules(spec.submodule_search_locations)
            if not info.name.startswith("_") and info.name not in SKIPPED_SUBPACKAGES]


def _members(package: str, words: frozenset[str], listed: list[str]) -> set[str]:
    """`module.attribute` for every callable attribute of the package's modules that is in a family (the package,
    its public subpackages and the modules of the listed names imported first)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module in sorted({package, *(n.rsplit(".", 1)[0] for n in listed), *_subpackages(package)}):
            try:
                importlib.import_module(module)
            except Exception:  # not installed, or not a module: validate names it; nothing to guard here
                continue
        found, budget = set(), _SCANNED_ATTRIBUTES
        for module_name, module in sorted(list(sys.modules.items()), key=lambda item: item[0]):
            if module is None or not (module_name == package or module_name.startswith(f"{package}.")):
                continue
            namespace = getattr(module, "__dict__", None)
            if not isinstance(namespace, dict):
                continue
            for attribute, value in list(namespace.items()):
                budget -= 1
                if budget < 0:
                    return found
                if in_family(words, attribute) and callable(value) and not isinstance(value, type(sys)):
                    found.add(f"{module_name}.{attribute}")
    return found
