"""Does the kit's `check` run from the case pack alone, keep each case's own argument mapping (the packed mistakes'
outputs are found by it), and never import torch in the grader's process (what keeps it near one import torch)?"""
from __future__ import annotations

import os
import subprocess

import pytest
import sys

from support import ASSIGNMENT, REPO

from autograder import devices
from autograder.kit.check import cases_of, read_pack
from autograder.kit.manifest import load_kit
from autograder.packaging.student import kit_files, write_folder
from autograder.spec import load_course


def test_check_from_the_pack_never_imports_torch_in_the_graders_process(tmp_path):
    """Does the kit's check keep torch out of the grader's process (what keeps a check near one import torch)?
    The static scan learns what installed modules' paths denote by importing them, torch too: the first check
    does, and keeps the answers (autograder/sandbox/static/remembered.py); the next check reads them."""
    course = load_course(REPO)
    kit_folder = tmp_path / "kit"
    write_folder(kit_files(course, course.assignment(ASSIGNMENT), REPO), kit_folder)
    kit = load_kit(kit_folder)
    pack = read_pack(kit)
    assert [c.args for c in cases_of(pack)] == [c.args for c in pack.cases]
    assert all(case.args is packed.args for case, packed in zip(cases_of(pack), pack.cases))
    code = ("import sys; from pathlib import Path; from autograder.kit.manifest import load_kit; "
            "from autograder.kit.check import check_kit; "
            "run = check_kit(load_kit(Path('.')), Path('l10_convolutions')); "
            "print('torch' in sys.modules, sum(len(e.cases) for e in run.exercises))")
    env = {**os.environ, "AUTOGRADER_CACHE": str(tmp_path / "cache")}
    try:
        first = subprocess.run([sys.executable, "-c", code], cwd=kit_folder, capture_output=True, text=True,
                               timeout=300, env=env)
        done = subprocess.run([sys.executable, "-c", code], cwd=kit_folder, capture_output=True, text=True,
                              timeout=300, env=env)
    finally:  # the check server that check started
        subprocess.run([sys.executable, "-m", "autograder.kit.warm", "stop"], capture_output=True, timeout=60)
    assert first.stdout.split()[1:] == done.stdout.split()[1:], first.stderr
    assert (tmp_path / "cache" / "scan-modules.json").is_file()
    torch_imported, cases = done.stdout.split()
    assert int(cases) == sum(c.visible for c in pack.cases), done.stderr
    if devices._cpu_only_build():  # with a CUDA build the grader asks torch whether there is a GPU
        assert torch_imported == "False"
