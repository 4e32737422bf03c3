"""Gradescope's results.json format, as its specification states it
(https://gradescope-autograders.readthedocs.io/en/latest/specs/), for the tests of every route that writes one.

Written out here from the specification's text rather than imported from the reporter, so that the check does not
depend on the code it checks."""
from __future__ import annotations

from typing import Any

SPEC_TOP = {"score": (int, float), "execution_time": (int, float), "output": str, "output_format": str,
            "test_output_format": str, "test_name_format": str, "visibility": str, "stdout_visibility": str,
            "extra_data": dict, "tests": list, "leaderboard": list}
SPEC_TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str, "name_format": str,
             "number": str, "output": str, "output_format": str, "tags": list, "visibility": str, "extra_data": dict}
SPEC_VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}
SPEC_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def check_spec(results: Any) -> dict:
    """`results` checked against the specification: only its keys, each of its type, the enumerations' values,
    a score on top or on every test; returns it."""
    assert isinstance(results, dict)
    assert set(results) <= set(SPEC_TOP), f"keys outside the specification: {set(results) - set(SPEC_TOP)}"
    for key, value in results.items():
        assert isinstance(value, SPEC_TOP[key]) and not isinstance(value, bool), (key, value)
    assert "score" in results or all("score" in t for t in results.get("tests", []))
    for key in ("visibility", "stdout_visibility"):
        assert results.get(key, "visible") in SPEC_VISIBILITY
    for key in ("output_format", "test_output_format", "test_name_format"):
        assert results.get(key, "text") in SPEC_FORMATS
    assert results.get("execution_time", 0) >= 0
    for test in results.get("tests", []):
        assert set(test) <= set(SPEC_TEST), f"test keys outside the specification: {set(test) - set(SPEC_TEST)}"
        for key, value in test.items():
            assert isinstance(value, SPEC_TEST[key]) and not isinstance(value, bool), (key, value)
        assert test.get("status", "passed") in ("passed", "failed")
        assert test.get("visibility", "visible") in SPEC_VISIBILITY
        assert test.get("output_format", "text") in SPEC_FORMATS
        assert 0 <= test.get("score", 0) <= test.get("max_score", float("inf"))
    return results
