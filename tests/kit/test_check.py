"""Does the kit's `check` run from the case pack alone, keep each case's own argument mapping (the packed mistakes'
outputs are found by it), and never import torch in the grader's process (what keeps it near one import torch)?"""
from __future__ import annotations

import subprocess

import pytest
import sys

from support import ASSIGNMENT, REPO

from autograder import devices
from autograder.kit.check import cases_of, read_pack
from autograder.kit.manifest import load_kit
from autograder.packaging.student import kit_files, write_folder
from autograder.spec import load_course


@pytest.mark.xfail(strict=True, reason="the static scan now resolves module paths by importing the real modules "
                   "on the host (sandbox/static/modules.py), torch included: a known cost of the kit's check, "
                   "left for the next round (closing note of the session that merged it)")
def test_check_from_the_pack_never_imports_torch_in_the_graders_process(tmp_path):
    course = load_course(REPO)
    write_folder(kit_files(course, course.assignment(ASSIGNMENT), REPO), tmp_path)
    kit = load_kit(tmp_path)
    pack = read_pack(kit)
    assert [c.args for c in cases_of(pack)] == [c.args for c in pack.cases]
    assert all(case.args is packed.args for case, packed in zip(cases_of(pack), pack.cases))
    code = ("import sys; from pathlib import Path; from autograder.kit.manifest import load_kit; "
            "from autograder.kit.check import check_kit; "
            "run = check_kit(load_kit(Path('.')), Path('l10_convolutions')); "
            "print('torch' in sys.modules, sum(len(e.cases) for e in run.exercises))")
    try:
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                              timeout=300)
    finally:  # the check server that check started
        subprocess.run([sys.executable, "-m", "autograder.kit.warm", "stop"], capture_output=True, timeout=60)
    torch_imported, cases = done.stdout.split()
    assert int(cases) == sum(c.visible for c in pack.cases), done.stderr
    if devices._cpu_only_build():  # with a CUDA build the grader asks torch whether there is a GPU
        assert torch_imported == "False"
