"""Does the grades folder say exactly which students are done, and name a run.json it cannot read?"""
from __future__ import annotations

import pytest
from test_summary import run_of

from autograder.batch import store


def test_a_student_is_done_only_with_the_same_fingerprint_and_a_run(tmp_path):
    student, run = run_of("alice", {"output_size": 4, "conv2d": 10})
    assert not store.is_done(tmp_path, "alice", "abc")
    folder = store.save(tmp_path, "alice", run, "{}\n", "abc")
    assert sorted(p.name for p in folder.iterdir()) == [".done", "results.json", "run.json"]
    assert store.is_done(tmp_path, "alice", "abc")
    assert not store.is_done(tmp_path, "alice", "abd")
    assert store.load_all(tmp_path) == [("alice", run)]
    (folder / "run.json").unlink()
    assert not store.is_done(tmp_path, "alice", "abc")


def test_a_run_saved_without_fingerprint_is_not_done(tmp_path):
    """Is a grader failure (saved without a fingerprint) graded again, even over an old `.done`?"""
    _, run = run_of("bob", {"output_size": 4, "conv2d": 10})
    store.save(tmp_path, "bob", run, "{}\n", "abc")
    store.save(tmp_path, "bob", run, "{}\n", None)
    assert not store.is_done(tmp_path, "bob", "abc")


def test_an_unreadable_run_is_named(tmp_path):
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "run.json").write_text('{"assignment": "a"}')
    with pytest.raises(store.StoreError, match=r"carol/run.json: not a readable grading run \(KeyError"):
        store.load_all(tmp_path)
    with pytest.raises(store.StoreError, match=r"missing: no such grades folder"):
        store.load_all(tmp_path / "missing")


def test_a_student_graded_again_without_a_report_loses_the_old_one(tmp_path):
    """Is report.html of an earlier run removed when the student is saved again without it (`--no-html`), so that
    an old page never sits beside new results, while files that are no report stay?"""
    _, run = run_of("dora", {"output_size": 4, "conv2d": 10})
    folder = store.save(tmp_path, "dora", run, "{}\n", "abc", {"report.html": "<p>old</p>"})
    (folder / "notes.txt").write_text("the instructor's own file")
    assert (folder / "report.html").read_text() == "<p>old</p>"
    store.save(tmp_path, "dora", run, "{}\n", "abd")
    assert sorted(p.name for p in folder.iterdir()) == [".done", "notes.txt", "results.json", "run.json"]
    store.save(tmp_path, "dora", run, "{}\n", "abe", {"report.html": "<p>new</p>"})
    assert (folder / "report.html").read_text() == "<p>new</p>"
