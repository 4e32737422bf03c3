"""GitHub Classroom: the Actions workflow of the students' repositories, and the result JSON it hands to
classroom-resources/autograding-grading-reporter.

The reporter (github.com/classroom-resources/autograding-grading-reporter, src/main.js) reads, for each runner
id in its `runners` input, the environment variable `<RUNNER ID UPPERCASED>_RESULTS`: base64 of a JSON object
`{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [{"name", "status", "score",
"max_score", "message", ...}]}` (the format of classroom-resources/autograding-python-grader). It adds up the
tests' `score` and `max_score` of the runners, writes "Points <score>/<max>" on the check run named
"Autograding Tests" (which GitHub Classroom reads), and fails the job when a runner's status is "fail" or "error".
"""
from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path

from autograder.results import GradingRun, Status
from autograder.spec import AssignmentSpec

WORKFLOW_PATH = Path(".github") / "workflows" / "classroom.yml"
RUNNER = "grade"
"""The grading step's id: the reporter's `runners` input, and GRADE_RESULTS its environment variable."""
CHECK_NAME = "Autograding Tests"
"""The reporter writes the points on the check run of this name: the job's name must be it."""
COURSE_REPO_VARIABLE = "AUTOGRADER_COURSE_REPO"
COURSE_TOKEN_SECRET = "AUTOGRADER_COURSE_TOKEN"
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
TORCH = "2.13.0"
PYTHON = "3.11"
SCORE_UNIT = Fraction(1, 1024)
"""The reporter's scores are multiples of this: exact in binary floating point, so their sum is exact."""
_REPOSITORY = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


def valid_repository(name: str) -> bool:
    """Whether `name` is a GitHub OWNER/NAME (it goes into the workflow as is)."""
    return bool(_REPOSITORY.fullmatch(name)) and name.split("/")[1] not in (".", "..")


def workflow(assignment_id: str, course_repo: str | None = None) -> str:
    """The workflow file: the same arguments give the same text."""
    if course_repo is not None and not valid_repository(course_repo):
        raise ValueError(f"{course_repo!r}: not a GitHub OWNER/NAME")
    repository = course_repo or f"${{{{ vars.{COURSE_REPO_VARIABLE} }}}}"
    return _WORKFLOW.format(assignment=assignment_id, repository=repository, token_secret=COURSE_TOKEN_SECRET,
                            python=PYTHON, torch_index=TORCH_INDEX, torch=TORCH, runner=RUNNER,
                            results_env=f"{RUNNER.upper()}_RESULTS", check_name=CHECK_NAME)


_WORKFLOW = """\
# GitHub Classroom autograding of {assignment} (INF721), written by `autograder package classroom`.
# It checks out the course repository (the grader and the reference solutions) outside this repository, grades
# this repository with `autograder classroom-grade`, and reports the points to GitHub Classroom.
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
        id: {runner}
        env:
          STUDENT: ${{{{ github.actor }}}}
        run: |
          autograder --course "$RUNNER_TEMP/course" classroom-grade . --assignment {assignment} \\
            --student "$STUDENT" --output "$RUNNER_TEMP/autograder-result.json"
          echo "result=$(base64 -w 0 "$RUNNER_TEMP/autograder-result.json")" >> "$GITHUB_OUTPUT"
      - name: Report the points to GitHub Classroom
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          {results_env}: ${{{{ steps.{runner}.outputs.result }}}}
        with:
          runners: {runner}
"""


def readme(assignment_id: str, course_repo: str | None = None) -> str:
    """README.md next to the workflow: what to copy where, and what to set."""
    where = (f"The workflow checks out `{course_repo}` (given with `--course-repo`)." if course_repo else
             f"The workflow checks out the repository named by the variable `{COURSE_REPO_VARIABLE}`.")
    return _README.format(assignment=assignment_id, where=where, variable=COURSE_REPO_VARIABLE,
                          secret=COURSE_TOKEN_SECRET, path=WORKFLOW_PATH.as_posix(), check_name=CHECK_NAME)


_README = """\
# GitHub Classroom autograding of {assignment}

Copy `{path}` into the template repository of the assignment (the repository students get a copy of, holding
`assignments/{assignment}/` with the stubs, or the stubs at its root), and commit it. Every push of a student
then runs the grader and reports the points to GitHub Classroom.

{where} That course repository holds the grader and the reference solutions, so it is private; set, in the
organization of the classroom (Settings > Secrets and variables > Actions), shared with the students'
repositories:

| kind | name | value |
| --- | --- | --- |
| secret | `{secret}` | a fine-grained personal access token with read-only access to the contents of the course repository |
| variable | `{variable}` | `OWNER/NAME` of the course repository (not needed when the workflow was built with `--course-repo`) |

In GitHub Classroom, leave the assignment's autograding tests empty: this workflow is the autograding. The job
is named "{check_name}": the reporter writes "Points <score>/<max>" on the check run of that name, which is what
Classroom reads. The student is identified by the GitHub user who pushed (`github.actor`).

Students can edit this workflow in their repository and every workflow run can read the secret: treat these
points as feedback and grade for the record with `autograder grade-all` (docs/classroom.md).
"""


def submission_folder(repository: Path, assignment: AssignmentSpec) -> Path:
    """Where the modules are in a student's repository: its root, or assignments/<id>/ or <id>/ below it."""
    if any((repository / f"{module}.py").is_file() for module in assignment.modules):
        return repository
    for folder in (repository / "assignments" / assignment.id, repository / assignment.id):
        if folder.is_dir():
            return folder
    return repository


def to_result(run: GradingRun) -> dict:
    """The reporter's JSON for one grading: a test per case named `<exercise>: <case>`, as on Gradescope, its
    `max_score` the case's share and its `score` that share moved to a multiple of 1/1024 (see _summable)."""
    cases = [(exercise, case) for exercise in run.exercises for case in exercise.cases]
    scores = _summable([case.score for _, case in cases])
    tests = [{"name": f"{exercise.id}: {case.case}", "status": _status(case), "score": score,
              "max_score": case.max_score, "message": _message(case)}
             for (exercise, case), score in zip(cases, scores)]
    statuses = {test["status"] for test in tests}
    overall = "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"
    return {"version": 1, "status": overall, "max_score": run.max_score, "tests": tests}


def dumps_result(run: GradingRun) -> str:
    return json.dumps(to_result(run), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _summable(scores: list[float]) -> list[float]:
    """The scores moved to multiples of SCORE_UNIT by the largest-remainder method, keeping their total (rounded
    to the unit). The reporter adds the tests' scores in floating point: shares such as 3/13 of a point would add
    up to 91.99999999999999 and Classroom would show that; multiples of a power of two add up exactly. A zero
    stays zero, and no score moves by a unit or more."""
    exact = [Fraction(score).limit_denominator(10_000) / SCORE_UNIT for score in scores]
    units = [math.floor(x) for x in exact]
    left = round(sum(exact, Fraction(0))) - sum(units)
    for i in sorted(range(len(exact)), key=lambda i: (-(exact[i] - units[i]), i))[:left]:
        units[i] += 1
    return [float(unit * SCORE_UNIT) for unit in units]


def _status(case) -> str:
    """pass (also a skipped CUDA case that took its full CPU score); error where the grader failed (not the
    student); fail for everything the submission did."""
    if case.status is Status.PASSED or (case.status is Status.SKIPPED and case.score >= case.max_score):
        return "pass"
    return "error" if case.status is Status.GRADER_ERROR else "fail"


def _message(case) -> str:
    label = "" if case.visible else "(hidden case) "
    if case.status is Status.PASSED:
        return f"{label}passed"
    text = f"{label}{case.status.value.replace('_', ' ')}: {case.message}"
    return f"{text}\n\n{case.details}" if case.details else text
