"""Arrays and tensors through `compare`: the ladder type → shape → dtype → device → NaN → values, and the table."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from autograder.codec import TensorData
from autograder.compare import compare
from autograder.compare.arrays import TABLE_ROWS
from autograder.spec import Comparison, DtypeRule

DEFAULT = Comparison()
EXACT = Comparison(dtype=DtypeRule.EXACT)
KIND = Comparison(dtype=DtypeRule.KIND)
ANY = Comparison(dtype=DtypeRule.ANY)


def tensor(values, dtype: str = "float32", device: str = "cpu") -> TensorData:
    return TensorData(np.asarray(values, dtype="float32" if dtype == "bfloat16" else dtype), dtype, device)


# ---- type ----------------------------------------------------------------------------------------------------

def test_list_for_array_is_a_type_mismatch_with_np_array_hint():
    """Is a list where an array is expected a type mismatch that suggests np.array(...)?"""
    for got in ([1.0, 2.0], (1.0, 2.0)):
        mismatch = compare(got, np.array([1.0, 2.0]), DEFAULT)
        assert mismatch.kind == "type"
        assert "np.array" in mismatch.summary and "shape (2,)" in mismatch.summary


def test_tensor_for_array_and_array_for_tensor_are_type_mismatches():
    """Is a tensor where an array is expected (and the reverse) a type mismatch with a hint that fits?"""
    to_array = compare(tensor([1.0]), np.array([1.0], dtype=np.float32), DEFAULT)
    to_tensor = compare(np.array([1.0], dtype=np.float32), tensor([1.0]), DEFAULT)
    assert to_array.kind == "type" and ".numpy()" in to_array.summary
    assert to_tensor.kind == "type" and "torch" in to_tensor.summary and "tensor" in to_tensor.summary


def test_scalar_for_array_is_a_type_mismatch():
    """Is a Python scalar where a 0-d array is expected a type mismatch, not a value comparison?"""
    assert compare(3.0, np.array(3.0), DEFAULT).kind == "type"
    assert compare(None, tensor(3.0), DEFAULT).kind == "type"


# ---- shape ---------------------------------------------------------------------------------------------------

def test_shape_mismatch_names_both_shapes():
    """Does a wrong shape fail with kind 'shape', naming got and expected shapes?"""
    mismatch = compare(np.zeros((2, 2)), np.zeros((3, 3)), DEFAULT)
    assert mismatch.kind == "shape"
    assert "(2, 2)" in mismatch.summary and "(3, 3)" in mismatch.summary
    assert "swapped" not in mismatch.summary


def test_swapped_axes_get_a_hint():
    """Does a transposed result get the 'are the axes swapped?' hint, for arrays and tensors?"""
    assert "swapped" in compare(np.zeros((3, 5)), np.zeros((5, 3)), DEFAULT).summary
    assert "swapped" in compare(tensor(np.zeros((1, 3, 5))), tensor(np.zeros((5, 1, 3))), DEFAULT).summary


def test_shape_is_checked_before_dtype():
    """With a wrong shape and a wrong dtype, is the shape reported first?"""
    assert compare(np.zeros(3, dtype=np.int64), np.zeros(4), EXACT).kind == "shape"


def test_zero_d_and_empty_arrays():
    """Do 0-d arrays compare by value, and empty arrays of the same shape pass?"""
    assert compare(np.array(2.0), np.array(2.0), DEFAULT) is None
    mismatch = compare(np.array(3), np.array(4), DEFAULT)
    assert mismatch.kind == "value" and "1 / 1" in mismatch.details
    assert compare(np.zeros((0, 3)), np.zeros((0, 3)), DEFAULT) is None
    assert compare(np.zeros((3, 0)), np.zeros((0, 3)), DEFAULT).kind == "shape"


# ---- dtype ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("got,expected,exact,kind,any_", [
    ("float64", "float64", True, True, True),
    ("float32", "float64", False, True, True),
    ("float16", "float32", False, True, True),
    ("int32", "int64", False, True, True),
    ("uint8", "int64", False, True, True),
    ("int64", "float64", False, False, True),
    ("float64", "int64", False, False, True),
    ("bool", "int64", False, False, True),
    ("bool", "bool", True, True, True),
    ("complex128", "float64", False, False, True),
])
def test_dtype_rules_on_arrays(got, expected, exact, kind, any_):
    """Do the exact / kind / any rules accept exactly the dtype pairs the docs say, for NumPy arrays?"""
    values = np.array([1, 0])
    for rule, passes in ((EXACT, exact), (KIND, kind), (ANY, any_)):
        mismatch = compare(values.astype(got), values.astype(expected), rule)
        assert (mismatch is None) is passes, (rule.dtype, mismatch)
        if not passes:
            assert mismatch.kind == "dtype"
            assert got in mismatch.summary and expected in mismatch.summary


@pytest.mark.parametrize("got,expected,exact,kind", [
    ("float32", "float32", True, True),
    ("bfloat16", "float32", False, True),
    ("float64", "float32", False, True),
    ("int64", "float32", False, False),
    ("bool", "int64", False, False),
])
def test_dtype_rules_on_tensors(got, expected, exact, kind):
    """Do the dtype rules use torch's dtype names for tensors (bfloat16 is floating, yet not float32)?"""
    values = [1, 0]
    assert (compare(tensor(values, got), tensor(values, expected), EXACT) is None) is exact
    assert (compare(tensor(values, got), tensor(values, expected), KIND) is None) is kind
    assert compare(tensor(values, got), tensor(values, expected), ANY) is None


def test_default_rule_is_kind():
    """Is the default Comparison's dtype rule 'kind' (float32 passes for float64, int does not)?"""
    assert DEFAULT.dtype is DtypeRule.KIND
    assert compare(np.ones(2, np.float32), np.ones(2), DEFAULT) is None
    assert compare(np.ones(2, np.int64), np.ones(2), DEFAULT).kind == "dtype"


def test_string_array_is_not_an_int_array():
    """Is an array of digit strings a dtype mismatch where an int array is expected?"""
    mismatch = compare(np.array(["1", "2"]), np.array([1, 2]), DEFAULT)
    assert mismatch is not None and mismatch.kind == "dtype"


def test_int_arrays_compare_exactly():
    """Are integer and boolean arrays compared exactly, tolerance ignored?"""
    loose = Comparison(rtol=1.0, atol=10.0)
    assert compare(np.array([1, 2]), np.array([1, 3]), loose) is not None
    assert compare(np.array([True]), np.array([False]), loose) is not None


def test_ints_against_floats_with_any_rule_use_the_tolerance():
    """Under dtype 'any', is an int array compared with a float array by value, under the tolerance?"""
    assert compare(np.array([1, 2]), np.array([1.0, 2.0]), ANY) is None
    assert compare(np.array([1, 2]), np.array([1.0, 2.5]), ANY).kind == "value"


# ---- device --------------------------------------------------------------------------------------------------

def test_tensor_on_another_device_fails():
    """Is a tensor on another device than the expected one a 'device' mismatch with a hint?"""
    mismatch = compare(tensor([1.0], device="cpu"), tensor([1.0], device="cuda:0"), DEFAULT)
    assert mismatch.kind == "device"
    assert "cuda:0" in mismatch.summary and "cpu" in mismatch.summary and "x.device" in mismatch.summary


def test_device_is_checked_before_values():
    """With a wrong device and wrong values, is the device reported?"""
    assert compare(tensor([2.0], device="cuda:0"), tensor([1.0]), DEFAULT).kind == "device"


def test_shape_and_dtype_are_checked_before_device():
    """With a wrong shape (or dtype) and a wrong device, is the shape (or dtype) reported first, as documented?"""
    assert compare(tensor([1.0, 2.0], device="cuda:0"), tensor([1.0]), DEFAULT).kind == "shape"
    assert compare(tensor([1], "int64", device="cuda:0"), tensor([1.0]), DEFAULT).kind == "dtype"


# ---- NaN and infinities ----------------------------------------------------------------------------------------

def test_nan_never_passes_even_against_nan():
    """Does a NaN in the output fail with kind 'nan', even where NaN is expected and the tolerance is huge?"""
    got = np.array([1.0, np.nan, 3.0, np.nan])
    for expected in (np.array([1.0, np.nan, 3.0, np.nan]), np.array([1.0, 2.0, 3.0, 4.0])):
        mismatch = compare(got, expected, Comparison(rtol=1e9, atol=1e9))
        assert mismatch.kind == "nan"
        assert "2 of 4" in mismatch.summary and "(1,)" in mismatch.summary


def test_nan_in_tensor_is_reported_as_nan():
    """Is a NaN inside a tensor reported as 'nan' too?"""
    assert compare(tensor([np.nan]), tensor([0.0]), DEFAULT).kind == "nan"


def test_inf_passes_only_against_the_same_inf():
    """Does ±inf pass only where the same infinity is expected?"""
    rule = Comparison(rtol=1e9, atol=1e300)
    expected = np.array([np.inf, -np.inf, 1.0])
    assert compare(np.array([np.inf, -np.inf, 1.0]), expected, rule) is None
    assert compare(np.array([-np.inf, -np.inf, 1.0]), expected, rule).kind == "value"
    assert compare(np.array([np.inf, -np.inf, np.inf]), expected, rule).kind == "value"
    assert compare(np.array([1e308, -np.inf, 1.0]), expected, rule).kind == "value"


# ---- values and the table ------------------------------------------------------------------------------------

def test_tolerance_boundary_is_inclusive():
    """Does an element exactly atol + rtol·|expected| away pass, and one a float further fail?"""
    rule = Comparison(rtol=0.25, atol=0.5)
    expected = np.array([1.0, -2.0, 0.0])
    allowed = [0.75, 1.0, 0.5]
    at_boundary = np.array([1.75, -1.0, -0.5])
    beyond = np.array([1.75 + 2**-52, -1.0 + 2**-52, -0.5 - 2**-53])  # one ulp further, differences exact
    assert [Fraction(abs(float(g - e))) for g, e in zip(at_boundary, expected)] == [Fraction(a) for a in allowed]
    assert all(Fraction(abs(float(g - e))) > Fraction(a) for g, e, a in zip(beyond, expected, allowed))
    assert compare(at_boundary, expected, rule) is None
    for i in range(3):
        got = at_boundary.copy()
        got[i] = beyond[i]
        mismatch = compare(got, expected, rule)
        assert mismatch is not None and mismatch.kind == "value" and "1 of 3" in mismatch.summary


def test_float32_values_within_tolerance_pass():
    """Does a float32 result that rounds differently from the float64 reference still pass by default?"""
    expected = np.linspace(-3, 3, 50)
    assert compare(expected.astype(np.float32), expected, DEFAULT) is None


def test_mismatch_table_counts_and_rows():
    """Does the table give 'Mismatched elements k / n', the largest differences and index | got | expected rows?"""
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[0, 1], got[1, 2] = 2.0, -0.5
    mismatch = compare(got, expected, DEFAULT)
    lines = mismatch.details.splitlines()
    assert lines[0] == "Mismatched elements: 2 / 6 (33.3%)"
    assert "Max absolute difference: 2" in lines
    header = next(line for line in lines if line.startswith("index"))
    assert [part.strip() for part in header.split("|")] == ["index", "got", "expected"]
    rows = [[p.strip() for p in line.split("|")] for line in lines[lines.index(header) + 1:]]
    assert rows == [["(0, 1)", "2", "0"], ["(1, 2)", "-0.5", "0"]]
    assert "2 of 6 elements" in mismatch.summary and "1e-08 + 1e-05" in mismatch.summary


def test_mismatch_table_shows_at_most_five_rows():
    """Are at most five differing elements listed, followed by '... and N more'?"""
    mismatch = compare(np.arange(12.0), np.zeros(12), DEFAULT)  # 11 differ (index 0 matches)
    lines = mismatch.details.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("index"))
    assert len(lines[header + 1:-1]) == TABLE_ROWS == 5
    assert lines[header + 1].startswith("(1,)")
    assert lines[-1] == "... and 6 more"
    assert lines[0].startswith("Mismatched elements: 11 / 12")


def test_table_of_exactly_five_has_no_more_line():
    """With exactly five differing elements, is there no '... and N more' line?"""
    mismatch = compare(np.ones(5), np.zeros(5), DEFAULT)
    lines = mismatch.details.splitlines()
    assert "more" not in mismatch.details
    assert len(lines) - 1 - next(i for i, line in enumerate(lines) if line.startswith("index")) == 5


def test_tensor_mismatch_gets_a_table_too():
    """Does a tensor value mismatch get the same table?"""
    mismatch = compare(tensor([[1.0, 2.0]]), tensor([[1.0, 3.0]]), DEFAULT)
    assert mismatch.kind == "value"
    assert "Mismatched elements: 1 / 2" in mismatch.details and "(0, 1)" in mismatch.details


# ---- properties -----------------------------------------------------------------------------------------------

finite_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                           elements=st.floats(-1e6, 1e6, allow_nan=False))


@given(finite_arrays)
def test_any_finite_array_matches_itself(array):
    """For any finite float array (0-d and empty included), is compare(x, x) None, also with zero tolerance?"""
    assert compare(array, array.copy(), DEFAULT) is None
    assert compare(array, array.copy(), Comparison(rtol=0.0, atol=0.0)) is None


@given(data=st.data(), expected=finite_arrays, rtol=st.floats(0, 0.1), atol=st.floats(0, 1))
def test_fails_exactly_when_some_element_exceeds_the_tolerance(data, expected, rtol, atol):
    """For x + delta, does compare fail iff some element's |got − expected| exceeds atol + rtol·|expected|?"""
    delta = data.draw(hnp.arrays(np.float64, expected.shape, elements=st.floats(-2, 2, allow_nan=False)))
    got = np.asarray(expected + delta)  # 0-d arithmetic gives a scalar
    too_far = np.abs(got - expected) > atol + rtol * np.abs(expected)
    mismatch = compare(got, expected, Comparison(rtol=rtol, atol=atol))
    assert (mismatch is not None) is bool(too_far.any())
    if mismatch is not None:
        assert f"{int(too_far.sum())} of {expected.size}" in mismatch.summary


def test_a_dtype_failure_says_whether_the_values_are_right():
    """Does a wrong dtype (float32 for float64) still say whether the values are right, and, where they are not,
    what differs in them with the table, so that fixing the dtype is not followed by a second surprise?"""
    expected = np.array([1.0, 2.0, 3.0])
    right = compare(np.array([1.0, 2.0, 3.0], dtype=np.float32), expected, EXACT)
    assert right.kind == "dtype"
    assert right.summary == "dtype float32 differs from the expected float64; the values are right (within the tolerance)"
    wrong = compare(tensor([1.0, 2.0, 4.0]), tensor([1.0, 2.0, 3.0], "float64"), EXACT)
    assert wrong.kind == "dtype"
    assert wrong.summary.startswith("dtype float32 differs from the expected float64; the values are wrong too: 1 of 3 "
                                    "elements differ beyond the tolerance")
    assert "Mismatched elements: 1 / 3" in wrong.details and "Mismatched elements: 1 / 3" in wrong.statistics
    assert compare(np.array(["a"]), np.array([1.0]), EXACT).summary == "dtype <U1 differs from the expected float64"
