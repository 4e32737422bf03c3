"""What an exercise's forbidden list bans, as the scan reads paths: the names, their other paths, their families
(static/families.py says what a family is)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from autograder.sandbox.static.families import in_family, stems


@dataclass(frozen=True, eq=False)  # one per forbidden list (`of`): hashed by identity, as `match`'s cache needs
class _Banned:
    """What an exercise's forbidden list bans: the names themselves, the same routine by another path of its
    package, and every name of the package in a listed routine's family."""

    names: frozenset[str]
    endings: frozenset[tuple[str, str]]
    """(package, last attribute) of each forbidden name."""
    families: tuple[tuple[str, frozenset[str]], ...]
    """(package, the stems of its listed routines: every attribute of it whose name contains one is banned)."""
    packages: frozenset[str]
    """The packages the forbidden names are in."""

    @staticmethod
    @lru_cache(maxsize=16)
    def of(forbidden: tuple[str, ...]) -> _Banned:
        endings = frozenset((n.split(".", 1)[0], n.rsplit(".", 1)[-1]) for n in forbidden if "." in n)
        return _Banned(frozenset(forbidden), endings, tuple(sorted(stems(tuple(sorted(set(forbidden)))).items())),
                       frozenset(name.split(".", 1)[0] for name in forbidden))

    @lru_cache(maxsize=4096)
    def match(self, path: str) -> str | None:
        """The forbidden name `path` reaches: the name as listed; or, for the same routine by another path of
        its package (`torch.nn.modules.conv.F.conv2d` for `torch.nn.functional.conv2d`) or another routine of a
        listed one's family (`torch.mkldnn_max_pool2d` for `torch.nn.functional.max_pool2d`), the path as
        written."""
        if path in self.names:
            return path
        if "." not in path:
            return None
        root, last = path.split(".", 1)[0], path.rsplit(".", 1)[-1]
        if (root, last) in self.endings:
            return path
        words = dict(self.families).get(root)
        if words and in_family(words, last):
            return path
        return None
