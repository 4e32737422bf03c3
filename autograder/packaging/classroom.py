"""GitHub Classroom: the template repository's workflows, and where a student's repository keeps its modules.

`package classroom` writes the student kit (autograder.packaging.student) plus `check_workflow`: on every push it
sets up the kit and runs `autograder check`, the visible cases, in the student's repository. It needs no secret
and names no course repository: nothing of the course is in reach of the students' workflow. The grade of record
is the instructor's `grade-all` on the students' final commits (docs/classroom.md).

`workflow` is the opt-in grading workflow (`--hidden-grading`): it checks out the private course repository with
a token and grades every case there. Any student can edit it to print the token, the solutions or any score.

The grading step writes the results that `classroom-resources/autograding-grading-reporter@v1` reads, one per
runner of autograder.reporters.classroom (`earned`, `missed`), as the step's outputs; the reporting step hands
them to the reporter as `EARNED_RESULTS` and `MISSED_RESULTS`. The reporter writes "Points <grade>/<max>" on
the check run named "Autograding Tests", which GitHub Classroom reads.
"""
from __future__ import annotations

import re
from pathlib import Path

from autograder.reporters.classroom import RUNNERS
from autograder.spec import AssignmentSpec

WORKFLOW_PATH = Path(".github") / "workflows" / "classroom.yml"
GRADE_STEP = "grade"
"""The grading step's id: its outputs `earned` and `missed` are the reporter's results."""
CHECK_NAME = "Autograding Tests"
"""The reporter writes the points on the check run of this name: the job's name must be it."""
COURSE_REPO_VARIABLE = "AUTOGRADER_COURSE_REPO"
COURSE_TOKEN_SECRET = "AUTOGRADER_COURSE_TOKEN"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH = "2.13.0"
PYTHON = "3.11"
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


def valid_repository(name: str) -> bool:
    """Whether `name` is a GitHub OWNER/NAME (it goes into the workflow as is)."""
    return bool(_REPOSITORY.fullmatch(name)) and name.split("/")[1] not in (".", "..")


CHECK_WORKFLOW_PATH = Path(".github") / "workflows" / "check.yml"
CHECK_NAME_VISIBLE = "Visible checks"


def check_workflow(assignment_id: str) -> str:
    """The template repository's workflow: set up the kit, run `autograder check`. No secret, no course
    repository; the same arguments give the same text."""
    return _CHECK_WORKFLOW.format(assignment=assignment_id, python=PYTHON, torch_index=TORCH_INDEX,
                                  name=CHECK_NAME_VISIBLE)


_CHECK_WORKFLOW = """\
# {assignment}: the visible checks on every push, written by `autograder package classroom`. It runs
# `autograder check` from this repository alone (the student kit): the same feedback as on your machine. Your
# grade is computed by your instructor from your final commit, with the hidden cases.
name: {name}
"on":
  push:
  workflow_dispatch:
permissions:
  contents: read
jobs:
  check:
    name: {name}
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - name: Check out
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Set up the kit (.venv with the CPU build of torch and the autograder command)
        env:
          TORCH_INDEX: {torch_index}
        run: bash setup
      - name: Check (the visible cases of {assignment})
        run: .venv/bin/autograder check -v
"""


def hidden_grading_notice() -> str:
    """What the instructor reads where the opt-in grading workflow is chosen."""
    return (f"{WORKFLOW_PATH.as_posix()}: grading with every case in the students' repositories needs the secret "
            f"{COURSE_TOKEN_SECRET} to the private course repository, and every student can edit the workflow to "
            f"print it (and with it the solutions and the hidden cases) or to report any score. Keep its points as "
            f"feedback; grade for the record with `autograder grade-all` (docs/classroom.md).")


def workflow(assignment_id: str, course_repo: str | None = None) -> str:
    """The workflow file: the same arguments give the same text."""
    if course_repo is not None and not valid_repository(course_repo):
        raise ValueError(f"{course_repo!r}: not a GitHub OWNER/NAME")
    repository = course_repo or f"${{{{ vars.{COURSE_REPO_VARIABLE} }}}}"
    return _WORKFLOW.format(assignment=assignment_id, repository=repository, token_secret=COURSE_TOKEN_SECRET,
                            python=PYTHON, torch_index=TORCH_INDEX, torch=TORCH, step=GRADE_STEP,
                            results_env="".join(f"\n          {runner.upper()}_RESULTS: {_step_output(runner)}"
                                                for runner in RUNNERS),
                            runners=",".join(RUNNERS), check_name=CHECK_NAME)


def _step_output(name: str) -> str:
    """The expression for the grading step's output `name`."""
    return "${{ steps." + GRADE_STEP + ".outputs." + name + " }}"


_WORKFLOW = """\
# GitHub Classroom autograding of {assignment}, written by `autograder package classroom --hidden-grading`.
# It checks out the course repository (the grader and the reference solutions) outside this repository, grades
# this repository with `autograder classroom-grade`, and reports the points to GitHub Classroom.
# WEAKNESS: every student can edit this file in their repository and print the token below (and with it the
# course repository: solutions and hidden cases) or report any score. Its points are feedback, not a grade.
# Set up: docs/classroom.md of the course repository.
name: {check_name}
"on":
  push:
  workflow_dispatch:
  repository_dispatch:
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    name: {check_name}
    runs-on: ubuntu-latest
    if: "github.actor != 'github-classroom[bot]'"
    timeout-minutes: 30
    steps:
      - name: Check out the submission
        uses: actions/checkout@v4
      - name: Check out the course (grader and reference solutions; private)
        uses: actions/checkout@v4
        with:
          repository: {repository}
          token: ${{{{ secrets.{token_secret} }}}}
          path: .autograder-course
          persist-credentials: false
      - name: Move the course out of the submission
        run: mv .autograder-course "$RUNNER_TEMP/course"
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"
      - name: Install the grader
        run: |
          python -m pip install --quiet --index-url {torch_index} torch=={torch}
          python -m pip install --quiet -c "$RUNNER_TEMP/course/constraints.txt" "$RUNNER_TEMP/course"
      - name: Grade
        id: {step}
        env:
          STUDENT: ${{{{ github.actor }}}}
        run: |
          autograder --course "$RUNNER_TEMP/course" classroom-grade . --assignment {assignment} \\
            --student "$STUDENT" --github-output "$GITHUB_OUTPUT"
      - name: Report the points to GitHub Classroom
        uses: classroom-resources/autograding-grading-reporter@v1
        env:{results_env}
        with:
          runners: {runners}
"""


def submission_folder(repository: Path, assignment: AssignmentSpec) -> Path:
    """Where the modules are in a student's repository: its root, or assignments/<id>/ or <id>/ below it."""
    if any((repository / f"{module}.py").is_file() for module in assignment.modules):
        return repository
    for folder in (repository / "assignments" / assignment.id, repository / assignment.id):
        if folder.is_dir():
            return folder
    return repository
