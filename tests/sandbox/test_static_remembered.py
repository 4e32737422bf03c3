"""The scan's answers about installed modules kept on disk between the kit's checks (static/remembered.py)."""
from __future__ import annotations

import json

import pytest

from autograder.sandbox.static import families, modules, remembered

PATHS = ("torch.nn.functional.conv2d", "os.sys.modules", "torch.os.system", "numpy.lib.stride_tricks", "helpers.x")
FORBIDDEN = ("numpy.convolve", "torch.nn.functional.conv2d")


@pytest.fixture(autouse=True)
def nothing_in_use():
    remembered.use(None)
    yield
    remembered.use(None)


def answers():
    return ([modules.denoted(p, frozenset({"torch"})) for p in PATHS], [modules.is_module(p) for p in PATHS],
            families.guarded(FORBIDDEN))


def test_kept_answers_are_the_live_ones_and_a_second_run_reads_them(tmp_path, monkeypatch):
    """Does a memo give the same answers as the live scan, keep them in its file, and let the next process's memo
    answer without computing anything (the computing functions fail if called)?"""
    live = answers()
    families.guarded.cache_clear()  # this process's own cache of a list's guard, in front of the memo
    memo = remembered.Remembered(tmp_path / remembered.FILE)
    remembered.use(memo)
    assert answers() == live
    memo.save()
    assert json.loads((tmp_path / remembered.FILE).read_text())["fingerprint"] == remembered.fingerprint()

    def never(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr(modules, "_denoted", never)
    monkeypatch.setattr(modules, "_is_module", never)
    monkeypatch.setattr(families, "_guarded", never)
    families.guarded.cache_clear()
    remembered.use(remembered.Remembered(tmp_path / remembered.FILE))
    assert answers() == live


@pytest.mark.parametrize("content", ["{not json", json.dumps({"fingerprint": ["another"], "tables": {}}),
                                     json.dumps({"fingerprint": None, "tables": {"denoted": {"k": [1]}}}), "[]"],
                         ids=["corrupt", "another interpreter", "bad values", "not a mapping"])
def test_a_file_that_is_not_this_interpreters_is_ignored(tmp_path, content):
    """Is a corrupt file, one made for another interpreter or packages, or one holding malformed values, ignored
    (every answer computed again, the same as live)?"""
    live = answers()
    (tmp_path / remembered.FILE).write_text(content)
    memo = remembered.Remembered(tmp_path / remembered.FILE)
    assert memo.tables == {}
    remembered.use(memo)
    assert answers() == live


def test_a_kept_answer_of_the_wrong_form_is_computed_again(tmp_path):
    """A value of the wrong form for its kind (edited by hand) is not believed: the answer is computed again."""
    memo = remembered.Remembered(tmp_path / remembered.FILE)
    key = "\x1f".join(("os.sys.modules", "torch"))
    memo.tables = {"denoted": {key: "sys.modules"}, "modules": {"os.sys": "yes"}}
    remembered.use(memo)
    assert modules.denoted("os.sys.modules", frozenset({"torch"})) == ("os.sys.modules", "sys.modules")
    assert modules.is_module("os.sys") is True


def test_grading_never_reads_the_file(tmp_path, monkeypatch):
    """Only the kit's check puts a memo in use: is none in use after a check, and does the course's grader (which
    never calls `use`) compute every answer live, whatever the file says?"""
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path))
    (tmp_path / remembered.FILE).write_text(json.dumps({"fingerprint": remembered.fingerprint(),
                                                        "tables": {"modules": {"os.sys": False}}}))
    assert remembered._active is None
    assert modules.is_module("os.sys") is True
