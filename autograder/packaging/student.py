"""The student kit (`autograder package student`): every file a student receives, by path, built from the course's
spec and reference solutions on the instructor's side, and written as a folder or a zip, byte-deterministically.

    README.md                    generated from course.yaml and assignment.yaml (autograder.kit.readme)
    setup                        creates .venv/ and installs the pinned CPU torch and the wheel below
    constraints.txt              the course repository's pins
    wheels/<package>.whl         the `autograder` package (autograder.packaging.wheel): no solutions
    <assignment>/<module>.py     the stubs, generated from the solutions
    <assignment>/answers.yaml    the answers template
    .autograder/kit.json         the course's settings, exercises and question templates (autograder.kit.manifest)
    .autograder/cases.json       the visible cases, expected values and known mistakes' outputs (autograder.casepack)
    .gitignore

Nothing else: no solutions/, no mistakes.py, no hidden case, no assignment.yaml.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

from autograder import casepack
from autograder.cases import Case, expand_exercise
from autograder.kit import manifest
from autograder.kit.readme import student_readme
from autograder.packaging.wheel import build_wheel
from autograder.packing import pack, packed_exercise
from autograder.pipeline import ReferenceTruth
from autograder.questions.answers import FILE as ANSWERS
from autograder.questions.grading import answer_forms
from autograder.questions.render import answers_template
from autograder.spec import AssignmentSpec, CourseSpec
from autograder.statements import Placeholders
from autograder.stubs import stub_files

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
EXECUTABLE = frozenset({"setup"})


class KitBuildError(Exception):
    """The kit cannot be built from this course; the message names the exercise or case."""


def kit_files(course: CourseSpec, assignment: AssignmentSpec, package_root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file of the kit; the same course gives the same bytes."""
    files = kit_texts(course, assignment)
    cases = {e.id: expand_exercise(course.seed, assignment.id, e) for e in assignment.exercises}
    _refuse_hidden_names(files, [c for e in assignment.exercises for c in cases[e.id]])
    wheel_name, wheel = build_wheel(package_root)
    files |= {"setup": SETUP.format(wheel=wheel_name).encode(),
              "constraints.txt": kit_constraints((package_root / "constraints.txt").read_text(encoding="utf-8")).encode(),
              f"wheels/{wheel_name}": wheel}
    return dict(sorted(files.items()))


def kit_texts(course: CourseSpec, assignment: AssignmentSpec) -> dict[str, bytes]:
    """The kit's files made from the course (all but the set-up, the pins and the wheel), not yet checked for
    hidden case names: what `autograder validate` searches for anything hidden (autograder.validate.leaks)."""
    truth = ReferenceTruth(assignment)
    cases = {e.id: expand_exercise(course.seed, assignment.id, e) for e in assignment.exercises}
    packed = []
    for exercise in assignment.exercises:
        visible = [c for c in cases[exercise.id] if c.visible]
        packed += packed_exercise(exercise, cases[exercise.id], visible, truth.reference)
    signatures = {e.id: truth.signature(e) for e in assignment.exercises}
    forms = answer_forms(course, assignment)
    files = {
        "README.md": student_readme(course, assignment, cases).encode(),
        ".gitignore": b".venv/\n__pycache__/\n*.pyc\n",
        f"{manifest.DATA_DIR}/{manifest.MANIFEST}": manifest.manifest(course, assignment, signatures, forms).encode(),
        f"{manifest.DATA_DIR}/{manifest.CASES}": (casepack.dumps(pack(list(assignment.exercises), packed)) + "\n")
        .encode(),
    }
    for module, text in stub_files(assignment.solutions, assignment.modules,
                                   Placeholders(course, assignment).render_module).items():
        files[f"{assignment.id}/{module}.py"] = text.encode()
    if assignment.questions:
        files[f"{assignment.id}/{ANSWERS}"] = answers_template(assignment).encode()
    return files


def hidden_names(cases: list[Case]) -> set[str]:
    """The names of the hidden cases (without `[i]` and `@cuda`) that no visible case also has."""
    def base(case: Case) -> str:
        return case.name.split("[")[0].removesuffix("@cuda")
    visible = {base(c) for c in cases if c.visible}
    return {base(c) for c in cases if not c.visible} - visible


def _refuse_hidden_names(files: dict[str, bytes], cases: list[Case]) -> None:
    """A hidden case's name in the kit's texts (a statement or a docstring naming it) stops the build."""
    for name in sorted(hidden_names(cases)):
        pattern = re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])")
        for relative, data in files.items():
            if not relative.endswith(".whl") and pattern.search(data):
                raise KitBuildError(f"the hidden case name {name!r} would be in the student kit's {relative}: reword "
                                    f"the statement or docstring that names it (the kit names no hidden case)")


KIT_CONSTRAINTS_HEADER = """\
# Pins for `bash setup` (the kit's set-up script): torch==2.13.0, the version the grader uses. On Linux without
# a GPU, `TORCH_INDEX=https://download.pytorch.org/whl/cpu bash setup` takes its small CPU build (README,
# "Setting up"). Do not edit: check and grading must run the same versions.
"""


def kit_constraints(repository: str) -> str:
    """The kit's constraints.txt: the course repository's pins, with a comment about the kit's own `setup` (the
    repository's comments name its scripts/ and README sections, which the kit does not have)."""
    pins = [line for line in repository.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return KIT_CONSTRAINTS_HEADER + "".join(f"{line}\n" for line in pins)


def write_folder(files: dict[str, bytes], out: Path) -> None:
    """Write the kit into `out` (created; files already there are overwritten, others left)."""
    for relative, data in files.items():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_bytes(data)
        os.chmod(temporary, 0o755 if relative in EXECUTABLE else 0o644)
        temporary.replace(target)


def zip_bytes(files: dict[str, bytes], top: str) -> bytes:
    """The kit as a zip whose entries lie in the folder `top`/, with fixed dates and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative in sorted(files):
            entry = zipfile.ZipInfo(f"{top}/{relative}", date_time=ZIP_DATE)
            entry.external_attr = (0o100755 if relative in EXECUTABLE else 0o100644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[relative])
    return buffer.getvalue()


SETUP = """\
#!/usr/bin/env bash
# Create .venv/ here and install the `autograder` command into it: the CPU build of PyTorch pinned by
# constraints.txt and the package from wheels/ (the grader; it holds no solutions).
#
#   bash setup                      # from PyPI (NumPy, PyYAML, PyTorch) and wheels/
#   bash setup --offline DIR...     # no index at all: every wheel from wheels/ and the folders DIR...
#   PYTHON=python3.12 bash setup    # another interpreter (>= 3.10); delete .venv/ first to change it
#   TORCH_INDEX=https://download.pytorch.org/whl/cpu bash setup   # torch from that index first (the small CPU
#                                   # build on Linux, where PyPI's torch is the multi-gigabyte CUDA one)
set -euo pipefail
cd "$(dirname "${{BASH_SOURCE[0]}}")"

links=(--find-links wheels)
if [ "${{1:-}}" = "--offline" ]; then
    shift
    if [ "$#" -eq 0 ]; then
        echo "setup: --offline needs the folders holding the wheels (numpy, pyyaml, torch, ...)" >&2
        exit 2
    fi
    links=(--no-index --find-links wheels)
    for folder in "$@"; do links+=(--find-links "$folder"); done
elif [ "$#" -gt 0 ]; then
    echo "setup: unknown option '$1' (the only option is --offline DIR...)" >&2; exit 2
fi

python="${{PYTHON:-python3}}"
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
        echo "setup: $python is not Python >= 3.10; install one and run e.g. PYTHON=python3.12 bash setup" >&2
        exit 1
    fi
    if ! "$python" -m venv .venv; then
        rm -rf .venv
        echo "setup: '$python -m venv' failed; on Debian or Ubuntu install the python3-venv package" >&2
        exit 1
    fi
fi
if [ -n "${{TORCH_INDEX:-}}" ]; then
    .venv/bin/python -m pip install -q --index-url "$TORCH_INDEX" "$(grep '^torch==' constraints.txt)"
fi
.venv/bin/python -m pip install -q "${{links[@]}}" -c constraints.txt "wheels/{wheel}"
torch="$(.venv/bin/python -c 'import torch, autograder.cli; print(torch.__version__)')"
echo "setup: .venv/ ready ($(.venv/bin/python -V), torch $torch); now run .venv/bin/autograder check"
"""
