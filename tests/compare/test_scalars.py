"""Scalars through `compare`: exact ints, bools, strings and None; floats under the one tolerance rule."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from autograder.codec import Unsupported
from autograder.compare import compare
from autograder.spec import Comparison

DEFAULT = Comparison()
WIDE = Comparison(rtol=0.25, atol=0.5)  # allowed difference at expected=1.0: exactly 0.75


def test_equal_scalars_pass():
    """Do equal ints, floats, bools, strings and None pass?"""
    for value in (0, -7, 2**70, 1.5, -0.0, True, False, "sobel", "", None):
        assert compare(value, value, DEFAULT) is None


def test_tolerance_boundary_is_inclusive():
    """Does |got − expected| = atol + rtol·|expected| pass, and the next float beyond it fail?"""
    assert compare(1.75, 1.0, WIDE) is None
    assert compare(0.25, 1.0, WIDE) is None
    beyond = compare(math.nextafter(1.75, math.inf), 1.0, WIDE)
    below = compare(1.0 - math.nextafter(0.75, math.inf), 1.0, WIDE)  # exact: difference is 0.75 + 1 ulp
    assert beyond is not None and beyond.kind == "value"
    assert below is not None and below.kind == "value"


def test_tolerance_uses_expected_not_got():
    """Is the relative part measured against |expected| only (asymmetric, as in numpy.isclose)?"""
    rule = Comparison(rtol=0.5, atol=0.0)
    assert compare(3.0, 2.0, rule) is None  # 1 <= 0.5 * 2
    assert compare(2.0, 3.0, rule) is None  # 1 <= 0.5 * 3
    assert compare(1.0, 2.0, rule) is None  # 1 <= 0.5 * 2
    assert compare(2.0, 1.0, rule) is not None  # 1 > 0.5 * 1


def test_failure_message_says_got_expected_and_allowance():
    """Does a float mismatch say what was got, what was expected and how much difference was allowed?"""
    mismatch = compare(2.0, 1.0, WIDE)
    assert "got 2.0" in mismatch.summary and "expected 1.0" in mismatch.summary
    assert "difference 1" in mismatch.summary and "allowed 0.75" in mismatch.summary


@pytest.mark.parametrize("expected", [math.nan, 0.0, 1.0, math.inf])
@pytest.mark.parametrize("got", [math.nan, np.float64("nan"), np.float32("nan")])
def test_nan_never_passes(got, expected):
    """Does a NaN in the output never pass, not even against an expected NaN?"""
    mismatch = compare(got, expected, Comparison(rtol=1e9, atol=1e9))
    assert mismatch is not None and mismatch.kind == "nan"
    assert "NaN" in mismatch.summary


@pytest.mark.parametrize("got,expected,passes", [
    (math.inf, math.inf, True), (-math.inf, -math.inf, True), (np.float32("inf"), math.inf, True),
    (math.inf, -math.inf, False), (-math.inf, math.inf, False),
    (math.inf, 1e308, False), (1e308, math.inf, False), (0.0, math.inf, False), (math.inf, 0.0, False),
])
def test_inf_passes_only_against_the_same_inf(got, expected, passes):
    """Does infinity pass only where the same infinity is expected, whatever the tolerance?"""
    rule = Comparison(rtol=1e9, atol=1e300)
    assert (compare(got, expected, rule) is None) is passes


def test_float_got_for_int_expected_is_a_type_mismatch_with_a_hint():
    """Is a float where an int is expected a type mismatch even when the value is equal, with a // hint?"""
    for got in (3.0, np.float64(3.0), np.float32(3.0)):
        mismatch = compare(got, 3, DEFAULT)
        assert mismatch is not None and mismatch.kind == "type"
        assert "expected an int" in mismatch.summary and "//" in mismatch.summary


@pytest.mark.parametrize("got", [np.int64(5), np.int32(5), np.uint8(5), np.int8(5)])
def test_numpy_int_is_accepted_for_int(got):
    """Does a NumPy integer scalar count as an int, compared by value?"""
    assert compare(got, 5, DEFAULT) is None
    assert compare(got, 6, DEFAULT).summary == "got 5, expected 6"


def test_numpy_int_expected_accepts_python_int():
    """Does a Python int match an expected NumPy integer scalar (the reference returned one)?"""
    assert compare(5, np.int64(5), DEFAULT) is None


def test_ints_compare_exactly_even_when_huge():
    """Are ints compared exactly, with no tolerance, even beyond float precision?"""
    assert compare(2**60 + 1, 2**60, Comparison(rtol=1.0, atol=1e30)) is not None
    assert compare(2**60, 2**60, DEFAULT) is None


@pytest.mark.parametrize("got", [True, False, np.bool_(True)])
def test_bool_is_not_an_int(got):
    """Is a bool a type mismatch where an int is expected, with no arithmetic hint?"""
    mismatch = compare(got, 1, DEFAULT)
    assert mismatch is not None and mismatch.kind == "type"
    assert "bool" in mismatch.summary and "//" not in mismatch.summary


def test_bool_is_not_a_float():
    """Is True a type mismatch where 1.0 is expected?"""
    assert compare(True, 1.0, DEFAULT).kind == "type"


def test_int_is_not_a_bool():
    """Is 1 a type mismatch where True is expected, while a NumPy bool is accepted?"""
    assert compare(1, True, DEFAULT).kind == "type"
    assert compare(np.bool_(True), True, DEFAULT) is None
    assert compare(False, True, DEFAULT).summary == "got False, expected True"


def test_int_got_is_accepted_for_float_expected():
    """Does an int that equals the expected float pass (floats accept any real number)?"""
    assert compare(2, 2.0, DEFAULT) is None
    assert compare(np.int64(2), 2.0, DEFAULT) is None


def test_huge_int_for_float_gives_a_mismatch():
    """Does an int too large for a float give a Mismatch rather than an OverflowError?"""
    assert compare(10**400, 1.5, DEFAULT) is not None


def test_strings_and_none_compare_exactly():
    """Are strings compared exactly and None only equal to None, with type mismatches named?"""
    assert compare("Sobel", "sobel", DEFAULT).kind == "value"
    assert compare(None, "x", DEFAULT).kind == "type"
    assert compare("None", None, DEFAULT).kind == "type"
    assert compare(0, None, DEFAULT).kind == "type"


def test_unsupported_got_is_a_type_mismatch():
    """Does an unsupported returned type fail as a type mismatch that names the type?"""
    mismatch = compare(Unsupported("fractions.Fraction"), 0.5, DEFAULT)
    assert mismatch.kind == "type" and "fractions.Fraction" in mismatch.summary


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(got=finite, expected=finite, rtol=st.floats(0, 1), atol=st.floats(0, 1))
def test_float_verdict_is_the_documented_formula(got, expected, rtol, atol):
    """For any finite floats, does compare pass exactly when |got − expected| ≤ atol + rtol·|expected|?"""
    rule = Comparison(rtol=rtol, atol=atol)
    assert (compare(got, expected, rule) is None) is (abs(got - expected) <= atol + rtol * abs(expected))


@given(value=st.floats(allow_nan=False))
def test_every_non_nan_float_equals_itself(value):
    """Does every float other than NaN, infinities included, pass against itself with zero tolerance?"""
    assert compare(value, value, Comparison(rtol=0.0, atol=0.0)) is None
