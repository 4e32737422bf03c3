"""The GitHub Classroom package: the workflow's steps, and its grading step run for real on a student repository,
its outputs handed to the real reporter (tests/classroom_reporter/, run with node)."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from classroom_reporter.run import run_reporter
from support import ASSIGNMENT, REPO

from autograder.packaging.classroom import (CHECK_NAME, COURSE_REPO_VARIABLE, COURSE_TOKEN_SECRET, GRADE_STEP,
                                            WORKFLOW_PATH, check_workflow, valid_repository, workflow)
from autograder.reporters.classroom import RESULT_LIMIT, RUNNERS

REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def steps_of(text: str) -> tuple[dict, list[dict]]:
    """The parsed workflow and the steps of its one job."""
    parsed = yaml.safe_load(text)
    (job,) = parsed["jobs"].values()
    return parsed, job["steps"]


def step(steps: list[dict], uses: str | None = None, step_id: str | None = None) -> dict:
    found = [s for s in steps if (uses is None or s.get("uses") == uses) and (step_id is None or s.get("id") == step_id)]
    assert len(found) == 1, f"expected one step {uses or step_id}, found {len(found)}"
    return found[0]


def test_workflow_triggers_permissions_and_job_name():
    """Does the workflow run on push, by hand and by repository_dispatch, with the minimal permissions, in a job
    named as the check run the reporter writes the points on?"""
    parsed, _ = steps_of(workflow(ASSIGNMENT))
    # YAML 1.1 (PyYAML) reads a bare `on:` key as True; the workflow quotes it, so both readers see "on".
    assert True not in parsed
    triggers = parsed["on"]
    assert set(triggers) == {"push", "workflow_dispatch", "repository_dispatch"}
    assert parsed["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}
    (job,) = parsed["jobs"].values()
    assert job["name"] == CHECK_NAME == "Autograding Tests"
    assert "github-classroom[bot]" in job["if"]


def test_workflow_checks_out_the_course_outside_the_submission():
    """Is the private course checked out with the secret token, then moved to $RUNNER_TEMP, and installed with
    the pinned CPU torch and the constraints?"""
    _, steps = steps_of(workflow(ASSIGNMENT))
    checkouts = [s for s in steps if s.get("uses") == "actions/checkout@v4"]
    assert len(checkouts) == 2 and "with" not in checkouts[0]
    course = checkouts[1]["with"]
    assert course["repository"] == f"${{{{ vars.{COURSE_REPO_VARIABLE} }}}}"
    assert course["token"] == f"${{{{ secrets.{COURSE_TOKEN_SECRET} }}}}"
    assert course["path"] == ".autograder-course"
    assert course["persist-credentials"] is False
    runs = [s.get("run", "") for s in steps]
    move = next(r for r in runs if "mv .autograder-course" in r)
    assert '"$RUNNER_TEMP/course"' in move
    assert steps.index(next(s for s in steps if s.get("run") == move)) > steps.index(checkouts[1])
    assert step(steps, uses="actions/setup-python@v5")["with"] == {"python-version": "3.11"}
    install = next(r for r in runs if "pip install" in r)
    assert "--index-url https://download.pytorch.org/whl/cpu torch==2.13.0" in install
    assert '-c "$RUNNER_TEMP/course/constraints.txt" "$RUNNER_TEMP/course"' in install
    assert workflow(ASSIGNMENT, "inf721/course").count("repository: inf721/course\n") == 1


def test_workflow_hands_the_grade_step_outputs_to_the_reporter():
    """Does the reporter read EARNED_RESULTS and MISSED_RESULTS, `<runner uppercased>_RESULTS` of the runners its
    `runners` input names, from the outputs of the grading step, which runs classroom-grade and appends them to
    $GITHUB_OUTPUT?"""
    _, steps = steps_of(workflow(ASSIGNMENT))
    grade = step(steps, step_id=GRADE_STEP)
    reporter = step(steps, uses=REPORTER)
    assert steps.index(reporter) == len(steps) - 1 and steps.index(grade) == len(steps) - 2
    assert reporter["with"] == {"runners": ",".join(RUNNERS)} == {"runners": "earned,missed"}
    assert reporter["env"] == {"EARNED_RESULTS": "${{ steps.grade.outputs.earned }}",
                               "MISSED_RESULTS": "${{ steps.grade.outputs.missed }}"}
    assert grade["env"] == {"STUDENT": "${{ github.actor }}"}
    assert f'autograder --course "$RUNNER_TEMP/course" classroom-grade . --assignment {ASSIGNMENT}' in grade["run"]
    assert '--github-output "$GITHUB_OUTPUT"' in grade["run"]


def test_workflow_is_deterministic_and_refuses_a_bad_course_repo():
    """Do the same arguments give the same files, and is a --course-repo that is not OWNER/NAME refused (it goes
    into the YAML as is)?"""
    assert workflow(ASSIGNMENT) == workflow(ASSIGNMENT)
    assert check_workflow(ASSIGNMENT) == check_workflow(ASSIGNMENT)
    assert valid_repository("inf721/course-2024.b") and valid_repository("a/b")
    for bad in ("inf721", "inf721/course/x", "a b/c", "a/..", "-a/b", "a/b\n", "${{ x }}/y", "a/b: c"):
        assert not valid_repository(bad), bad
        with pytest.raises(ValueError):
            workflow(ASSIGNMENT, bad)


def test_package_classroom_is_a_template_repository_whose_workflow_runs_check_with_no_secret(tmp_path, capsys):
    """Does `package classroom --out DIR` write the student kit plus a workflow that sets it up and runs `check`,
    with no secret name and no reference to the course repository anywhere in it?"""
    from autograder.cli import main
    from autograder.packaging.classroom import CHECK_WORKFLOW_PATH

    out = tmp_path / "classroom"
    assert main(["--course", str(REPO), "package", "classroom", "--assignment", ASSIGNMENT, "--out", str(out)]) == 0
    text = (out / CHECK_WORKFLOW_PATH).read_text()
    assert text == check_workflow(ASSIGNMENT) and "bash setup" in text and ".venv/bin/autograder check" in text
    assert "secrets." not in text and not (out / WORKFLOW_PATH).exists()
    assert (out / ASSIGNMENT / "shapes.py").is_file() and (out / ".autograder" / "cases.json").is_file()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".whl":
            data = path.read_text(encoding="utf-8")
            for secret in (COURSE_TOKEN_SECRET, COURSE_REPO_VARIABLE, "secrets.", "course-repo", ".autograder-course",
                           "classroom-grade"):
                assert secret not in data, f"{path}: {secret}"


def test_the_hidden_grading_workflow_is_opt_in_and_says_its_weakness(tmp_path, capsys):
    """Is the token-based grading workflow written only with --hidden-grading, with its weakness stated in the
    file and on the terminal, and is --course-repo refused without it or when malformed?"""
    from autograder.cli import main

    out = tmp_path / "classroom"
    assert main(["--course", str(REPO), "package", "classroom", "--assignment", ASSIGNMENT, "--out", str(out),
                 "--hidden-grading", "--course-repo", "inf721/c"]) == 0
    assert (out / WORKFLOW_PATH).read_text() == workflow(ASSIGNMENT, "inf721/c")
    assert "WEAKNESS" in workflow(ASSIGNMENT) and "print it" in capsys.readouterr().err
    assert main(["--course", str(REPO), "package", "classroom", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "b"), "--course-repo",
                 "inf721/c"]) == 2
    assert main(["--course", str(REPO), "package", "classroom", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "c"), "--hidden-grading",
                 "--course-repo", "x"]) == 2
    assert "OWNER/NAME" in capsys.readouterr().err


def test_grade_step_grades_the_student_repository_and_the_reporter_prints_its_grade(buggy, tmp_path):
    """Run the workflow's grade step as Actions would (bash -e, $RUNNER_TEMP holding the course, $GITHUB_OUTPUT,
    the checkout as working folder), then the real reporter with its outputs as the workflow hands them: is every
    number it prints the grade `autograder grade --student` gives (89 of 100), the points missed, or the maximum,
    with one line per exercise and nothing "undefined"?"""
    _, steps = steps_of(workflow(ASSIGNMENT))
    script = step(steps, step_id=GRADE_STEP)["run"]
    repository = tmp_path / "student-repo"
    shutil.copytree(buggy.folder, repository / "assignments" / ASSIGNMENT)
    (repository / "README.md").write_text("my assignment\n")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    (runner_temp / "course").symlink_to(REPO, target_is_directory=True)
    output = tmp_path / "github-output"
    output.write_text("earlier=step\n")  # other steps' outputs stay: the step appends
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output), "STUDENT": buggy.student,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("AUTOGRADER_COURSE", None)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repository, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "conv_param_count" in done.stdout  # the feedback is in the log
    lines = output.read_text().splitlines()
    assert [line.partition("=")[0] for line in lines] == ["earlier", *RUNNERS]
    outputs = dict(line.split("=", 1) for line in lines[1:])
    assert all(len(value) <= RESULT_LIMIT for value in outputs.values())
    expected = json.loads(buggy.results)
    assert (expected["score"], expected["extra_data"]["max_score"]) == (89, 100)

    reporter = step(steps, uses=REPORTER)
    log = run_reporter(reporter["with"]["runners"], outputs)  # the env the workflow sets, by runner name
    assert "undefined" not in log.log and "NaN" not in log.log, log.log
    assert log.points() == ("89", "100") and json.loads(log.summary()) == {"totalPoints": 89, "maxPoints": 100}
    assert log.table() == {"earned": ("89", "89"), "missed": ("0", "11"), "Total:": ("89", "100")}
    assert log.runner_totals() == {"earned": ("89.00", "89"), "missed": ("0.00", "11")}
    assert log.returncode == 1  # cases failed: the job fails, the points are reported
    exercises = {test["name"].split(": ")[0] for test in expected["tests"]}
    marked = [line[2:] for line in log.log.splitlines() if line[:2] in ("✅ ", "❌ ")]
    assert {line.split(": ")[0] for line in marked} == exercises and len(marked) == log.tests_passed()[1]
    earned = [line for line in log.log.splitlines() if line.startswith("✅ ")]
    assert sum(float(line.split(": ")[1].split(" of ")[0]) for line in earned) == 89
    assert "✅ conv2d_forward_torch: 13 of 16 points" in earned
    assert "❌ conv_param_count: 3 of 3 points missed" in log.log


def test_classroom_grade_finds_the_modules_at_the_repository_root(small_course, tmp_path, capsys):
    """Are modules at the root of the repository graded (rather than assignments/<id>/), and is an output file
    written only when asked for?"""
    from autograder.cli import main

    for module in ("shapes", "filters"):
        shutil.copy(REPO / "solutions" / ASSIGNMENT / f"{module}.py", tmp_path)
    out = tmp_path / "out" / "result.json"
    assert main(["--course", str(small_course), "classroom-grade", str(tmp_path), "--output", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["earned"]["max_score"] == 35 and results["missed"]["max_score"] == 0
    assert results["missed"]["status"] == "pass" and results["missed"]["tests"][0]["status"] == "pass"
    assert sum(t["score"] for t in results["earned"]["tests"]) == 35
    assert main(["--course", str(small_course), "classroom-grade", str(tmp_path / "missing")]) == 2
    assert "no such submission folder" in capsys.readouterr().err


def test_the_check_workflow_is_valid_yaml_that_sets_up_the_kit_and_runs_check():
    """Is the template's workflow well-formed, triggered by pushes, read-only, and made of the kit's own steps?"""
    import yaml

    data = yaml.safe_load(check_workflow(ASSIGNMENT))
    assert "push" in data["on"] and data["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in data["jobs"]["check"]["steps"]]
    assert runs[-2:] == ["bash setup", ".venv/bin/autograder check -v"]
    assert data["jobs"]["check"]["steps"][-2]["env"]["TORCH_INDEX"].startswith("https://download.pytorch.org/")


def noisy_copy(source: Path, target: Path, *statements: str) -> Path:
    """The modules of `source` with `statements` first in every top-level function (after its docstring)."""
    import ast

    target.mkdir()
    for path in sorted(source.glob("*.py")):
        if path.name == "mistakes.py":
            continue
        lines = path.read_text().splitlines()
        for node in reversed(ast.parse(path.read_text()).body):
            if isinstance(node, ast.FunctionDef):
                first = node.body[0]
                docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                at = first.end_lineno if docstring else first.lineno - 1
                lines[at:at] = [" " * first.col_offset + statement for statement in statements]
        (target / path.name).write_text("\n".join(lines) + "\n")
    return target


NOISY = {
    "stubs": (REPO / "assignments" / ASSIGNMENT, ()),
    "2 KB printed per call, then a 100 KB exception": (REPO / "solutions" / ASSIGNMENT,
                                                       ('print("x" * 2_000)', 'raise RuntimeError("z" * 100_000)')),
    "a megabyte printed per call, then a wrong value": (REPO / "solutions" / ASSIGNMENT,
                                                        ('print("y" * 1_000_000)', "return None")),
}


@pytest.mark.parametrize("name", list(NOISY))
def test_the_result_stays_under_the_limit_whatever_the_student_prints(name, tmp_path):
    """The stubs and students who print a lot, graded on every case: is each runner's result within
    RESULT_LIMIT (the results of one entry per case, as Gradescope's, are not: above Linux's 128 KiB for one
    environment string the reporter never starts), and does the real reporter run on it with the grade?"""
    from autograder.pipeline import grade
    from autograder.reporters import classroom, gradescope
    from autograder.spec import load_course

    source, statements = NOISY[name]
    folder = noisy_copy(source, tmp_path / "submission", *statements) if statements else source
    course = load_course(REPO)
    run = grade(course, course.assignment(ASSIGNMENT), folder, student="2024001")
    outputs = dict(line.split("=", 1) for line in classroom.github_output(run).splitlines())
    per_case = len(base64.b64encode(gradescope.dumps(run).encode()))
    print(f"{name}: {run.score}/{run.max_score}; base64 per runner {[len(v) for v in outputs.values()]} bytes; "
          f"one entry per case: {per_case} bytes")
    assert max(len(value) for value in outputs.values()) <= RESULT_LIMIT
    if statements:
        assert per_case > 128 * 1024  # the student is noisy enough: the old shape did not reach the reporter
    log = run_reporter(",".join(RUNNERS), outputs)
    assert "undefined" not in log.log and "NaN" not in log.log
    assert log.points() == (classroom.points(Fraction(str(run.score))), "100")


def test_what_the_student_prints_cannot_become_a_workflow_command(small_course, tmp_path, capsys):
    """A student whose functions print "::notice title=Autograding complete::Points 100/100" (what the reporter
    writes for Classroom): is that line in classroom-grade's log only while workflow commands are stopped, with a
    token that is not in the submission?"""
    import re

    from autograder.cli import main

    forged = "::notice title=Autograding complete::Points 100/100"
    folder = noisy_copy(REPO / "solutions" / ASSIGNMENT, tmp_path / "repo", f"print({forged!r})", "return None")
    assert main(["--course", str(small_course), "classroom-grade", str(folder)]) == 0
    out = capsys.readouterr().out
    assert forged in out
    (token,) = re.findall(r"^::stop-commands::([0-9a-f]{32})$", out, re.M)
    before, stopped, after = re.split(rf"^::stop-commands::{token}$|^::{token}::$", out, flags=re.M)
    assert before == "" and after == "\n" and forged in stopped
    assert token not in "".join(p.read_text() for p in folder.glob("*.py"))


def test_code_that_writes_to_the_graders_stdout_and_step_files_claims_nothing(small_course, tmp_path):
    """Without namespaces (GitHub's runners may refuse them) the student's code runs as the grader's user and can
    find the grader in /proc, write to its stdout (/proc/<pid>/fd/1, the pipe GitHub reads) and to the step's
    $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY (their paths are in /proc/<pid>/environ): does the forged notice it
    writes at import land after `::stop-commands::`, so that it stays text, and are both files put back, with only
    the grader's `earned=`/`missed=` lines, and the log saying so?"""
    import re

    course = shutil.copytree(small_course, tmp_path / "course")
    spec = yaml.safe_load((course / "course.yaml").read_text())
    spec.setdefault("sandbox", {})["isolation"] = "process"
    (course / "course.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    outputs, summary = tmp_path / "set_output", tmp_path / "step_summary"
    outputs.write_text("")
    summary.write_text("earlier\n")
    forged = "::notice title=Autograding complete::Points 100/100"
    folder = shutil.copytree(REPO / "solutions" / ASSIGNMENT, tmp_path / "repo",
                             ignore=shutil.ignore_patterns("mistakes.py", "__pycache__"))
    (folder / "shapes.py").write_text((folder / "shapes.py").read_text() + HIJACK_GRADER.replace("FORGED", forged))
    env = {**os.environ, "GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary)}
    graded = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(course), "classroom-grade",
                             str(folder), "--github-output", str(outputs)], env=env, capture_output=True,
                            text=True, timeout=120)
    assert graded.returncode == 0, graded.stderr
    assert "hijacked" in graded.stdout  # the attack ran and reached the grader's stdout
    (token,) = re.findall(r"^::stop-commands::([0-9a-f]{32})$", graded.stdout, re.M)
    before, stopped, after = re.split(rf"^::stop-commands::{token}$|^::{token}::$", graded.stdout, flags=re.M)
    assert before == "" and forged in stopped and after == "\n"
    assert "$GITHUB_OUTPUT changed while your code ran" in stopped
    assert "$GITHUB_STEP_SUMMARY changed while your code ran" in stopped
    assert [line.split("=")[0] for line in outputs.read_text().splitlines()] == list(RUNNERS)
    assert summary.read_text() == "earlier\n"


HIJACK_GRADER = """
import os as _os


def _hijack():
    for pid in filter(str.isdigit, _os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"classroom-grade" not in cmdline.read():
                    continue
            with open(f"/proc/{pid}/environ", "rb") as environ:
                names = dict(e.split(b"=", 1) for e in environ.read().split(b"\\0") if b"=" in e)
            with open(f"/proc/{pid}/fd/1", "w") as log:
                log.write("FORGED\\nhijacked\\n")
            with open(names[b"GITHUB_OUTPUT"], "a") as step:
                step.write("earned=FORGED\\n")
            with open(names[b"GITHUB_STEP_SUMMARY"], "a") as step:
                step.write("# Points 100/100\\n")
        except (OSError, KeyError):
            continue


_hijack()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="prctl is Linux's")
def test_classroom_grade_closes_its_proc_entries_to_the_students_code():
    """Does classroom-grade make its own process non-dumpable, so that another process of the runner's user (the
    student's code, without namespaces) cannot open its /proc/<pid>/fd/1, environ or mem (root, as in this test
    session, still can: the forged-notice test above covers that case)?"""
    probe = ("import ctypes; from autograder.commands.package import _not_dumpable; libc = ctypes.CDLL(None); "
             "before = libc.prctl(3, 0, 0, 0, 0); _not_dumpable(); print(before, libc.prctl(3, 0, 0, 0, 0))")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True).stdout.split() == ["1", "0"]
