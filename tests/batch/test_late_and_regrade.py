"""grade-all with a deadline (the late penalty from each submission's time, the same on every route) and
regrading one student (`--only`), on the reduced course (tests/batch/conftest.py)."""
from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from batch_helpers import BUGS, solution_files, write_folder, write_zip

from autograder.cli import EXIT_OK, EXIT_UNUSABLE, main

from support import ASSIGNMENT, write_small_course

LATE = "late: {deadline: 2026-12-10T23:59:00-03:00, penalty_per_day: 10, max_days: 5}\n"


@pytest.fixture(scope="module")
def late_course(tmp_path_factory):
    root = write_small_course(tmp_path_factory.mktemp("late_course"), {"case_seconds": 1, "exercise_seconds": 2})
    (root / "course.yaml").write_text((root / "course.yaml").read_text() + LATE)
    return root


def _rows(out):
    return {row["student"]: row for row in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}


def test_late_penalties_reach_the_csv_and_every_route_gives_the_same_results(late_course, tmp_path, capsys):
    """Does each student lose what the rule says from the time in --times or nbgrader's timestamp.txt (none for a
    student without a time), with raw, penalty and final in grades.csv; and do `grade --submitted-at` and the
    Gradescope route (created_at) write the same results.json as grade-all?"""
    from autograder.packaging.gradescope import run_submission
    from autograder.spec import load_course

    folder = tmp_path / "submissions"
    write_folder(folder / "alice", solution_files())
    write_zip(folder / "bob.zip", solution_files(**BUGS["bias_missing"]))
    write_folder(folder / "carol" / ASSIGNMENT, solution_files())
    (folder / "carol" / ASSIGNMENT / "timestamp.txt").write_text("2026-12-16 03:00:00.000001 UTC")  # 5 days 1 min late
    write_folder(folder / "dave", solution_files())
    times = tmp_path / "times.csv"
    times.write_text("sid,submitted_at\nalice,2026-12-10T23:59:00-03:00\nbob,2026-12-12T02:59:00-03:00\n")
    out, course = tmp_path / "grades", ["--course", str(late_course)]

    assert main([*course, "grade-all", str(folder), "--out", str(out), "--times", str(times), "--no-html"]) == 0
    printed = capsys.readouterr().out
    assert ("Late submissions (deadline 2026-12-10 23:59 -03:00, -10% per started day late, 0 after 5 days): 2\n"
            "  bob -20%, carol -100%\n"
            "No submission time, so no late penalty, for 1: dave (no entry in --times)") in printed
    rows = _rows(out)
    picked = {s: (r["total"], r["submitted_at"], r["days_late"], r["penalty"], r["final"]) for s, r in rows.items()}
    assert picked == {"alice": ("35", "2026-12-10T23:59:00-03:00", "0", "0", "35"),  # exactly at the deadline
                      "bob": ("32", "2026-12-12T02:59:00-03:00", "2", "20", "25.6"),  # 1 day 3 h: 2 started days
                      "carol": ("35", "2026-12-16T03:00:00.000001+00:00", "6", "100", "0"),
                      "dave": ("35", "", "", "", "35")}
    bob = json.loads((out / "bob" / "results.json").read_text())
    assert bob["score"] == 25.6 and sum(t["score"] for t in bob["tests"]) == pytest.approx(32)
    assert "Submitted 1 day 3 h late (deadline 2026-12-10 23:59 -03:00): -20% (2 started days x 10%). Your " \
           "points: 32 - 20% = 25.6 of 35." in bob["output"]

    # `grade --submitted-at`: byte for byte what grade-all wrote
    write_folder(tmp_path / "bob", solution_files(**BUGS["bias_missing"]))
    assert main([*course, "grade", str(tmp_path / "bob"), "--student", "bob", "--submitted-at",
                 "2026-12-12T05:59:00Z", "--out", str(tmp_path / "bob.json"), "-q"]) == EXIT_OK
    assert (tmp_path / "bob.json").read_bytes() == (out / "bob" / "results.json").read_bytes()

    # Gradescope: the time is the metadata's created_at
    root = tmp_path / "autograder"
    shutil.copytree(tmp_path / "bob", root / "submission")
    (root / "submission_metadata.json").write_text(json.dumps({
        "created_at": "2026-12-12T02:59:00.000000-03:00", "users": [{"sid": "bob", "email": "b@x", "id": 7}]}))
    spec = load_course(late_course)
    assert run_submission(spec, spec.assignment(ASSIGNMENT), root) == 0
    on_gradescope = json.loads((root / "results" / "results.json").read_text())
    assert on_gradescope.pop("execution_time") >= 0  # run_autograder's own; grade and grade-all leave it out
    assert on_gradescope == json.loads((out / "bob" / "results.json").read_text())

    # A corrected time grades the student again (the fingerprint holds it); the others are skipped.
    times.write_text("sid,submitted_at\nalice,2026-12-10T23:59:00-03:00\nbob,2026-12-10T22:00:00-03:00\n")
    assert main([*course, "grade-all", str(folder), "--out", str(out), "--times", str(times), "--no-html"]) == 0
    assert "graded 1, skipped 3 graded before" in capsys.readouterr().out
    assert _rows(out)["bob"]["final"] == "32"


def test_a_bad_times_file_or_time_is_a_usage_error(late_course, tmp_path, capsys):
    write_folder(tmp_path / "subs" / "alice", solution_files())
    times = tmp_path / "times.csv"
    times.write_text("sid,submitted_at\nalice,11/12/2026 10:00\n")
    course = ["--course", str(late_course)]
    assert main([*course, "grade-all", str(tmp_path / "subs"), "--times", str(times)]) == EXIT_UNUSABLE
    assert capsys.readouterr().err == (f"autograder: {times}:2: alice: '11/12/2026 10:00' is not a date and time "
                                       f"such as 2026-12-10T23:59:00-03:00\n")
    assert main([*course, "grade", str(tmp_path / "subs" / "alice"), "--submitted-at", "2026-12-11 10:00"]) == \
        EXIT_UNUSABLE
    assert "--submitted-at: '2026-12-11 10:00' has no UTC offset" in capsys.readouterr().err


def test_only_regrades_one_student_and_leaves_the_others_as_they_were(small_course, tmp_path, capsys):
    """A regrade request: does `--only bob` grade bob again (his submission fixed), leave alice's files untouched
    although her submission changed too, and rewrite grades.csv and summary.txt with everybody?"""
    folder = tmp_path / "submissions"
    write_folder(folder / "alice", solution_files())
    write_zip(folder / "bob.zip", solution_files(**BUGS["bias_missing"]))
    write_folder(folder / "carol", solution_files(**BUGS["bias_per_weight"]))
    out, course = tmp_path / "grades", ["--course", str(small_course)]
    assert main([*course, "grade-all", str(folder), "--out", str(out), "--no-html"]) == 0
    before = {s: (out / s / "run.json").stat().st_mtime_ns for s in ("alice", "bob", "carol")}
    results = {s: (out / s / "results.json").read_bytes() for s in ("alice", "carol")}
    assert _rows(out)["bob"]["total"] == "32"

    write_zip(folder / "bob.zip", solution_files())  # the fix of bob's regrade request
    write_folder(folder / "alice", solution_files(**BUGS["bias_missing"]))  # changed, but not to be regraded
    capsys.readouterr()
    assert main([*course, "grade-all", str(folder), "--out", str(out), "--only", "bob", "--no-html"]) == 0
    captured = capsys.readouterr()
    assert "regraded bob (--only), kept the other 2 as graded before" in captured.out
    assert "[1/1] bob: 35/35" in captured.err and "already graded" not in captured.err
    assert {s: (out / s / "run.json").stat().st_mtime_ns for s in ("alice", "carol")} == \
        {s: before[s] for s in ("alice", "carol")}
    assert {s: (out / s / "results.json").read_bytes() for s in ("alice", "carol")} == results
    assert {s: r["total"] for s, r in _rows(out).items()} == {"alice": "35", "bob": "35", "carol": "32.523"}
    assert "3 students, totals out of 35: mean 34.1743" in (out / "summary.txt").read_text()

    # A later full run grades alice's changed submission, and skips bob (graded by --only, marked done).
    assert main([*course, "grade-all", str(folder), "--out", str(out), "--no-html"]) == 0
    assert "graded 1, skipped 2 graded before" in capsys.readouterr().out
    assert _rows(out)["alice"]["total"] == "32"


@pytest.mark.parametrize("args, message", [
    (["--only", "bbo"], "--only bbo: no submission of student 'bbo' in {folder}; did you mean bob?"),
    (["--only", "bob", "--force"], "--only regrades just the students named, --force everybody: give one of them"),
])
def test_only_names_a_student_of_the_class(small_course, tmp_path, capsys, args, message):
    folder = tmp_path / "submissions"
    write_folder(folder / "bob", solution_files())
    assert main(["--course", str(small_course), "grade-all", str(folder), "--out", str(tmp_path / "g"), *args]) == \
        EXIT_UNUSABLE
    assert capsys.readouterr().err == f"autograder: {message.format(folder=folder)}\n"
