"""Sequences and mappings through `compare`: element by element, with the path to the first difference."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.codec import TensorData, Unsupported
from autograder.compare import compare
from autograder.spec import Comparison

DEFAULT = Comparison()


def test_equal_structures_pass():
    """Do nested lists, tuples and dicts of scalars and arrays pass against equal copies?"""
    value = {"shape": (3, 3), "filters": [np.eye(2), {"b": [1, 2.5, None, "x"]}]}
    copy = {"filters": [np.eye(2), {"b": [1, 2.5, None, "x"]}], "shape": (3, 3)}
    assert compare(copy, value, DEFAULT) is None


def test_list_and_tuple_are_interchangeable():
    """Is a list accepted where a tuple is expected, and a tuple where a list is expected?"""
    assert compare([39, 39, 3], (39, 39, 3), DEFAULT) is None
    assert compare((1, 2), [1, 2], DEFAULT) is None
    assert compare([(1, 2), [3]], ((1, 2), (3,)), DEFAULT) is None


def test_non_sequence_for_sequence_is_a_type_mismatch():
    """Is an array, a dict or a scalar where a tuple is expected a type mismatch naming the length?"""
    for got in (np.array([1, 2]), {"a": 1}, 12, None, "ab"):
        mismatch = compare(got, (1, 2), DEFAULT)
        assert mismatch.kind == "type", got
        assert "tuple of 2 items" in mismatch.summary


def test_wrong_length_is_a_length_mismatch():
    """Does a sequence of the wrong length fail with kind 'length', naming both lengths?"""
    mismatch = compare([1, 2, 3], (1, 2), DEFAULT)
    assert mismatch.kind == "length"
    assert "expected 2 items, got 3" in mismatch.summary


def test_path_of_nested_sequence_difference():
    """Does the first difference deep inside lists carry its path, like 'at [1][2]'?"""
    mismatch = compare([0, [1, 2, 4]], [0, [1, 2, 3]], DEFAULT)
    assert mismatch.summary.startswith("at [1][2]: ")
    assert "got 4, expected 3" in mismatch.summary


def test_first_difference_is_reported():
    """With several differences, is the first (in order) the one reported?"""
    mismatch = compare([9, 9, 9], [1, 2, 3], DEFAULT)
    assert mismatch.summary.startswith("at [0]: ")


def test_path_into_mapping_uses_key_repr():
    """Does a difference under a dict key carry the path "at ['sobel_vertical']", table included for arrays?"""
    expected = {"sobel_horizontal": np.zeros((3, 3)), "sobel_vertical": np.eye(3)}
    got = {"sobel_horizontal": np.zeros((3, 3)), "sobel_vertical": np.zeros((3, 3))}
    mismatch = compare(got, expected, DEFAULT)
    assert mismatch.summary.startswith("at ['sobel_vertical']: ")
    assert mismatch.kind == "value"
    assert "Mismatched elements: 3 / 9" in mismatch.details


def test_path_mixes_keys_and_indices():
    """Does a path through a dict then a list then a tensor read like "at ['a'][1]"?"""
    expected = {"a": [TensorData(np.zeros(2, np.float32), "float32", "cpu"),
                      TensorData(np.zeros(2, np.float32), "float32", "cpu")]}
    got = {"a": [TensorData(np.zeros(2, np.float32), "float32", "cpu"),
                 TensorData(np.zeros(3, np.float32), "float32", "cpu")]}
    mismatch = compare(got, expected, DEFAULT)
    assert mismatch.summary.startswith("at ['a'][1]: ") and mismatch.kind == "shape"


def test_path_of_int_keys_and_type_mismatch_inside():
    """Is the path kept for a type mismatch inside a structure too (int keys shown as [0])?"""
    mismatch = compare({0: [1.0]}, {0: [1]}, DEFAULT)
    assert mismatch.summary.startswith("at [0][0]: expected an int")
    assert mismatch.kind == "type"


def test_missing_keys_are_named():
    """Does a missing key fail with kind 'keys', naming it (plural for several)?"""
    one = compare({"a": 1}, {"a": 1, "b": 2}, DEFAULT)
    two = compare({}, {"a": 1, "b": 2}, DEFAULT)
    assert one.kind == "keys" and one.summary == "missing key 'b'"
    assert two.kind == "keys" and two.summary == "missing keys 'a', 'b'"


def test_extra_keys_are_named():
    """Does an unexpected key fail with kind 'keys', naming it?"""
    mismatch = compare({"a": 1, "c": 3}, {"a": 1}, DEFAULT)
    assert mismatch.kind == "keys" and mismatch.summary == "unexpected key 'c'"


def test_missing_keys_are_reported_before_extra_ones():
    """With keys both missing and extra (a renamed key), is the missing one reported?"""
    mismatch = compare({"sobel_x": 1}, {"sobel_vertical": 1}, DEFAULT)
    assert mismatch.summary == "missing key 'sobel_vertical'"


def test_key_order_does_not_matter():
    """Do dicts with the same keys in another order compare equal?"""
    assert compare({"b": 2, "a": 1}, {"a": 1, "b": 2}, DEFAULT) is None


def test_keys_compare_by_value_and_type():
    """Is an int key 1 different from a str key '1'?"""
    assert compare({"1": 0}, {1: 0}, DEFAULT).kind == "keys"


def test_non_dict_for_dict_is_a_type_mismatch():
    """Is a list where a dict is expected a type mismatch naming the expected keys?"""
    mismatch = compare([("a", 1)], {"a": 1}, DEFAULT)
    assert mismatch.kind == "type" and "['a']" in mismatch.summary


def test_nested_path_on_missing_key():
    """Does a missing key deep inside carry the path to its dict?"""
    mismatch = compare([{"a": {}}], [{"a": {"k": 1}}], DEFAULT)
    assert mismatch.summary == "at [0]['a']: missing key 'k'"


def test_unsupported_inside_a_structure_names_its_path():
    """Is an unsupported value inside a list a type mismatch at its path?"""
    mismatch = compare([1, Unsupported("decimal.Decimal")], [1, 2.0], DEFAULT)
    assert mismatch.kind == "type"
    assert mismatch.summary.startswith("at [1]: unsupported return type decimal.Decimal")


@pytest.mark.parametrize("got,expected,kind", [
    ("x", 1, "type"), ([1], [1, 2], "length"), ({}, {"a": 1}, "keys"),
    (np.zeros(2), np.zeros(3), "shape"), (np.zeros(2, int), np.zeros(2), "dtype"),
    (TensorData(np.zeros(1, np.float32), "float32", "cpu"), TensorData(np.zeros(1, np.float32), "float32", "cuda:0"),
     "device"),
    (np.array([np.nan]), np.zeros(1), "nan"), (2, 1, "value"),
])
def test_mismatch_kinds(got, expected, kind):
    """Does each rung of the ladder report its own Mismatch.kind, inside a structure as at the top?"""
    assert compare(got, expected, DEFAULT).kind == kind
    assert compare({"k": [got]}, {"k": [expected]}, DEFAULT).kind == kind
