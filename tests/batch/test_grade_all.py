"""`autograder grade-all` and `export-grades` end to end, on the reduced course (tests/batch/conftest.py).

The issue's done-criterion: 30 generated submissions (correct, buggy, hostile: a wrong bias count, a flipped
kernel, an infinite loop, sys.exit at import, a stub, a zip slip, a zip bomb) give the expected score per
student, resume after the command is killed half-way (nothing lost, graded students skipped), show a progress
bar, and give the same per-student results on a Dask cluster as with the local executor.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from batch_helpers import BUGS, SMALL_TOTAL, make_class, solution_files, write_folder, write_zip

from autograder import tempfolders
from autograder.cli import main

AUTOGRADER = str(Path(sys.executable).with_name("autograder"))
FULL = {"dense_param_count": 3, "output_size": 4, "same_padding": 3, "conv_param_count": 3, "cnn_output_shapes": 5,
        "apply_filter_at": 6, "conv2d_single": 8, "edge_kernels": 3}
FILTERS = ("apply_filter_at", "conv2d_single", "edge_kernels")
EXPECTED = {
    "correct": FULL,
    "bias_missing": {**FULL, "conv_param_count": 0},  # its ValueError cases pass, for no points: no value is right
    "bias_per_weight": {**FULL, "dense_param_count": 0.523},  # right for 1x1x1 into 1 unit, and the ValueErrors
    "infinite_loop": {**FULL, "same_padding": 0},
    "exit_at_import": {**FULL, **{e: 0 for e in FILTERS}},
    "stub": {e: 0 for e in FULL},
    "zip_slip": {e: 0 for e in FULL},
    "zip_bomb": {e: 0 for e in FULL},
}
"""Per kind of submission: the score of each exercise (flipped_kernel is checked apart: its hidden random
cases differ per student)."""
STATUSES = {"infinite_loop": ("same_padding", {"timeout"}), "exit_at_import": ("conv2d_single", {"ungradable"}),
            "stub": ("output_size", {"not_implemented"}), "zip_slip": ("edge_kernels", {"ungradable"}),
            "zip_bomb": ("edge_kernels", {"ungradable"}), "bias_missing": ("conv_param_count", {"failed", "passed"})}


def runs_in(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(out.glob("*/run.json"))}


def processes_with(entry: str) -> list[int]:
    """Live processes whose environment holds `entry` (NAME=value)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if entry.encode() in open(f"/proc/{name}/environ", "rb").read().split(b"\0") and \
                    open(f"/proc/{name}/stat", "rb").read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X"):
                found.append(int(name))
        except OSError:
            continue
    return found


def command(course: Path, *args: str) -> list[str]:
    return [AUTOGRADER, "--course", str(course), *args]


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("class") / "submissions"
    return folder, make_class(folder, 30)


def test_thirty_submissions_resume_after_a_kill_and_match_a_dask_cluster(small_course, klass, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder, kinds = klass
    out = tmp_path / "grades"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # 1. Killed (SIGKILL, no clean-up) once a few students are done.
    marker = f"AUTOGRADER_TEST_RUN={uuid.uuid4().hex}"
    scratch = Path(tempfile.mkdtemp(prefix="grade-all-killed-"))  # its temporary folder: what it leaves, alone
    scratch.chmod(0o755)  # as /tmp's: a worker's private uid goes through it to its own folder
    first = subprocess.Popen(command(small_course, "grade-all", str(folder), "--out", str(out), "--jobs", "1"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**env, "AUTOGRADER_TEST_RUN": marker.split("=")[1], "TMPDIR": str(scratch)})
    deadline = time.monotonic() + 60
    while (len(list(out.glob("*/.done"))) < 4 or not list(scratch.glob("autograder-batch-*"))) and \
            first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)  # mid-grading: a submission's folder is there
    first.wait()
    # Nothing of it lives on: its process pool's fork server and job processes die with it (their environment
    # has the marker; its warm pool server and workers die with the process and thread that started them).
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(marker) == [], "a process of the killed grade-all outlived it"
    # What it left on disk (the submission it was grading, its workers' folders, the pool's runtime) is held by
    # nobody now: the next command's sweep removes all of it (here without the grace a younger folder gets).
    left = sorted(p.name for p in scratch.iterdir() if (p / tempfolders.HELD).is_file())
    assert any(name.startswith("autograder-batch-") for name in left), left
    assert sorted(p.name for p in tempfolders.sweep(scratch, grace=0)) == left
    shutil.rmtree(scratch)  # (a folder killed between its making and its marker: none seen, but not the test's)
    done = {p.parent.name: p.parent.joinpath("run.json").stat().st_mtime_ns for p in out.glob("*/.done")}
    assert 4 <= len(done) < 30, f"the kill came too late or too early: {len(done)} students done"

    # 2. The re-run grades only the others, and shows its progress.
    second = subprocess.run(command(small_course, "grade-all", str(folder), "--out", str(out), "--jobs", "2"),
                            capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    assert f"graded {30 - len(done)}, skipped {len(done)} graded before" in second.stdout
    assert f"{len(done)} already graded, skipped" in second.stderr
    assert "[30/30]" in second.stderr and "ETA" in second.stderr
    assert {s: out.joinpath(s, "run.json").stat().st_mtime_ns for s in done} == done  # not graded again
    local = runs_in(out)
    assert sorted(local) == sorted(kinds)

    for student, kind in kinds.items():
        scores = {e["id"]: e["score"] for e in local[student]["exercises"]}
        if kind == "flipped_kernel":
            assert scores == {**FULL, "conv2d_single": scores["conv2d_single"]} and 0 < scores["conv2d_single"] < 8
        else:
            assert scores == EXPECTED[kind], student
        if kind in STATUSES:
            exercise, statuses = STATUSES[kind]
            cases = next(e["cases"] for e in local[student]["exercises"] if e["id"] == exercise)
            assert {c["status"] for c in cases} == statuses, student
    assert local["s07_zip_slip"]["notes"] == [
        "Not graded: s07_zip_slip.zip: member '../../escaped.py' has a '..' component (it would be written "
        "outside the folder)"]
    assert "s08_zip_bomb.zip: member 'big.bin': more than 50 MB" in local["s08_zip_bomb"]["notes"][0]
    csv_rows = out.joinpath("grades.csv").read_text().splitlines()
    assert len(csv_rows) == 31 and csv_rows[1] == f"s00_correct,{SMALL_TOTAL},{SMALL_TOTAL},3,4,3,3,5,6,8,3,graded,"
    assert out.joinpath("summary.txt").read_text() in second.stdout
    # What the class got wrong, from these runs (4 students of each of the first three kinds, 3 of the others): a
    # stub's 0 is a real one, a refused zip's is not; every bias and kernel bug is named, nothing else.
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(out.joinpath("grades.csv").read_text()))}
    assert {kind: {rows[s]["grading"] for s in kinds if kinds[s] == kind} for kind in EXPECTED} == {
        **{kind: {"graded"} for kind in EXPECTED}, "exit_at_import": {"partly_graded"},
        "zip_slip": {"upload_refused"}, "zip_bomb": {"upload_refused"}}
    assert {rows[s]["mistakes"] for s in kinds if kinds[s] == "flipped_kernel"} == {"conv2d_single:flipped_kernel"}
    assert out.joinpath("mistakes.csv").read_text() == ("exercise,mistake,students,share\n"
                                                        "dense_param_count,bias_per_weight,4,0.1333\n"
                                                        "conv_param_count,bias_forgotten,4,0.1333\n"
                                                        "conv2d_single,flipped_kernel,3,0.1\n")
    assert "  conv_param_count: bias_forgotten      4 students (13%)\n" in second.stdout
    assert "6 could not be graded at all" in second.stdout and "3 partly_graded, 6 upload_refused" in second.stdout
    assert "<svg" in out.joinpath("class.html").read_text()

    # 3. A Dask cluster (two worker processes) gives the same results.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        code = main(["--course", str(small_course), "grade-all", str(folder), "--out", str(tmp_path / "dask"),
                     "--executor", "dask", "--scheduler", cluster.scheduler_address])
    assert code == 0
    assert runs_in(tmp_path / "dask") == local
    assert out.joinpath("grades.csv").read_text() == (tmp_path / "dask" / "grades.csv").read_text()


def test_results_match_grade_and_resume_force_and_export(small_course, tmp_path, capsys):
    """Is results.json what `autograder grade` writes; are graded students skipped, a changed submission
    graded again, everything with --force; and does export-grades rebuild the CSV?"""
    folder = tmp_path / "submissions"
    write_folder(folder / "alice", solution_files())
    write_zip(folder / "bob.zip", solution_files(**BUGS["bias_missing"]), prefix="bob/")
    out, course = tmp_path / "grades", ["--course", str(small_course)]

    assert main([*course, "grade-all", str(folder), "--out", str(out)]) == 0
    assert "graded 2, skipped 0" in capsys.readouterr().out
    assert main([*course, "grade", str(folder / "alice"), "--student", "alice", "--out", str(tmp_path / "r.json"),
                 "-q"]) == 0
    assert (out / "alice" / "results.json").read_bytes() == (tmp_path / "r.json").read_bytes()

    assert main([*course, "grade-all", str(folder), "--out", str(out)]) == 0
    assert "graded 0, skipped 2" in capsys.readouterr().out
    write_folder(folder / "alice", solution_files(**BUGS["bias_per_weight"]))
    assert main([*course, "grade-all", str(folder), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "graded 1, skipped 1" in captured.out and "alice: 32.523/35" in captured.err
    assert main([*course, "grade-all", str(folder), "--out", str(out), "--force", "--executor", "threads"]) == 0
    assert "graded 2, skipped 0" in capsys.readouterr().out

    expected_csv = ("student,total,max,dense_param_count,output_size,same_padding,conv_param_count,"
                    "cnn_output_shapes,apply_filter_at,conv2d_single,edge_kernels,grading,mistakes\n"
                    "alice,32.523,35,0.523,4,3,3,5,6,8,3,graded,dense_param_count:bias_per_weight\n"
                    "bob,32,35,3,4,3,0,5,6,8,3,graded,conv_param_count:bias_forgotten\n")
    assert (out / "grades.csv").read_text() == expected_csv
    assert main(["export-grades", str(out), "--out", str(tmp_path / "class.csv")]) == 0
    assert (tmp_path / "class.csv").read_text() == expected_csv
    assert main([*course, "export-grades", str(out), "--html", str(tmp_path / "class.html")]) == 0
    assert (tmp_path / "class.html").read_text() == (out / "class.html").read_text()  # the same page on both routes
    assert "the biases are missing" in (out / "class.html").read_text()  # assignment.yaml's message


@pytest.mark.parametrize("args, message", [
    (["grade-all", "{tmp}/missing"], "{tmp}/missing: no such submissions folder"),
    (["grade-all", "{tmp}", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler goes with --executor dask"),
    (["grade-all", "{tmp}", "--jobs", "0"], "--jobs 0: give at least 1"),
    (["export-grades", "{tmp}"], "{tmp}: no <student>/run.json there; grade the class with `autograder grade-all`"),
])
def test_bad_command_lines_say_what_is_wrong(small_course, tmp_path, capsys, args, message):
    write_folder(tmp_path / "alice", solution_files())
    code = main(["--course", str(small_course), *(a.format(tmp=tmp_path) for a in args)])
    assert code == 2
    assert capsys.readouterr().err == f"autograder: {message.format(tmp=tmp_path)}\n"
