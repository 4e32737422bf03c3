"""The grading protocol's bytes: length-prefixed frames, and the shared-memory arena that carries array inputs.

Standalone (standard library and NumPy) because it is copied next to the worker, like the codec. One packer and
one reader for each format, used by both sides:

- **Frames.** Every message is a JSON object preceded by its length, 8 ASCII hex digits: `0000002a{...}`. A
  reader knows how much to expect before it reads the body, refuses a length above its bound without buffering
  anything, and never scans for a delimiter, so a flood of bytes costs linear time and bounded memory.
- **The arena.** A `memfd` the host creates per worker. Before each call the host appends the call's array and
  tensor inputs to it (page-aligned) and sends their places (`{"t": "arena", ...}` in place of the codec's
  `.npy` payload); the worker maps them, so the function receives arrays whose memory the host can read back
  after the call without asking the worker: an input changed in place is seen by the host itself. A timed call
  also names an output slot where the worker copies the returned array, for the host to compare with the
  baseline's.
"""
from __future__ import annotations

import fcntl
import json
import mmap
import os
import re

import numpy as np

HEADER = 8
"""Length prefix: 8 hexadecimal digits (at most 4 GiB - 1)."""
PAGE = mmap.ALLOCATIONGRANULARITY


class WireError(ValueError):
    """A frame or an arena reference that does not follow the protocol."""


def pack(message: dict) -> bytes:
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
    if len(body) >= 16 ** HEADER:
        raise WireError(f"message of {len(body)} bytes is too large for a frame")
    return f"{len(body):0{HEADER}x}".encode() + body


def frame_length(header: bytes, limit: int) -> int:
    """The body length a header announces; WireError when it is malformed or above `limit`."""
    text = header.decode("ascii", "replace")
    if len(header) != HEADER or any(c not in "0123456789abcdef" for c in text):
        raise WireError(f"a frame header that is not {HEADER} hexadecimal digits: {text[:HEADER]!r}")
    length = int(text, 16)
    if length > limit:
        raise WireError(f"a message of {length} bytes, more than the limit of {limit}")
    return length


def unpack(body: bytes) -> dict:
    try:
        message = json.loads(body)
    except (ValueError, RecursionError) as error:  # int-string limits and deep nesting are ValueErrors too
        raise WireError(f"a message that is not JSON: {str(error)[:120]}") from None
    if not isinstance(message, dict):
        raise WireError("a message that is not a JSON object")
    if (b"\\u" in body or b"\xed" in body) and _MAY_HOLD_SURROGATES.search(body):  # `in` first: memchr's speed
        _replace_surrogates(message)
    return message


_MAY_HOLD_SURROGATES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""JSON's escape of a UTF-16 surrogate (`\\ud800`), or one in CESU-8 bytes, which json.loads also reads."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(message: dict) -> None:
    """Every lone surrogate in the message's strings (keys too) becomes U+FFFD, in place: a surrogate is no
    character, and a message, exception or returned string holding one would fail every report the host writes
    in UTF-8 (results.json, the feedback). Iterative: the nesting json.loads accepts is no recursion here."""
    def clean(value):
        return _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value

    stack: list = [message]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = [(clean(key), value) for key, value in node.items()]
            node.clear()
            for key, value in items:
                node[key] = clean(value)
        elif isinstance(node, list):
            node[:] = [clean(value) for value in node]
        stack.extend(value for value in (node.values() if isinstance(node, dict) else node)
                     if isinstance(value, (dict, list)))


def write_frame(fd: int, message: dict) -> None:
    view = memoryview(pack(message))
    while view:
        view = view[os.write(fd, view):]


def read_frame(fd: int, limit: int) -> dict:
    """Blocking read of one frame (the worker's side: it waits for the host's next request)."""
    length = frame_length(_read_exact(fd, HEADER), limit)
    return unpack(_read_exact(fd, length))


def _read_exact(fd: int, count: int) -> bytes:
    chunks, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# ---- the arena ------------------------------------------------------------------------------------------------

class Arena:
    """The host's side: an append-only memfd, one region per input array and per output slot."""

    def __init__(self, name: str = "autograder-arena"):
        # Sealed against shrinking (and against further seals): the worker holds this file too, and the host reads
        # outputs through mappings of it (`mapped`). A worker that shrank it under a mapping made the host's read
        # SIGBUS, which killed the grader (a red team, tests/hostile/submissions/arena_shrunk_while_read.py); one
        # that sealed it against growing or writing would make the host's next region fail. Growing stays allowed.
        self.fd = os.memfd_create(name, os.MFD_ALLOW_SEALING)
        fcntl.fcntl(self.fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_SEAL)
        self.end = 0
        self.size = 0
        """The file's size: grown to at least twice itself when a region passes it, never shrunk (a speed case's
        rounds reuse the same regions; one ftruncate per region cost 0.1 ms, 800 per grading)."""

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def _reserve(self, nbytes: int) -> int:
        offset = -(-self.end // PAGE) * PAGE
        self.end = offset + max(nbytes, 1)
        if self.end > self.size:
            self.size = max(-(-self.end // PAGE) * PAGE, 2 * self.size)
            os.ftruncate(self.fd, self.size)
        return offset

    def put(self, array: np.ndarray) -> dict:
        """Copy `array` into a new region; its place, for `Arena.view` on the other side."""
        data = np.ascontiguousarray(array)
        raw = data.tobytes()
        offset = self._reserve(len(raw))
        _pwrite_all(self.fd, raw, offset)
        return {"offset": offset, "nbytes": len(raw), "dtype": data.dtype.str, "shape": list(data.shape)}

    def slot(self, nbytes: int) -> dict:
        """An empty region of `nbytes` for the worker to write an output into."""
        return {"offset": self._reserve(nbytes), "nbytes": int(nbytes)}

    def read(self, place: dict) -> bytes:
        return os.pread(self.fd, place["nbytes"], place["offset"]) if place["nbytes"] else b""


def _pwrite_all(fd: int, data: bytes | memoryview, offset: int) -> None:
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def _mapping(fd: int, offset: int, nbytes: int) -> mmap.mmap:
    if not isinstance(offset, int) or not isinstance(nbytes, int) or offset < 0 or nbytes < 0 or offset % PAGE:
        raise WireError("a malformed arena place")
    return mmap.mmap(fd, max(nbytes, 1), offset=offset)


def view(fd: int, place: dict) -> np.ndarray:
    """The worker's side: a writable array over the region `place` (memory shared with the host)."""
    dtype, shape = np.dtype(place["dtype"]), tuple(int(n) for n in place["shape"])
    if dtype.hasobject or dtype.itemsize * int(np.prod(shape, dtype=object)) != place["nbytes"]:
        raise WireError("an arena place whose shape and dtype do not match its size")
    memory = _mapping(fd, place["offset"], place["nbytes"])
    count = place["nbytes"] // dtype.itemsize if dtype.itemsize else 0
    return np.frombuffer(memory, dtype=dtype, count=count).reshape(shape)


def fill(fd: int, slot: dict, array: np.ndarray) -> dict | None:
    """The worker's side of a timed call: copy `array` into the output slot; its shape and dtype, or None when it
    does not fit."""
    data = np.ascontiguousarray(array)
    if data.dtype.hasobject or data.nbytes > slot["nbytes"]:
        return None
    _pwrite_all(fd, memoryview(data).cast("B"), slot["offset"])  # one copy, no mapping
    return {"shape": list(data.shape), "dtype": data.dtype.str}


def array_from(raw: bytes | memoryview | mmap.mmap, described: dict) -> np.ndarray | None:
    """The host's reading of an output slot the worker filled, with the shape and dtype it claimed; None when the
    claim is not a plain array that fits the bytes (the claim comes from the student's process: anything).
    Over `raw` itself, without a copy."""
    try:
        dtype = np.dtype(str(described["dtype"])[:16])
        shape = tuple(int(n) for n in described["shape"][:33])
        if dtype.hasobject or dtype.itemsize == 0 or dtype.kind not in "biufc" or len(shape) > 32 \
                or any(n < 0 or n > len(raw) for n in shape):
            return None
        nbytes = dtype.itemsize * int(np.prod(shape, dtype=object))
        if nbytes > len(raw):
            return None
        return np.frombuffer(raw, dtype=dtype, count=nbytes // dtype.itemsize).reshape(shape)
    except (KeyError, TypeError, ValueError, OverflowError, MemoryError):
        return None


def mapped(arena: Arena, place: dict) -> mmap.mmap:
    """The host's read-only mapping of a region of its arena (a slot the worker filled): read in place, without
    the copy `Arena.read` makes (a speed case's outputs are megabytes, read every round)."""
    return mmap.mmap(arena.fd, max(int(place["nbytes"]), 1), offset=int(place["offset"]), prot=mmap.PROT_READ)
