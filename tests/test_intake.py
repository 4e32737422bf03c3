"""intake.read_modules: each module of a submission size-checked before the host parses it."""
from __future__ import annotations

import os
import time

import pytest

from autograder.intake import MAX_MODULE_BYTES, ModuleSource, read_modules


def test_a_module_within_the_cap_is_read(tmp_path):
    """Is a module of at most MAX_MODULE_BYTES read as text, undecodable bytes replaced?"""
    (tmp_path / "shapes.py").write_bytes(b"x = 1  # caf\xe9\n")
    source = read_modules(tmp_path, ("shapes",))["shapes"]
    assert source.text == "x = 1  # caf\ufffd\n" and source.problem == ""


def test_a_module_over_the_cap_is_refused_unread(tmp_path):
    """Is a 4 MiB module refused at once, with its size and the cap, and its text never read?"""
    (tmp_path / "filters.py").write_text("_TABLE = [" + "0, " * (4 * 2**20 // 3) + "]\n")
    started = time.perf_counter()
    source = read_modules(tmp_path, ("filters",))["filters"]
    assert time.perf_counter() - started < 0.1
    assert source.text is None
    assert source.problem.startswith(f"filters.py: 4.0 MiB, more than the {MAX_MODULE_BYTES // 1024} KiB a module "
                                     f"may have")


def test_a_missing_module_a_link_a_folder_and_a_package_each_say_what_was_found(tmp_path):
    """Does a missing module say that it is missing, and one that is a link, a folder or a package folder (none of
    which the grader imports: the worker runs only the text read here) say what was found, with no text?"""
    (tmp_path / "real.py").write_text("x = 1\n")
    os.symlink(tmp_path / "real.py", tmp_path / "linked.py")
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "__init__.py").write_text("")
    (tmp_path / "folder.py").mkdir()
    sources = read_modules(tmp_path, ("absent", "linked", "package", "folder"))
    assert [(s.text, s.problem) for s in sources.values()] == [
        (None, "absent.py is missing from the submission: put it beside the other modules"),
        (None, "linked.py is a link: submit the file itself"),
        (None, "found a package folder package/ (package/__init__.py) instead of the module file package.py: the "
               "grader imports only package.py; put your code for package in that one file"),
        (None, "folder.py is a folder: submit the file itself")]


def test_a_package_beside_the_module_file_is_not_read(tmp_path):
    """With both `conv_torch.py` and a package `conv_torch/`, is the file the module (the package is never read)?"""
    (tmp_path / "conv_torch.py").write_text("x = 1\n")
    (tmp_path / "conv_torch").mkdir()
    (tmp_path / "conv_torch" / "__init__.py").write_text("x = 2\n")
    assert read_modules(tmp_path, ("conv_torch",))["conv_torch"] == ModuleSource("conv_torch", "x = 1\n")


@pytest.mark.parametrize("names, problem", [
    (["shapes (1).py"], "found shapes (1).py: rename it shapes.py"),
    (["Shapes.py"], "found Shapes.py: rename it shapes.py"),
    (["shapes-2.py", "filters.py"], "found shapes-2.py: rename it shapes.py"),
    (["shapes copy.py"], "found shapes copy.py: rename it shapes.py"),
    (["shapes.py.txt"], "found shapes.py.txt: rename it shapes.py"),
    (["shapes (2).ipynb"], "found shapes (2).ipynb: rename it shapes.ipynb"),
    (["Shapes.py", "shapes (1).py"], "found Shapes.py and shapes (1).py: rename one of them shapes.py"),
    (["shapes_utils.py", "myshapes.py", "filters.py"], "shapes.py is missing from the submission"),
])
def test_a_misnamed_module_is_named_with_the_name_to_give_it(tmp_path, names, problem):
    """Is a module saved under a copy's name, another case or an added extension found, and the student told
    which file to rename to what, while other files that merely contain the name are not taken for it?"""
    for name in names:
        (tmp_path / name).write_text("x = 1\n")
    assert read_modules(tmp_path, ("shapes",))["shapes"].problem.startswith(problem)
