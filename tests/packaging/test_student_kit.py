"""The student kit (`autograder package student`): does what students receive hold no solution and no hidden case,
come out byte-identical from the same course, set itself up offline into a fresh .venv, and does its `check` print
exactly what the course repository's `check` prints for the same code?"""
from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO

from autograder.cases import expand_exercise
from autograder.cli import main
from autograder.packaging.student import hidden_names
from autograder.spec import load_course

STUBS = REPO / "assignments" / ASSIGNMENT
SOLUTIONS = REPO / "solutions" / ASSIGNMENT
BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    """The kit built into an empty folder, with its zip beside it (kit.zip)."""
    out = tmp_path_factory.mktemp("kit")
    assert main(["--course", str(REPO), "package", "student", "--assignment", ASSIGNMENT, "--out", str(out / "kit"),
                 "--zip", str(out / "kit.zip")]) == 0
    return out / "kit"


def _files(folder: Path):
    """(name, bytes) of every file under `folder`, and of every member of each zip and wheel in it, nested."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield from _with_members(str(path.relative_to(folder)), path.read_bytes())


def _with_members(name: str, data: bytes):
    yield name, data
    if name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                yield from _with_members(f"{name}!{member}", archive.read(member))


def test_the_kit_holds_the_stubs_readme_data_wheel_and_setup_and_nothing_of_the_course(kit):
    """Are the stubs at the path the grader accepts, and are solutions/, mistakes.py and assignment.yaml absent?"""
    names = {str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file()}
    assert {f"{ASSIGNMENT}/{m}.py" for m in MODULES} <= names
    assert {"README.md", "setup", "constraints.txt", ".autograder/kit.json", ".autograder/cases.json",
            f"{ASSIGNMENT}/answers.yaml"} <= names
    # The kit's constraints name its own setup and README sections, not the course repository's.
    constraints = (kit / "constraints.txt").read_text()
    assert "torch==2.13.0\n" in constraints and "bash setup" in constraints and "Setting up" in constraints
    assert "scripts/setup" not in constraints and '"GPU"' not in constraints
    assert (kit / ASSIGNMENT / "answers.yaml").read_bytes().endswith(b"null\n")
    assert not [n for n in names if "solutions" in n or "mistakes" in n or n.endswith("assignment.yaml")]
    for module in MODULES:
        assert (kit / ASSIGNMENT / f"{module}.py").read_bytes() == (STUBS / f"{module}.py").read_bytes()
    [wheel] = kit.glob("wheels/*.whl")
    with zipfile.ZipFile(wheel) as archive:
        members = archive.namelist()
    assert all(m.startswith(("autograder/", "inf721_autograder-")) for m in members)
    assert "autograder/cli.py" in members and not [m for m in members if not m.endswith((".py", "METADATA", "WHEEL",
                                                                                       "RECORD", "entry_points.txt"))]


def test_nothing_in_the_kit_names_a_hidden_case_a_reference_body_or_a_known_mistake(kit):
    """Does no file of the kit (the zip, and the wheel inside either, included) hold a hidden case's name, a line of
    a reference solution's code, or the name of a known mistake's function?"""
    course = load_course(REPO)
    assignment = course.assignment(ASSIGNMENT)
    cases = [c for e in assignment.exercises for c in expand_exercise(course.seed, assignment.id, e)]
    names = hidden_names(cases)
    assert "random_geometry" in names and "vectorised_speed" not in names and len(names) > 30
    mistakes = {m.function for e in assignment.exercises for m in e.mistakes}
    stubs = {line.strip() for m in MODULES for line in (STUBS / f"{m}.py").read_text().splitlines()}
    bodies = set()
    for module in MODULES:
        source = (SOLUTIONS / f"{module}.py").read_text()
        for function in [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]:
            first = function.body[1 if ast.get_docstring(function) else 0]
            lines = source.splitlines()[first.lineno - 1:function.end_lineno]
            bodies |= {line.strip() for line in lines if len(line.strip()) >= 30}
    bodies = {line for line in bodies - stubs if not line.startswith("#")}
    assert len(bodies) > 50
    files = list(_files(kit.parent))
    assert any(name.startswith("kit.zip!") for name, _ in files) and any(".whl!" in name for name, _ in files)
    for name, data in files:
        for hidden in names:
            assert not re.search(rb"(?<![A-Za-z0-9_])" + re.escape(hidden.encode()) + rb"(?![A-Za-z0-9_])", data), \
                f"{name}: hidden case {hidden}"
        for function in mistakes:
            assert function.encode() not in data, f"{name}: known mistake {function}"
        for line in bodies:
            assert line.encode() not in data, f"{name}: reference code {line!r}"


def test_building_twice_gives_the_same_bytes(kit, tmp_path):
    """Is the kit, folder and zip, byte-identical when built again from the same course?"""
    assert main(["--course", str(REPO), "package", "student", "--assignment", ASSIGNMENT, "--out",
                 str(tmp_path / "again"), "--zip", str(tmp_path / "again.zip")]) == 0
    assert dict(_files(tmp_path / "again")) == dict(_files(kit))
    assert (tmp_path / "again.zip").read_bytes() == (kit.parent / "kit.zip").read_bytes()
    modes = {p.name: p.stat().st_mode & 0o777 for p in (kit / "setup", kit / "README.md")}
    assert modes == {"setup": 0o755, "README.md": 0o644}


def test_a_broken_spec_stops_the_build_with_the_specs_one_line_error(tmp_path, capsys):
    """Does a course whose assignment.yaml is broken stop `package student` with the spec's one line, exit 2?"""
    course = tmp_path / "course"
    shutil.copytree(REPO, course, ignore=shutil.ignore_patterns(".venv", ".git", "build", "__pycache__", "tests",
                                                                 "examples", "benchmarks", "docs"))
    spec = course / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec.write_text(spec.read_text().replace("    points: 4\n", "    points: four\n", 1))
    assert main(["--course", str(course), "package", "student", "--out", str(tmp_path / "kit")]) == 2
    error = capsys.readouterr().err.strip()
    assert re.fullmatch(r"autograder: assignments/l10_convolutions/assignment\.yaml:\d+: "
                        r"exercises\[\d+\] \(output_size\)\.points: expected a number, got 'four'", error), error
    assert not (tmp_path / "kit").exists()


def test_the_readme_has_the_conventions_errata_exercises_grading_and_how_to_submit(kit):
    course = load_course(REPO)
    assignment = course.assignment(ASSIGNMENT)
    text = (kit / "README.md").read_text()
    for needle in ("Conventions", "0.0625", "244", "## What is graded, and how", "speed case", "hidden cases",
                   "bash setup", "autograder check", "autograder variant --student ID", "Gradescope",
                   "GitHub Classroom", "zip"):
        assert needle in text, needle
    for exercise in assignment.exercises:
        assert f"`{exercise.id}`" in text and exercise.statement.strip()[:60] in text
    for question in assignment.questions:
        assert f"`{question.id}`" in text


def _course_check(folder: Path) -> tuple[int, str]:
    """`autograder check FOLDER` in the course repository, as a student there runs it."""
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--course", str(REPO), "check", "--assignment",
                           ASSIGNMENT, str(folder)],
                          capture_output=True, text=True, cwd=REPO, timeout=600)
    return done.returncode, _measured(done.stdout)


def _measured(out: str) -> str:
    """`check`'s output with the speed case's measured ratio, which differs from run to run, as <ratio>."""
    return re.sub(r"(Speed case .*: )\d+\.\dx", r"\1<ratio>x", out)


@pytest.mark.slow
def test_a_fresh_kit_sets_itself_up_offline_and_checks_like_the_course_repository(kit, tmp_path):
    """Does the kit's own `setup`, with no index at all (its wheel plus wheels already on this machine), make a
    .venv whose `check` reports "not implemented" on the stubs, passes the reference and gives the buggy example
    the course repository's messages and diagnoses, byte for byte?"""
    house = tmp_path / "wheelhouse"  # what this machine already has: pip's configured index, links and cache
    import tomllib

    needed = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]  # the wheel's own
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(house), "-c",
                    str(REPO / "constraints.txt"), "--only-binary", ":all:", *needed], check=True, timeout=600)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHON")) and k not in ("CI", "AUTOGRADER_CHECK_SERVER")}
    env.update(PIP_CONFIG_FILE=os.devnull, PYTHON=sys.executable)  # nothing but the wheels given
    kit = shutil.copytree(kit, tmp_path / "kit")  # the module's kit stays as built, for the other tests
    setup = subprocess.run(["bash", "setup", "--offline", str(house)], cwd=kit, env=env, capture_output=True,
                           text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr[-3000:]
    autograder = kit / ".venv" / "bin" / "autograder"
    assert autograder.is_file()
    try:  # the first check starts the kit's check server (autograder/kit/warm.py), the later ones fork from it
        _check_like_the_course_repository(kit, autograder, env)
    finally:
        stopped = subprocess.run([str(kit / ".venv" / "bin" / "python"), "-m", "autograder.kit.warm", "stop"],
                                 env=env, capture_output=True, text=True, timeout=60)
    assert stopped.stdout.strip() == "the check server stopped", stopped  # the checks went through the server


def _check_like_the_course_repository(kit: Path, autograder: Path, env: dict[str, str]) -> None:
    def kit_check(folder: str) -> tuple[int, str]:
        done = subprocess.run([str(autograder), "check", folder], cwd=kit, env=env, capture_output=True, text=True,
                              timeout=600)
        assert "Traceback" not in done.stderr, done.stderr
        return done.returncode, _measured(done.stdout)

    code, out = kit_check(ASSIGNMENT)
    assert code == 1 and "not implemented yet" in out and " 0/" in out and "ok  " not in out
    assert (code, out) == _course_check(STUBS)

    reference = kit / "reference" / ASSIGNMENT
    reference.mkdir(parents=True)
    for path in SOLUTIONS.iterdir():
        if path.suffix == ".py" and path.stem in MODULES or path.name == "answers.yaml":
            shutil.copy(path, reference / path.name)
    code, out = kit_check(str(reference.relative_to(kit)))
    assert code == 0 and "FAIL" not in out and "TODO" not in out, out
    # The speed case, timed from outside the student's process against the same baseline, as grading times it.
    assert "Speed case conv2d_forward_torch: vectorised_speed: <ratio>x the CPU time of " \
           "torch.nn.functional.conv2d on this machine (within the limit, 10x)." in out, out
    assert (code, out) == _course_check(SOLUTIONS)

    shutil.copytree(BUGGY, kit / "buggy_student")
    code, out = kit_check("buggy_student")
    assert code == 1 and "This looks like the known mistake" in out
    assert (code, out) == _course_check(BUGGY)


@pytest.mark.slow
def test_check_and_variant_in_the_kit_need_no_course(kit, tmp_path):
    """Run with the course's interpreter but from inside the kit (no course.yaml anywhere above): does `variant`
    give the course repository's questions for a student, and does `check` point out an answer of the wrong form
    with its line and what is expected?"""
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRADER_COURSE"}
    run = [sys.executable, "-m", "autograder.cli"]
    ours = subprocess.run(run + ["variant", "--student", "2024001"], cwd=kit, env=env, capture_output=True,
                          text=True, timeout=300)
    theirs = subprocess.run(run + ["--course", str(REPO), "variant", "--assignment", ASSIGNMENT, "--student",
                                   "2024001"], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert ours.returncode == 0 and ours.stdout == theirs.stdout and "2024001" in ours.stdout

    folder = tmp_path / "work"
    shutil.copytree(kit / ASSIGNMENT, folder)
    (folder / "answers.yaml").write_text("conv_layer_params: one hundred forty\ncnn_volume_shape: 12 x 21\n")
    (folder / "conv_torch.py").write_text(ZEROS)  # wrong tensors: the calls, tables and CUDA skips as in the course
    done = subprocess.run(run + ["check", str(folder)], cwd=kit, env=env, capture_output=True, text=True, timeout=300)
    assert "answers.yaml:1: conv_layer_params: expected a whole number such as 280, got 'one hundred forty'" \
        in done.stdout
    assert "answers.yaml:2: cnn_volume_shape: expected a shape of 3 whole numbers" in done.stdout
    assert "answers.yaml: conv_output_size: missing" in done.stdout
    assert "Called conv2d_forward_torch(x=<tensor of shape (" in done.stdout and "Mismatched elements" in done.stdout
    subprocess.run(run[:1] + ["-m", "autograder.kit.warm", "stop"], env=env, capture_output=True, timeout=60)
    assert (done.returncode, done.stdout) == _course_check(folder)


def test_package_student_refuses_a_folder_in_use_and_wants_a_target(kit, tmp_path, capsys):
    """Is a non-empty --out refused (a kit is never written over other files), and is a target required?"""
    assert main(["--course", str(REPO), "package", "student", "--assignment", ASSIGNMENT, "--out", str(kit)]) == 2
    assert "give a new or empty folder" in capsys.readouterr().err
    assert main(["--course", str(REPO), "package", "student", "--assignment", ASSIGNMENT]) == 2
    assert "give --out DIR" in capsys.readouterr().err


def test_check_in_a_kit_with_damaged_data_says_what_to_do(kit, tmp_path, monkeypatch, capsys):
    """Does `check` in a kit whose case pack was edited stop with exit 2 and the file, not a traceback?"""
    copy = shutil.copytree(kit, tmp_path / "kit")
    (copy / ".autograder" / "cases.json").write_text('{"format": 2, "cases": [{}], "mistakes": []}')
    monkeypatch.chdir(copy)
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    assert main(["check"]) == 2
    error = capsys.readouterr().err
    assert "cases.json: the case data cannot be read" in error and "fresh copy of the student kit" in error


ZEROS = """\
import torch


def conv2d_forward_torch(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                         stride: int = 1, padding: int = 0) -> torch.Tensor:
    n, _, h, w = x.shape
    f, _, k, _ = weight.shape
    return torch.zeros(n, f, (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1,
                       dtype=x.dtype, device=x.device)


def learn_filter(inputs: torch.Tensor, targets: torch.Tensor, steps: int = 500, lr: float = 0.1) -> torch.Tensor:
    return torch.zeros(3, 3)
"""
