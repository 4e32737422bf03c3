"""A test cell's cases as text: the case pack (autograder.casepack, the student kit's format: JSON + `.npy`,
never pickle), compressed and cut into base64 lines.

The instructor side (`pack`) embeds the arguments of each case, the expected value computed from the reference
solution and the known mistakes' outputs, so that a student's notebook can be checked and diagnosed without the
solutions. The kernel side (`unpack`) reads it back with the pack's one reader; arrays are read with
`allow_pickle=False`.
"""
from __future__ import annotations

import base64
import binascii
import textwrap
import zlib

from autograder import casepack
from autograder.casepack import CasePack, CasePackError, MistakeOutput, PackedCase, PackedMistake

__all__ = ["LINE", "CasePack", "MistakeOutput", "PackedCase", "PackedMistake", "PayloadError", "pack", "unpack"]

LINE = 96
"""Characters per line of the base64 text in a cell."""
REBUILD = "rebuild it with `autograder nbgrader build`"


class PayloadError(CasePackError):
    """Case data in a test cell that cannot be read."""


def pack(cases: list[PackedCase], mistakes: tuple[PackedMistake, ...] = ()) -> str:
    """The cases (and the exercise's known mistakes) as base64 lines; the same cases give the same text."""
    return wrap(casepack.dumps(CasePack(cases=tuple(cases), mistakes=tuple(mistakes))))


def wrap(text: str) -> str:
    """Any text compressed to base64 lines of LINE characters (a cell's data block)."""
    compressed = zlib.compress(text.encode("utf-8"), 9)
    return "\n".join(textwrap.wrap(base64.b64encode(compressed).decode("ascii"), LINE))


def unwrap(text: str, what: str = "case data") -> bytes:
    """The bytes `wrap` compressed; PayloadError naming `what` when the text is damaged."""
    try:
        return zlib.decompress(base64.b64decode("".join(text.split()), validate=True))
    except (ValueError, binascii.Error, zlib.error) as error:
        raise PayloadError(f"the test cell's {what} cannot be read ({type(error).__name__}: {error}); was the "
                           f"cell edited? Rebuild it with `autograder nbgrader build`") from None


def unpack(text: str) -> CasePack:
    """The pack of `pack`'s text, arguments rebuilt as real values (torch tensors for tensors)."""
    raw = unwrap(text)
    try:
        return casepack.loads(raw, tensors="torch", rebuild=REBUILD)
    except CasePackError as error:
        message = str(error).replace("the case data cannot be read", "the test cell's case data cannot be read")
        raise PayloadError(message.replace("was it edited?", "was the cell edited?")) from None
