"""Which exercises share a worker and what each worker may import (autograder/sandbox/groups.py): pure."""
from __future__ import annotations

import pytest

from autograder.sandbox.groups import Exercise, WorkerGroup, closure, group_of, merge_clean, plan

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


def test_clean_groups_with_the_same_rules_share_a_worker_and_a_finding_keeps_its_group_apart():
    """After the scan: do the groups of filters and conv_numpy (the same NumPy list) become one worker loading both
    modules when every exercise of theirs scanned clean, while the torch group (another list) and the group that
    forbids nothing stay apart; and does a finding in one of them keep both as they were?"""
    groups = plan(L10, MODULES, imports_of({}))
    merged = merge_clean(groups, L10, lambda exercise: True)
    assert merged == (
        groups[0],
        WorkerGroup(("conv2d_single", "conv2d", "conv_volume"), tuple(sorted(NUMPY)), ("filters", "conv_numpy"),
                    frozenset({"apply_filter_at", "zero_pad"})),
        groups[3])
    assert merge_clean(groups, L10, lambda exercise: exercise != "conv_volume") == groups
    assert merge_clean(groups, L10, lambda exercise: exercise != "conv2d_single") == groups


def test_a_merged_worker_excuses_only_what_every_group_that_loads_its_module_excused():
    """conv_numpy imports filters, so conv_numpy's group loads filters whole (apply_filter_at's body scanned there);
    filters' own group excused apply_filter_at. Merged, apply_filter_at is not excused (conv_numpy may call it),
    zero_pad still is (graded in neither)."""
    groups = plan(L10, MODULES, imports_of({"conv_numpy": ["filters"]}))
    assert groups[2].modules == ("conv_numpy", "filters") and "apply_filter_at" not in groups[2].excused
    merged = merge_clean(groups, L10, lambda exercise: True)
    assert merged[1].exercises == ("conv2d_single", "conv2d", "conv_volume")
    assert set(merged[1].modules) == {"filters", "conv_numpy"}
    assert merged[1].excused == frozenset({"zero_pad"})
