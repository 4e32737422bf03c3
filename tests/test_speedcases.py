"""`autograder speed` and `validate --speed`: a speed case's baseline, reference and slow implementation timed by
the grader's own measurement, and what keeps a case from telling fast from slow."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from autograder.cli import EXIT_OK, main
from autograder.speedcases import SpeedCaseReport, Timed, report_lines

sys.path.insert(0, str(Path(__file__).parent / "validate"))
from tiny_course import write_tiny_course  # noqa: E402

GOOD = SpeedCaseReport("running_sum", "long_vector", 3.0, 10.0, Timed(0.9, 0.002, 0.4), Timed(40.0, 0.002, 0.6),
                       "running_sum_loop")


def test_a_case_that_tells_fast_from_slow_has_no_problem():
    assert GOOD.problems() == []
    lines = report_lines(GOOD)
    assert lines[0] == "running_sum/long_vector: limit 3x" and "2.000 ms" in lines[1]
    assert lines[2].startswith("  reference: 0.9x (passes") and lines[3].startswith("  slow (running_sum_loop): 40.0x (fails")


def test_a_reference_over_the_limit_is_a_problem():
    assert "the reference takes 4.0x" in replace(GOOD, reference=Timed(4.0, 0.002, 0.4)).problems()[0]


def test_a_slow_implementation_within_the_limit_is_a_problem():
    """A threshold so loose that the pixel loop passes: said, with the ratio?"""
    assert "takes only 40.0x the baseline's time and passes" in replace(GOOD, max_ratio=50).problems()[0]


def test_a_slow_implementation_that_times_out_is_a_problem():
    """An input so large that the slow one times out instead of failing the ratio: said?"""
    timed_out = Timed(None, None, 10.0, "the graded call ran past the case's limit of 10 s, so it times out instead "
                                        "of failing the ratio: make the input smaller")
    assert "times out instead of failing the ratio" in replace(GOOD, slow=timed_out).problems()[0]


def test_no_slow_implementation_is_a_problem():
    assert "no slow implementation is named" in replace(GOOD, slow=None, slow_name=None).problems()[0]


@pytest.mark.slow
def test_speed_times_the_tiny_course_in_the_sandbox(tmp_path, capsys):
    """On the tiny course: does `autograder speed` time the baseline, pass the reference and fail the loop?"""
    root = write_tiny_course(tmp_path)
    assert main(["--course", str(root), "speed"]) == EXIT_OK, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "running_sum/long_vector: limit 3x" in out and "ms of CPU time per call" in out
    assert "reference: " in out and "(passes;" in out and "slow (running_sum_loop): " in out and "(fails;" in out
