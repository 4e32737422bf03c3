"""What an exercise's forbidden list bans: the names, their other paths, their families."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


CONVOLUTIONS_BY_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "numpy": ("polymul",),
    "scipy": ("lfilter", "upfirdn"),
}
"""Routines that are a convolution under another name, forbidden with their package's convolutions:
`numpy.polymul` is `numpy.convolve` of the coefficients (NumPy computes it so), `scipy.signal.lfilter(b, [1], x)`
and `scipy.signal.upfirdn(h, x)` are a 1-D convolution with `b` or `h`."""


def _convolution_name(attribute: str, words: tuple[str, ...]) -> bool:
    """Whether an attribute's name contains one of `words` (`conv`, `correl`), `convert` aside."""
    name = attribute.lower().replace("convert", "")
    return any(word in name for word in words)


@dataclass(frozen=True)
class _Banned:
    """What an exercise's forbidden list bans: the names themselves, the same routine by another path of its
    package, and, where it bans any of a package's convolutions, all of that package's convolutions."""

    names: frozenset[str]
    endings: frozenset[tuple[str, str]]
    """(package, last attribute) of each forbidden name."""
    families: tuple[tuple[str, tuple[str, ...]], ...]
    """(package, the words (`conv`, `correl`) such that every attribute of it containing one is forbidden)."""

    @staticmethod
    @lru_cache(maxsize=16)
    def of(forbidden: tuple[str, ...]) -> _Banned:
        endings = frozenset((n.split(".", 1)[0], n.rsplit(".", 1)[-1]) for n in forbidden if "." in n)
        families = []
        for package, words in (("torch", ("conv",)), ("numpy", ("convolve", "correlate")),
                               ("scipy", ("conv", "correl"))):
            if any(n.startswith(f"{package}.") and _convolution_name(n.split(".", 1)[1], words) for n in forbidden):
                families.append((package, words))
        return _Banned(frozenset(forbidden), endings, tuple(families))

    @lru_cache(maxsize=4096)
    def match(self, path: str) -> str | None:
        """The forbidden name `path` reaches: the name as listed; or, for the same routine by another path of
        its package (`torch.nn.modules.conv.F.conv2d` for `torch.nn.functional.conv2d`) or another of the
        package's convolutions (`torch.conv_tbc`, `torch.nn.LazyConv2d`), the path as written."""
        if path in self.names:
            return path
        if "." not in path:
            return None
        root, last = path.split(".", 1)[0], path.rsplit(".", 1)[-1]
        if (root, last) in self.endings:
            return path
        words = dict(self.families).get(root)
        if words and (_convolution_name(last, words) or last in CONVOLUTIONS_BY_OTHER_NAMES.get(root, ())):
            return path
        return None
