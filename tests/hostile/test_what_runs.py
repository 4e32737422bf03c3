"""What runs is exactly what was read (issue 21): submissions whose attack lies in files beside the modules, in
a module no rule reads, or in code another exercise's rules excuse. Each is the reference with files added or
changed; does it lose exactly its own points, the rest of it and the class around it unaffected, while unusual
but legal layouts (a test file, `tests/` and `data/` folders, a `__main__` self-test) keep full marks?

All of them are graded once, two at a time, by the `graded` fixture."""
from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO

from autograder.pipeline import grade
from autograder.results import Status

MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")
FAST = {"case_seconds": 5.0, "exercise_seconds": 10.0}
UNGUARDED_CONV = '''
def _unguarded_conv(*args, **kwargs):
    """F.conv2d with torch's Python dispatch off: the worker's run-time guard (a dispatch mode) never sees it."""
    import torch
    import torch.nn.functional as F
    with torch._C._DisableTorchDispatch():
        return F.conv2d(*args, **kwargs)
'''
ORIGINAL_CORRELATE = '''
import numpy as np


def _original_correlate():
    """numpy.correlate as it was before the worker's guard wrapped it: taken from the guard's closure."""
    for cell in np.correlate.__closure__ or ():
        if getattr(cell.cell_contents, "__name__", "") == "correlate":
            return cell.cell_contents
    return np.correlate


def conv2d(image, kernel, padding=0, stride=1):
    correlate = _original_correlate()
    image = np.pad(np.asarray(image, dtype=float), padding)
    rows, height = kernel.shape[0], image.shape[0] - kernel.shape[0] + 1
    out = [sum(correlate(image[i + k], kernel[k], "valid") for k in range(rows)) for i in range(height)]
    return np.array(out)[::stride, ::stride]
'''
STUB = '''

def {name}({parameters}):
    raise NotImplementedError("{name}: the clean file's stub ran")
'''
TORCH_STUB = STUB.format(name="conv2d_forward_torch", parameters="x, weight, bias=None, stride=1, padding=0")
NUMPY_STUB = STUB.format(name="conv2d", parameters="image, kernel, padding=0, stride=1")
BUILTIN_HELPER = UNGUARDED_CONV + '''
import builtins
builtins.conv_helper = _unguarded_conv
'''
CALLS_HELPER = '''

def conv2d_forward_torch(x, weight, bias=None, stride=1, padding=0):
    return conv_helper(x, weight, bias, stride, padding)  # a bare name: the built-in another module put there
'''


def reference(target: Path) -> Path:
    target.mkdir(parents=True)
    for module in MODULES:
        shutil.copyfile(REPO / "solutions" / ASSIGNMENT / f"{module}.py", target / f"{module}.py")
    return target


def append(folder: Path, module: str, text: str) -> None:
    path = folder / f"{module}.py"
    path.write_text(path.read_text() + "\n\n# ---- changed ----\n" + text)


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def package_only(folder: Path) -> None:
    """conv_torch/__init__.py instead of conv_torch.py: the module with F.conv2d's answers, unguarded."""
    source = (folder / "conv_torch.py").read_text()
    (folder / "conv_torch.py").unlink()
    write(folder, "conv_torch/__init__.py", source + UNGUARDED_CONV + CALLS_HELPER.replace("conv_helper",
                                                                                         "_unguarded_conv"))


def numpy_package_only(folder: Path) -> None:
    """conv_numpy/__init__.py instead of conv_numpy.py, taking the original `correlate` from the guard's closure."""
    source = (folder / "conv_numpy.py").read_text()
    (folder / "conv_numpy.py").unlink()
    write(folder, "conv_numpy/__init__.py", source + ORIGINAL_CORRELATE)


def clean_file_and_package(folder: Path) -> None:
    """A clean conv_torch.py whose conv2d_forward_torch is the stub, and a conv_torch/ package that answers."""
    package_only(folder)
    source = (folder / "conv_torch" / "__init__.py").read_text()
    write(folder, "conv_torch.py", source.split(UNGUARDED_CONV)[0] + TORCH_STUB)


def numpy_clean_file_and_package(folder: Path) -> None:
    numpy_package_only(folder)
    source = (folder / "conv_numpy" / "__init__.py").read_text()
    write(folder, "conv_numpy.py", source.split(ORIGINAL_CORRELATE)[0] + NUMPY_STUB)


def shapes_builtins(folder: Path) -> None:
    """shapes.py (whose exercises forbid nothing) puts an unguarded F.conv2d into builtins at import;
    conv2d_forward_torch calls it by a bare name."""
    append(folder, "shapes", BUILTIN_HELPER)
    append(folder, "conv_torch", CALLS_HELPER)


def shapes_builtins_imported(folder: Path) -> None:
    """The same, with conv_torch importing shapes: shapes.py is then loaded where conv2d_forward_torch runs."""
    shapes_builtins(folder)
    append(folder, "conv_torch", "import shapes  # noqa\n")


def learn_filter_leaves_helper(folder: Path) -> None:
    """learn_filter (allowed F.conv2d) leaves an unguarded F.conv2d in builtins before it trains;
    conv2d_forward_torch, whose hidden cases ran after learn_filter's visible ones, calls it by a bare name."""
    path = folder / "conv_torch.py"
    path.write_text(path.read_text().replace("def learn_filter(", "def _reference_learn_filter("))
    append(folder, "conv_torch", CALLS_HELPER + '''

def learn_filter(inputs, targets, steps=500, lr=0.1):
    import builtins
    import torch
    import torch.nn.functional as F

    def conv_helper(*args):
        with torch._C._DisableTorchDispatch():
            return F.conv2d(*args)

    builtins.conv_helper = conv_helper
    return _reference_learn_filter(inputs, targets, steps, lr)
''')


def rewrites_later_module(folder: Path) -> None:
    """shapes.py, imported first, rewrites conv_torch.py on disk (after the host read it) with an unguarded
    F.conv2d; the file as submitted has conv2d_forward_torch's stub."""
    source = (folder / "conv_torch.py").read_text()
    answering = source + UNGUARDED_CONV + CALLS_HELPER.replace("conv_helper", "_unguarded_conv")
    append(folder, "conv_torch", TORCH_STUB)
    append(folder, "shapes", f'''
import os as _os
for _folder in {{_os.path.dirname(_os.path.abspath(__file__)), _os.getcwd()}}:
    try:
        with open(_os.path.join(_folder, "conv_torch.py"), "w") as _file:
            _file.write({answering!r})
    except OSError:
        pass
''')


def coding_cookie(folder: Path) -> None:
    """A `# coding: utf-7` line: UTF-7 turns `+AAo-` into a line break, so Python reading the file decodes an
    unguarded F.conv2d out of what the host, reading UTF-8, takes for a comment."""
    hidden = "\n".join(["", *UNGUARDED_CONV.strip().splitlines(),
                        *CALLS_HELPER.replace("conv_helper", "_unguarded_conv").strip().splitlines()])
    assert "+" not in hidden
    encoded = hidden.replace("\n", "+AAo-")  # UTF-7's encoder leaves line breaks as they are
    source = (folder / "conv_torch.py").read_text()
    write(folder, "conv_torch.py", "# -*- coding: utf-7 -*-\n" + source + TORCH_STUB
          + "\n#" + encoded + "\n")


def module_written_at_run_time(folder: Path) -> None:
    """conv_numpy.py writes a module at import and imports it from a folder it puts on sys.path: code the host
    never read, taking the original `correlate` from the guard's closure."""
    append(folder, "conv_numpy", f'''
import os as _os
import sys as _sys
import tempfile as _tempfile

_folder = _tempfile.mkdtemp()
with open(_os.path.join(_folder, "sneaky.py"), "w") as _file:
    _file.write({ORIGINAL_CORRELATE!r})
_sys.path.insert(0, _folder)
from sneaky import conv2d  # noqa: E402
''')


def controls(folder: Path) -> None:
    """Legal layouts: a test file and `tests/` using F.conv2d, a `data/` folder the module reads by `__file__`
    and by the working folder, a `__main__` self-test with F.conv2d, heavy printing, os.path."""
    write(folder, "test_conv.py", "import torch.nn.functional as F\nimport conv_torch\n\n\ndef test_it():\n"
                                  "    assert conv_torch is not None and F.conv2d is not None\n")
    write(folder, "tests/test_shapes.py", "from shapes import output_size\n\n\ndef test_it():\n"
                                          "    assert output_size(5, 3) == 3\n")
    write(folder, "tests/__init__.py", "")
    write(folder, "data/kernel.txt", "1 0 -1\n")
    write(folder, "data/__init__.py", "raise SystemExit('data/ must not be imported')\n")
    append(folder, "filters", '''
import os.path

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "data", "kernel.txt")) as _one, open(os.path.join("data", "kernel.txt")) as _two:
    assert _one.read() == _two.read() == "1 0 -1\\n"
for _ in range(2000):
    print("a line of debugging output " * 4)
''')
    append(folder, "conv_torch", '''
if __name__ == "__main__":
    import torch.nn.functional as reference_functions
    _x, _w = torch.randn(1, 1, 5, 5), torch.randn(1, 1, 3, 3)
    assert torch.allclose(conv2d_forward_torch(_x, _w), reference_functions.conv2d(_x, _w))
''')


@dataclass(frozen=True)
class Loses:
    """An exercise the submission loses: its cases' statuses, and a pattern of the messages of its visible cases
    of the first of them."""

    status: tuple[Status, ...]
    message: str | None = None


TORCH_UNGRADABLE = Loses((Status.UNGRADABLE,), r"found a package folder conv_torch/ \(conv_torch/__init__\.py\) "
                                               r"instead of the module file conv_torch\.py")
NUMPY_UNGRADABLE = Loses((Status.UNGRADABLE,), r"found a package folder conv_numpy/")
STUBBED = Loses((Status.NOT_IMPLEMENTED, Status.ERROR, Status.FAILED), r"NotImplementedError|stub|not implemented")
NO_HELPER = Loses((Status.ERROR, Status.FAILED), r"NameError|conv_helper")
DEPENDENT = Loses((Status.NOT_IMPLEMENTED, Status.ERROR, Status.FAILED), None)
"""learn_filter's reference calls conv2d_forward_torch: a submission that breaks the latter breaks it too."""

SUBMISSIONS = {
    "package_only": (package_only, {"conv2d_forward_torch": TORCH_UNGRADABLE, "learn_filter": TORCH_UNGRADABLE}),
    "numpy_package_only": (numpy_package_only, {e: NUMPY_UNGRADABLE for e in
                                                ("zero_pad", "conv2d", "conv_volume", "conv_layer_forward")}),
    "clean_file_and_package": (clean_file_and_package, {"conv2d_forward_torch": STUBBED, "learn_filter": DEPENDENT}),
    "numpy_clean_file_and_package": (numpy_clean_file_and_package, {"conv2d": STUBBED}),
    "shapes_builtins": (shapes_builtins, {"conv2d_forward_torch": NO_HELPER}),
    "shapes_builtins_imported": (shapes_builtins_imported, {
        "conv2d_forward_torch": Loses((Status.FORBIDDEN,), r"imports shapes, which at shapes\.py line \d+")}),
    "learn_filter_leaves_helper": (learn_filter_leaves_helper, {"conv2d_forward_torch": NO_HELPER}),
    "rewrites_later_module": (rewrites_later_module, {"conv2d_forward_torch": STUBBED, "learn_filter": DEPENDENT}),
    "coding_cookie": (coding_cookie, {"conv2d_forward_torch": STUBBED, "learn_filter": DEPENDENT}),
    "module_written_at_run_time": (module_written_at_run_time, {
        e: Loses((Status.FORBIDDEN,), r"sys\.path") for e in ("conv2d", "conv_volume", "conv_layer_forward")}),
    "controls": (controls, {}),
}


def quick(assignment, names):
    """The assignment with short time limits on the exercises a submission breaks, and no questions."""
    return replace(assignment, questions=(), exercises=tuple(
        replace(e, limits=replace(e.limits, **FAST)) if e.id in names else e for e in assignment.exercises))


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    root = tmp_path_factory.mktemp("what-runs")
    assignment = course.assignment(ASSIGNMENT)

    def one(name):
        build, broken = SUBMISSIONS[name]
        folder = reference(root / name)
        build(folder)
        return name, grade(course, quick(assignment, set(broken)), folder, student="hostile")

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, sorted(SUBMISSIONS)))


@pytest.mark.parametrize("name", sorted(SUBMISSIONS))
def test_the_submission_loses_exactly_its_own_points(graded, name):
    """Does each attack lose exactly the exercises it attacks (its other exercises full marks), each case with the
    expected status and message, and do the legal layouts keep full marks?"""
    run = graded[name]
    expected = SUBMISSIONS[name][1]
    for exercise in run.exercises:
        broken = expected.get(exercise.id)
        if broken is None:
            failing = [(c.case, c.status.value, c.message[:200]) for c in exercise.cases if not c.passed]
            assert exercise.score == exercise.points, f"{exercise.id} should have full marks: {failing[:3]}"
            continue
        assert exercise.score < exercise.points, exercise.id
        allowed = (*broken.status, Status.PASSED, Status.SKIPPED) if broken.message is None else \
            (*broken.status, Status.SKIPPED, *((Status.PASSED,) if broken.status != (Status.FORBIDDEN,) else ()))
        assert {c.status for c in exercise.cases} <= set(allowed), \
            (exercise.id, {c.case: (c.status.value, c.message[:120]) for c in exercise.cases})
        if broken.message is not None:
            visible = [c for c in exercise.cases if c.visible and c.status is broken.status[0]]
            assert visible and all(re.search(broken.message, c.message + "\n" + c.details, re.S) for c in visible), \
                (exercise.id, [c.message[:300] for c in visible][:3])
    assert not [c for e in run.exercises for c in e.cases if c.status is Status.GRADER_ERROR]


def test_no_hidden_case_of_an_attacked_exercise_passes(graded):
    """The attacks that hand conv2d_forward_torch an unguarded F.conv2d passed its hidden cases before: does every
    case of it, hidden ones included, now lose?"""
    for name in ("shapes_builtins", "learn_filter_leaves_helper", "rewrites_later_module", "coding_cookie",
                 "clean_file_and_package"):
        cases = next(e for e in graded[name].exercises if e.id == "conv2d_forward_torch").cases
        assert not [c.case for c in cases if c.passed and c.status is not Status.SKIPPED], name


def test_a_package_is_named_once_in_the_run_notes(graded):
    """Is the package folder found in place of a module said once in the run's notes, for the student?"""
    notes = "\n".join(graded["package_only"].notes)
    assert notes.count("found a package folder conv_torch/") == 1, notes


@pytest.mark.slow
def test_grade_all_grades_the_class_around_the_attacks_alike(course, tmp_path):
    """Through `grade-all`: do the package attacks lose exactly their module's exercises while the reference
    students of the same class keep full marks?"""
    from autograder.cli import main

    folder = tmp_path / "submissions"
    reference(folder / "alice")
    package_only(reference(folder / "mallory"))
    clean_file_and_package(reference(folder / "trudy"))
    reference(folder / "zoe")
    out = tmp_path / "grades"
    assert main(["--course", str(REPO), "grade-all", str(folder), "--assignment", ASSIGNMENT,
                 "--out", str(out)]) == 0
    runs = {p.parent.name: json.loads(p.read_text()) for p in out.glob("*/run.json")}
    scores = {student: {e["id"]: (e["score"], e["points"]) for e in run["exercises"] if e["id"] != "questions"}
              for student, run in runs.items()}
    for student in ("alice", "zoe"):
        lost = {e: score for e, (score, points) in scores[student].items() if score < points}
        assert not lost, (student, lost, [(c["case"], c["message"][:200]) for e in runs[student]["exercises"]
                                          for c in e["cases"] if e["id"] in lost and c["status"] != "passed"])
    for student in ("mallory", "trudy"):
        lost = {e for e, (score, points) in scores[student].items() if score < points}
        assert lost == {"conv2d_forward_torch", "learn_filter"}, (student, scores[student])
