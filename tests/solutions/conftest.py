"""Fixtures for the reference-solution tests: the modules of solutions/l10_convolutions, loaded by file path.

The solution folders are not packages, so each module is loaded with importlib under a prefixed name
(``ref_shapes``, ``buggy_shapes``, ...) that cannot clash with the student's or the grader's modules.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

REPO = Path(__file__).resolve().parents[2]
SOLUTIONS = REPO / "solutions" / "l10_convolutions"
BUGGY = REPO / "examples" / "l10_convolutions" / "buggy_student"
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")


def _load(folder: Path, name: str, prefix: str) -> ModuleType:
    qualified = f"{prefix}_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, folder / f"{name}.py")
    assert spec is not None and spec.loader is not None, f"cannot load {folder / name}.py"
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def shapes() -> ModuleType:
    return _load(SOLUTIONS, "shapes", "ref")


@pytest.fixture(scope="session")
def filters() -> ModuleType:
    return _load(SOLUTIONS, "filters", "ref")


@pytest.fixture(scope="session")
def conv_numpy() -> ModuleType:
    return _load(SOLUTIONS, "conv_numpy", "ref")


@pytest.fixture(scope="session")
def conv_torch() -> ModuleType:
    return _load(SOLUTIONS, "conv_torch", "ref")


@pytest.fixture(scope="session")
def reference() -> SimpleNamespace:
    """The four reference modules as attributes: reference.shapes, reference.filters, ..."""
    return SimpleNamespace(**{name: _load(SOLUTIONS, name, "ref") for name in MODULES})


@pytest.fixture(scope="session")
def buggy() -> SimpleNamespace:
    """The bundled buggy student submission's four modules, as attributes."""
    return SimpleNamespace(**{name: _load(BUGGY, name, "buggy") for name in MODULES})


@pytest.fixture(scope="session")
def lecture_image():
    """The lecture's 5 x 5 grey-scale image (slide "Filters")."""
    import numpy as np

    return np.array([[206, 205, 247, 245, 244],
                     [244, 161, 137, 244, 254],
                     [192, 154, 75, 200, 249],
                     [90, 109, 96, 143, 223],
                     [67, 69, 107, 196, 236]], dtype=np.int64)


@pytest.fixture(scope="session")
def blur_kernel():
    """The lecture's 3 x 3 blur filter."""
    import numpy as np

    return np.array([[1 / 16, 1 / 8, 1 / 16],
                     [1 / 8, 1 / 4, 1 / 8],
                     [1 / 16, 1 / 8, 1 / 16]])


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Run torch on one thread in these modules (restored after each): the tensors here are tiny, and two
    OpenMP threads on a busy 2-core machine wait on each other (the suite then runs ten times slower)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
