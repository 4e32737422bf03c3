"""Gradescope: the autograder zip (`setup.sh`, `run_autograder`, the course and this package) and what
`run_autograder` does for each submission.

Gradescope's contract (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip is unpacked
into /autograder/source, `setup.sh` runs once as root to build the image, and for each submission
`/autograder/run_autograder` runs with the student's files in /autograder/submission and
/autograder/submission_metadata.json beside them, and must leave /autograder/results/results.json.
"""
from __future__ import annotations

import io
import json
import stat
import time
import traceback
import zipfile
from pathlib import Path

from autograder.batch.jobs import NOT_GRADED
from autograder.spec import AssignmentSpec, CourseSpec

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the same course gives a byte-identical zip."""
PACKAGE_FILES = ("pyproject.toml", "README.md", "constraints.txt")
PARTIAL = ("The grading stopped before it finished (Gradescope's time limit?): these are the exercises graded "
           "until then; those it did not reach score 0 here. Your instructor can regrade the submission.")
"""What opens the output of a results.json written as the grading goes, until the final one replaces it."""
NOT_STARTED = ("The grading stopped before it graded anything (Gradescope's time limit?). Your instructor can "
               "regrade the submission.")
"""The output of the results.json written before the grading starts, which the first partial one replaces."""
GRADER_FAILED = ("The autograder failed before it could grade this submission; your instructor has the details. "
                 "Your submission is kept: it will be graded again once this is fixed.")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu, Python >= 3.10).
set -euo pipefail
cd /autograder/source
# Ubuntu's python3 lacks ensurepip (python3-venv) on the base image; install it where it is missing.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
fi
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install -q --upgrade pip
# The CPU build of torch, pinned: an unpinned torch pulls a multi-gigabyte CUDA build.
/autograder/venv/bin/python -m pip install -q --index-url {torch_index} "torch=={torch}"
/autograder/venv/bin/python -m pip install -q -c package/constraints.txt ./package
/autograder/venv/bin/autograder --course /autograder/source/course validate
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission, write /autograder/results/results.json.
# AUTOGRADER_ROOT and AUTOGRADER_PYTHON stand in for /autograder and its venv in tests.
set -uo pipefail
root="${{AUTOGRADER_ROOT:-/autograder}}"
python="${{AUTOGRADER_PYTHON:-$root/venv/bin/python}}"
mkdir -p "$root/results"
rm -f "$root/results/results.json"  # a file placed there before grading never stands
# -I: neither the current folder nor PYTHON* variables can put a module of the submission before the grader's.
cd "$root" && "$python" -I -m autograder.cli --course "$root/source/course" gradescope-run --root "$root" \\
    --assignment {assignment}
if [ ! -s "$root/results/results.json" ]; then  # the grader could not even start: say so, score 0
    printf '%s\\n' '{fallback}' > "$root/results/results.json"
fi
exit 0
"""


def build_zip(course: CourseSpec, assignment: AssignmentSpec, out: Path, package_root: Path,
              torch_index: str = "https://download.pytorch.org/whl/cpu", torch: str = "2.13.0") -> Path:
    """Write the autograder zip for `assignment` to `out`: setup.sh and run_autograder at its root, the course
    under course/ (specs, stubs and reference solutions: the zip is for instructors only), this package under
    package/. Gradescope unpacks it into /autograder/source/ and copies run_autograder to /autograder/."""
    entries: dict[str, tuple[bytes, bool]] = {
        "setup.sh": (SETUP_SH.format(torch_index=torch_index, torch=torch).encode(), True),
        "run_autograder": (RUN_AUTOGRADER.format(assignment=assignment.id, fallback=_fallback_json()).encode(), True),
    }
    root = course.root
    entries["course/course.yaml"] = ((root / "course.yaml").read_bytes(), False)
    for spec in course.assignments:
        # assignment.yaml and the stubs: setup.sh's `validate` checks that the stubs match the solutions.
        for path in _files(spec.directory):
            entries[f"course/assignments/{spec.id}/{path.relative_to(spec.directory).as_posix()}"] = \
                (path.read_bytes(), False)
        for path in _files(spec.solutions):
            entries[f"course/solutions/{spec.id}/{path.relative_to(spec.solutions).as_posix()}"] = \
                (path.read_bytes(), False)
    for name in PACKAGE_FILES:
        entries[f"package/{name}"] = ((package_root / name).read_bytes(), False)
    for path in _files(package_root / "autograder"):
        entries[f"package/autograder/{path.relative_to(package_root / 'autograder').as_posix()}"] = \
            (path.read_bytes(), False)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            content, executable = entries[name]
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    out.write_bytes(buffer.getvalue())
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".pyo"))


def student_of(metadata_path: Path) -> tuple[str | None, str]:
    """The student id from submission_metadata.json (`users`: the `sid` where the course set one, else the
    email, else Gradescope's user id; group members joined by '+'), and a note for the log."""
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        users = metadata["users"]
        found = (u.get("sid") or u.get("email") or u.get("id") for u in users if isinstance(u, dict))
        ids = sorted({str(value).strip() for value in found if value not in (None, "")} - {""})
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return None, f"{metadata_path}: no student id ({type(error).__name__}: {error}); grading the default variant"
    if not ids:
        return None, f"{metadata_path}: no user with a sid, email or id listed; grading the default variant"
    return "+".join(ids), f"student {'+'.join(ids)}"


def submitted_at_of(metadata_path: Path):
    """When Gradescope received the submission (submission_metadata.json `created_at`, written by Gradescope,
    not by the student), or None with the reason: then no late penalty applies (autograder/late.py)."""
    from autograder.times import TimeError, parse_time

    try:
        return parse_time(json.loads(metadata_path.read_text(encoding="utf-8"))["created_at"]), ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError, TimeError) as error:
        return None, f"{metadata_path}: no submission time ({type(error).__name__}: {error}); no late penalty"


def _refused_id(student: str | None, course: CourseSpec) -> str:
    """Why Gradescope's id for the student is not of the course's declared form (autograder.student_id), or ""."""
    from autograder.student_id import StudentIdError, checked

    try:
        checked(student, course.student_id, "Gradescope's student id")
    except StudentIdError as error:
        return str(error)
    return ""


def run_submission(course: CourseSpec, assignment: AssignmentSpec, root: Path) -> int:
    """What run_autograder does: always leaves a valid results.json, the grader's own, written atomically
    after each exercise (so that a grading Gradescope stops still leaves what was graded) and once more at the
    end; prints staff details (grader tracebacks) to stdout, which Gradescope shows to instructors only."""
    from autograder.reporters import gradescope
    from autograder.upload import grade_upload

    started = time.monotonic()
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.unlink(missing_ok=True)  # a file placed there before grading never stands
    _write_results(root, _json({"score": 0.0, "output": NOT_STARTED, "stdout_visibility": "hidden", "tests": []}))
    visibility = course.reporting.hidden_visibility

    def partial(run) -> None:
        _write_results(root, gradescope.dumps(run, visibility, time.monotonic() - started, preface=(PARTIAL,)))

    try:
        student, note = student_of(root / "submission_metadata.json")
        print(f"autograder: {note}")
        refused = _refused_id(student, course)
        submitted_at, late_note = (submitted_at_of(root / "submission_metadata.json") if assignment.late
                                   else (None, ""))
        if late_note:
            print(f"autograder: {late_note}")
        if refused:  # the id is not of the course's declared form: graded as nobody's, every case says why
            from autograder.batch.jobs import ungradable
            run = ungradable(course, assignment, student or "unknown", refused)
        else:
            run, _ = grade_upload(course, assignment, root / "submission", student=student, progress=partial,
                                  submitted_at=submitted_at)
        if run.notes and run.notes[0].startswith(NOT_GRADED):
            print(f"autograder: the submission cannot be graded: {run.notes[0][len(NOT_GRADED):]}")
        for exercise in run.exercises:
            for case in exercise.cases:
                if case.status.value == "grader_error":
                    print(f"grader error in {exercise.id}: {case.case}:\n{case.staff}")
        text = gradescope.dumps(run, visibility, time.monotonic() - started)
    except Exception:  # noqa: BLE001 (the student must still get a results.json)
        print(traceback.format_exc())
        text = failure_json()
    _write_results(root, text)
    print(f"autograder: graded in {time.monotonic() - started:.1f} s")
    return 0


def failure_json() -> str:
    """The results.json of a run where the grader failed: score 0, the reason for the student, details in the
    (hidden) stdout."""
    return _json({"score": 0.0, "output": GRADER_FAILED, "stdout_visibility": "hidden", "tests": []})


def _json(results: dict) -> str:
    return json.dumps(results, indent=2, sort_keys=True) + "\n"


def _fallback_json() -> str:
    """failure_json on one line, for run_autograder's shell (no single quote inside)."""
    text = json.dumps(json.loads(failure_json()), sort_keys=True)
    assert "'" not in text
    return text


def write_failure(root: Path) -> None:
    """Leave ROOT/results/results.json saying the grader failed (the course or the package cannot be loaded)."""
    _write_results(root, failure_json())


def _write_results(root: Path, text: str) -> None:
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    temporary = results.with_name(".results.json.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(results)
