"""The protocol's bytes (autograder/sandbox/wire.py): are frames bounded before they are read, and does the
arena carry arrays both ways as shared memory?"""
from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

from autograder.sandbox import wire


def test_a_frame_round_trips():
    """Does a packed message come back as it was, through a pipe?"""
    read, write = os.pipe()
    try:
        wire.write_frame(write, {"op": "call", "id": "a/b", "args": {"n": 3}})
        assert wire.read_frame(read, 1 << 20) == {"op": "call", "id": "a/b", "args": {"n": 3}}
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.parametrize("header, reason", [
    (b"ffffffff", "more than the limit"),
    (b"0000002x", "not 8 hexadecimal digits"),
    (b"\n\n\n\n\n\n\n\n", "not 8 hexadecimal digits"),
])
def test_a_bad_header_is_refused_before_anything_is_read(header, reason):
    """Is an announced 4 GB frame, or a header that is not one, refused from its 8 bytes alone?"""
    with pytest.raises(wire.WireError, match=reason):
        wire.frame_length(header, 64 * 2**20)


@pytest.mark.parametrize("body, reason", [(b"[1, 2]", "not a JSON object"), (b"{nope", "not JSON"),
                                          (b'{"v": ' + b"9" * 5000 + b"}", "not JSON")])
def test_a_body_that_is_not_a_message_is_refused(body, reason):
    with pytest.raises(wire.WireError, match=reason):
        wire.unpack(body)


def test_the_arena_carries_an_array_as_shared_memory():
    """Does the worker's view of an array placed by the host share its memory, so that the host sees a change
    made through the view, and does an output slot come back with its claimed shape?"""
    arena = wire.Arena()
    try:
        place = arena.put(np.arange(12.0).reshape(3, 4))
        view = wire.view(arena.fd, place)
        np.testing.assert_array_equal(view, np.arange(12.0).reshape(3, 4))
        view[1, 1] = -1.0
        changed = np.frombuffer(arena.read(place), dtype=np.float64).reshape(3, 4)
        assert changed[1, 1] == -1.0
        slot = arena.slot(1024)
        described = wire.fill(arena.fd, slot, np.full((2, 3), 7, np.float32))
        got = wire.array_from(arena.read(slot), described)
        assert got.shape == (2, 3) and got.dtype == np.float32 and (got == 7).all()
        assert wire.array_from(arena.read(slot), {"shape": [100, 100], "dtype": "<f4"}) is None  # claims too much
        assert wire.fill(arena.fd, slot, np.zeros(1000)) is None  # does not fit
    finally:
        arena.close()


def test_a_place_that_lies_about_its_size_is_refused():
    arena = wire.Arena()
    try:
        place = arena.put(np.zeros(4))
        with pytest.raises(wire.WireError):
            wire.view(arena.fd, {**place, "shape": [1000]})
    finally:
        arena.close()


def test_reading_a_flood_is_linear(tmp_path):
    """A worker that fills its pipe with newlines where its answer should be: is it refused at once, whatever
    follows (the 8-byte header is read, found wrong, and nothing else is buffered)?"""
    from autograder.sandbox.process import ProtocolBreak, Worker

    class _Process:
        pid, stdout = os.getpid(), None

        def finish(self):
            return 0

    request_read, request_write = os.pipe()
    response_read, response_write = os.pipe()
    os.set_blocking(response_write, False)
    try:
        os.write(response_write, b"\n" * 60_000)
    except BlockingIOError:
        pass
    worker = Worker(_Process(), request_write, response_read, wire.Arena(), None)
    started = time.monotonic()
    with pytest.raises(ProtocolBreak, match="hexadecimal"):
        worker.receive(time.monotonic() + 5)
    assert time.monotonic() - started < 1
    worker.finish()
    for fd in (request_read, response_write):
        os.close(fd)


@pytest.mark.parametrize("claim", [
    {"shape": [0, 10**30], "dtype": "<f4"},
    {"shape": [4], "dtype": "V0"},
    {"shape": [4], "dtype": "|O"},
    {"shape": "nope", "dtype": "<f4"},
    {"shape": [2] * 40, "dtype": "<f4"},
    {"shape": [-1], "dtype": "<f4"},
    {"dtype": "<f4"},
    {"shape": [1], "dtype": "<" + "f" * 10**6},
])
def test_a_lying_output_claim_is_none_not_an_exception(claim):
    """The shape and dtype of a timed output are the student's process's claim: is every malformed one read as
    'no array' (a red team turned one into a grader error for the whole submission)?"""
    assert wire.array_from(b"\0" * 64, claim) is None


def test_lone_surrogates_from_the_worker_become_replacement_characters():
    """JSON can carry a lone UTF-16 surrogate (`"\\ud800"`, or its CESU-8 bytes), which is no character: does the
    host's reader turn each one, in keys and values at any depth, into U+FFFD, so that a student's exception text
    or returned string never makes writing results.json (UTF-8) fail, while real characters stay as they are?"""
    from autograder.sandbox.wire import unpack

    body = json.dumps({"op": "result", "message": "bad \ud800", "k\udcff": [["\ud83d\ude00", {"x": "\udfff"}]]})
    message = unpack(body.encode())
    assert message == {"op": "result", "message": "bad \ufffd", "k\ufffd": [["😀", {"x": "\ufffd"}]]}
    assert unpack(b'{"m": "\xed\xa0\x80 ok"}') == {"m": "\ufffd ok"}
    assert unpack(b'{"m": "\\\\ud800"}') == {"m": "\\ud800"}  # an escaped backslash, then text: left alone
    json.dumps(message, ensure_ascii=False).encode("utf-8")


def test_the_arena_grows_by_doubling_and_keeps_its_size_when_regions_are_reused(monkeypatch):
    """A speed case's rounds reuse the same regions (end reset to a mark): does the arena's file keep its size
    then, and grow by doubling otherwise, instead of one ftruncate per region (800 per grading)?"""
    import os

    from autograder.sandbox import wire

    calls = []
    real = os.ftruncate
    monkeypatch.setattr(os, "ftruncate", lambda fd, size: (calls.append(size), real(fd, size))[1])
    arena = wire.Arena()
    try:
        mark = arena.end
        for _ in range(50):
            arena.end = mark
            place = arena.put(np.arange(1000.0))
            arena.slot(1 << 16)
        assert len(calls) <= 2 and os.fstat(arena.fd).st_size >= arena.end
        for _ in range(200):
            arena.slot(4096)
        assert len(calls) <= 2 + 10
        assert np.array_equal(np.frombuffer(arena.read(place), np.float64), np.arange(1000.0))
    finally:
        arena.close()


def test_the_arena_cannot_be_shrunk_or_sealed_by_the_worker():
    """The worker holds the arena's file too, and the host reads speed rounds' outputs through mappings of it: a
    red team truncated it under such a mapping (SIGBUS killed the grader). Does a truncation through another
    descriptor of the file (the worker's) fail, and an added seal too (one against growing would fail the host's
    next region), while the host still grows it and reads the mapping?"""
    import fcntl
    import mmap

    arena = wire.Arena()
    try:
        place = arena.put(np.arange(4096, dtype=np.float64))
        workers = os.open(f"/proc/self/fd/{arena.fd}", os.O_RDWR)  # another open file, as the worker's would be
        try:
            with pytest.raises(PermissionError):
                os.ftruncate(workers, 0)
            with pytest.raises(PermissionError):
                fcntl.fcntl(workers, fcntl.F_ADD_SEALS, fcntl.F_SEAL_GROW)
        finally:
            os.close(workers)
        arena.slot(8 * 2**20)  # grows
        assert os.fstat(arena.fd).st_size >= 8 * 2**20
        view = np.frombuffer(wire.mapped(arena, place), dtype=np.float64, count=4096)
        assert view[4095] == 4095.0
    finally:
        arena.close()
