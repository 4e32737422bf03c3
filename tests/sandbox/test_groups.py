"""Which exercises share a worker and what each worker may import (autograder/sandbox/groups.py): pure."""
from __future__ import annotations

import pytest

from autograder.sandbox.groups import Exercise, WorkerGroup, closure, group_of, plan

NUMPY = ("numpy.convolve", "numpy.correlate")
TORCH = ("torch.nn.functional.conv2d",)
L10 = [Exercise("output_size", "shapes"), Exercise("apply_filter_at", "filters"),
       Exercise("conv2d_single", "filters", NUMPY), Exercise("zero_pad", "conv_numpy"),
       Exercise("conv2d", "conv_numpy", NUMPY), Exercise("conv_volume", "conv_numpy", NUMPY[::-1]),
       Exercise("conv2d_forward_torch", "conv_torch", TORCH), Exercise("learn_filter", "conv_torch")]
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")


def imports_of(table: dict[str, dict[frozenset, list[str]] | list[str]]):
    def imports(module: str, excused: frozenset[str]) -> list[str]:
        found = table.get(module, [])
        return found.get(excused, found.get(frozenset(), [])) if isinstance(found, dict) else found
    return imports


def test_the_exercises_that_forbid_nothing_share_one_worker_and_each_forbidding_module_has_its_own():
    """Is there one worker for everything that forbids nothing (all their modules), and one per module and list of
    forbidden APIs (the order of the list does not matter), loading that module only, its other exercises
    excused?"""
    groups = plan(L10, MODULES, imports_of({}))
    assert groups == (
        WorkerGroup(("output_size", "apply_filter_at", "zero_pad", "learn_filter"), (), MODULES),
        WorkerGroup(("conv2d_single",), tuple(sorted(NUMPY)), ("filters",), frozenset({"apply_filter_at"})),
        WorkerGroup(("conv2d", "conv_volume"), tuple(sorted(NUMPY)), ("conv_numpy",), frozenset({"zero_pad"})),
        WorkerGroup(("conv2d_forward_torch",), TORCH, ("conv_torch",), frozenset({"learn_filter"})))
    assert group_of(groups, "conv_volume") is groups[2]
    with pytest.raises(KeyError):
        group_of(groups, "no_such_exercise")


def test_a_forbidding_worker_loads_what_its_module_imports_transitively_and_no_other_module():
    """Does conv_torch's worker load shapes when conv_torch imports it, and what shapes imports, but not a module
    imported only inside an excused function's body, nor a name that is not one of the submission's modules?"""
    learn_filter_excused = frozenset({"learn_filter"})
    table = {"conv_torch": {frozenset(): ["torch", "shapes", "filters"], learn_filter_excused: ["torch", "shapes"]},
             "shapes": ["typing", "conv_numpy"]}
    groups = plan(L10, MODULES, imports_of(table))
    torch_worker = group_of(groups, "conv2d_forward_torch")
    assert torch_worker.modules == ("conv_torch", "shapes", "conv_numpy")
    assert group_of(groups, "conv2d_single").modules == ("filters",)


def test_a_module_that_cannot_be_read_is_loaded_nowhere():
    """Is a module left out of `modules` (missing, refused) never among what a worker may import?"""
    assert closure(["conv_torch"], {"shapes"}, imports_of({"conv_torch": ["shapes"]})) == ()
    assert closure(["shapes"], {"shapes"}, imports_of({"shapes": ["shapes", "conv_torch"]})) == ("shapes",)
