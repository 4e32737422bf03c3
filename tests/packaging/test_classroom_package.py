"""The GitHub Classroom package: the workflow's steps, and its grading step run for real on a student repository."""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ASSIGNMENT, REPO

from autograder.packaging.classroom import (CHECK_NAME, COURSE_REPO_VARIABLE, COURSE_TOKEN_SECRET, RUNNER,
                                            WORKFLOW_PATH, check_workflow, valid_repository, workflow)

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


def test_workflow_hands_the_grade_step_output_to_the_reporter():
    """Does the reporter read GRADE_RESULTS, `<runner id uppercased>_RESULTS`, from the output of the step whose
    id its `runners` input names, and does that step run classroom-grade and write `result=` to $GITHUB_OUTPUT?"""
    _, steps = steps_of(workflow(ASSIGNMENT))
    grade = step(steps, step_id=RUNNER)
    reporter = step(steps, uses=REPORTER)
    assert steps.index(reporter) == len(steps) - 1 and steps.index(grade) == len(steps) - 2
    assert reporter["with"] == {"runners": RUNNER}
    assert reporter["env"] == {f"{RUNNER.upper()}_RESULTS": f"${{{{ steps.{RUNNER}.outputs.result }}}}"}
    assert reporter["env"] == {"GRADE_RESULTS": "${{ steps.grade.outputs.result }}"}
    assert grade["env"] == {"STUDENT": "${{ github.actor }}"}
    assert f'autograder --course "$RUNNER_TEMP/course" classroom-grade . --assignment {ASSIGNMENT}' in grade["run"]
    assert 'echo "result=$(base64 -w 0 ' in grade["run"] and '>> "$GITHUB_OUTPUT"' in grade["run"]


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
    assert main(["--course", str(REPO), "package", "classroom", "--out", str(out)]) == 0
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
    assert main(["--course", str(REPO), "package", "classroom", "--out", str(out), "--hidden-grading",
                 "--course-repo", "inf721/c"]) == 0
    assert (out / WORKFLOW_PATH).read_text() == workflow(ASSIGNMENT, "inf721/c")
    assert "WEAKNESS" in workflow(ASSIGNMENT) and "print it" in capsys.readouterr().err
    assert main(["--course", str(REPO), "package", "classroom", "--out", str(tmp_path / "b"), "--course-repo",
                 "inf721/c"]) == 2
    assert main(["--course", str(REPO), "package", "classroom", "--out", str(tmp_path / "c"), "--hidden-grading",
                 "--course-repo", "x"]) == 2
    assert "OWNER/NAME" in capsys.readouterr().err


def test_grade_step_grades_the_student_repository(buggy, tmp_path):
    """Run the workflow's grade step as Actions would (bash -e, $RUNNER_TEMP holding the course, $GITHUB_OUTPUT,
    the checkout as working folder): does its `result=` decode to the reporter's format, with scores adding up
    to what `autograder grade --student` gives?"""
    _, steps = steps_of(workflow(ASSIGNMENT))
    script = step(steps, step_id=RUNNER)["run"]
    repository = tmp_path / "student-repo"
    shutil.copytree(buggy.folder, repository / "assignments" / ASSIGNMENT)
    (repository / "README.md").write_text("my assignment\n")
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    (runner_temp / "course").symlink_to(REPO, target_is_directory=True)
    output = tmp_path / "github-output"
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output), "STUDENT": buggy.student,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("AUTOGRADER_COURSE", None)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repository, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "conv_param_count" in done.stdout  # the feedback is in the log
    (line,) = output.read_text().splitlines()
    name, _, encoded = line.partition("=")
    assert name == "result"
    result = json.loads(base64.b64decode(encoded, validate=True))  # what the reporter does with GRADE_RESULTS
    expected = json.loads(buggy.results)
    assert result["version"] == 1 and result["max_score"] == expected["extra_data"]["max_score"] == 100
    assert result["status"] == "fail"  # the buggy example fails some cases: the reporter fails the job
    assert len(result["tests"]) == len(expected["tests"])
    for test in result["tests"]:
        assert test["status"] in ("pass", "fail", "error") and isinstance(test["message"], str)
        # scores are the cases' shares moved to multiples of 1/1024 (so that they add up exactly): a passed case
        # scores its share within 1/1024, another case 0
        assert test["score"] * 1024 == int(test["score"] * 1024)
        if test["status"] == "pass":
            assert abs(test["score"] - test["max_score"]) < 1 / 1024 and test["score"] > 0
        else:
            assert test["score"] == 0
    total = 0.0
    for test in result["tests"]:  # the reporter's reduce, in order
        total += test["score"]
    assert total == expected["score"] < 100
    assert [t["name"] for t in result["tests"]] == [t["name"] for t in expected["tests"]]


def test_classroom_grade_finds_the_modules_at_the_repository_root(small_course, tmp_path, capsys):
    """Are modules at the root of the repository graded (rather than assignments/<id>/), and is an output file
    written only when asked for?"""
    from autograder.cli import main

    for module in ("shapes", "filters"):
        shutil.copy(REPO / "solutions" / ASSIGNMENT / f"{module}.py", tmp_path)
    out = tmp_path / "out" / "result.json"
    assert main(["--course", str(small_course), "classroom-grade", str(tmp_path), "--output", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["status"] == "pass" and result["max_score"] == 35
    assert sum(t["score"] for t in result["tests"]) == 35  # exactly: the shares of 13 cases are not 0.2308 ...
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
