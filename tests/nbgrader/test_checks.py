"""Does a test cell's `grade` call score the student's function like the grader, print only to stdout, and
evaluate to a plain float that nbgrader reads as the partial score?"""
from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pytest

from autograder import scoring
from autograder.nbgrader.checks import grade
from autograder.nbgrader.payload import PackedCase, pack

RULE = dict(rtol=1e-5, atol=1e-8, dtype="kind")
SIGNATURE = "(f: int)"


def same_padding(f: int) -> int:
    if f < 1 or f % 2 == 0:
        raise ValueError(f"bad filter size {f}")
    return (f - 1) // 2


def _cases(count: int = 10, visible: int = 3) -> list[PackedCase]:
    """same_padding on f = 1, 3, 5, ...: each case worth 0.3 of 3 points; the first `visible` visible."""
    return [PackedCase(exercise="same_padding", name=f"f{2 * i + 1}", visible=i < visible, max_score=0.3,
                       args={"f": 2 * i + 1}, expected=i) for i in range(count)]


def _grade(function, cases, points: float = 3.0, signature: str = SIGNATURE, **options) -> float:
    visible = [c for c in cases if c.visible]
    hidden = [c for c in cases if not c.visible]
    return grade(function, [pack(visible), pack(hidden)], points=points, signature=signature, **RULE, **options)


def test_a_right_function_gets_the_cells_points_as_a_plain_float(capfd):
    score = _grade(same_padding, _cases())
    assert score == 3.0 and type(score) is float
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith("same_padding: 10 of 10 cases passed, 3 of 3 points\n    passed  f1\n")


def test_seven_of_ten_cases_passed_give_seven_tenths_of_the_points(capfd):
    def wrong_from_f15(f):
        return same_padding(f) + (f >= 15)

    assert _grade(wrong_from_f15, _cases()) == 2.1
    out, err = capfd.readouterr()
    assert "same_padding: 7 of 10 cases passed, 2.1 of 3 points" in out and err == ""
    assert "FAILED  f15 (0 of 0.3): the returned values are wrong" in out  # hidden: no expected value shown


def test_visible_failures_show_got_and_expected_and_the_call(capsys):
    _grade(lambda f: f, _cases(2, visible=2), points=0.6)
    out = capsys.readouterr().out
    assert "FAILED  f3 (0 of 0.3): got 3, expected 1" in out
    assert "Called same_padding(f=3)" in out


def test_with_the_visible_cases_only_the_cell_shows_a_preview_scaled_to_its_points(capsys):
    """Does a cell that carries 0.9 of its 3 points (its visible cases) show 3 when they all pass, so that
    `nbgrader validate` passes a right solution, and 2 when one of the three fails?"""
    visible = [c for c in _cases() if c.visible]
    assert grade(same_padding, [pack(visible)], points=3.0, signature=SIGNATURE, **RULE) == 3.0
    out = capsys.readouterr().out
    assert "same_padding: 3 of 3 cases passed, 0.9 of the 0.9 points they carry: a preview of 3 of 3" in out
    assert "(the other 2.1 points are cases run only when your work is graded: hidden, speed and GPU cases" in out

    def wrong_at_f5(f):
        return same_padding(f) + (f == 5)

    assert grade(wrong_at_f5, [pack(visible)], points=3.0, signature=SIGNATURE, **RULE) == 2.0


def test_a_cell_without_cases_previews_its_points(capsys):
    assert grade(same_padding, [], points=2.0, signature=SIGNATURE, **RULE) == 2.0


def test_exceptions_and_expected_exceptions_are_judged_like_the_grader(capsys):
    cases = [PackedCase("same_padding", "even", True, 1.0, {"f": 4}, raises="ValueError"),
             PackedCase("same_padding", "odd", True, 1.0, {"f": 3}, expected=1)]
    assert grade(same_padding, [pack(cases)], points=2, signature=SIGNATURE, **RULE) == 2.0

    def crashes(f):
        raise IndexError("boom")

    assert grade(crashes, [pack(cases)], points=2, signature=SIGNATURE, **RULE) == 0.0
    out = capsys.readouterr().out
    assert "expected ValueError for these arguments, but it raised IndexError: boom" in out
    assert "ERROR  odd (0 of 1): raised IndexError: boom" in out


def test_a_stub_is_not_implemented(capsys):
    def stub(f):
        raise NotImplementedError()

    assert _grade(stub, _cases()) == 0.0
    assert "NOT IMPLEMENTED  f1" in capsys.readouterr().out


def test_a_wrong_signature_names_the_expected_one(capsys):
    def same_padding(size):  # noqa: F811 (the student's version)
        return (size - 1) // 2

    assert _grade(same_padding, _cases()) == 0.0
    assert "same_padding has the signature same_padding(size), expected same_padding(f: int)" in \
        capsys.readouterr().out


def test_stderr_warnings_and_descriptor_2_never_reach_stderr(capfd):
    """nbgrader scores a cell 0 for any stderr output: prints, warnings and C-level writes go to the report."""
    def noisy(f):
        print("to stderr", file=sys.stderr)
        warnings.warn("a warning from the student", UserWarning)
        os.write(2, b"straight to descriptor 2\n")
        return same_padding(f)

    assert _grade(noisy, _cases(2, visible=1), points=0.6) == 0.6
    out, err = capfd.readouterr()
    assert err == ""
    assert "to stderr" not in out  # passing cases do not repeat what was printed


def test_a_failing_case_shows_what_the_student_printed(capfd):
    def noisy_and_wrong(f):
        print("to stderr", file=sys.stderr)
        warnings.warn("careful", UserWarning)
        os.write(2, b"from C\n")
        return -1

    assert _grade(noisy_and_wrong, _cases(1, visible=1), points=0.3) == 0.0
    out, err = capfd.readouterr()
    assert err == ""
    assert "Your code printed:" in out and "to stderr" in out and "from C" in out
    assert "UserWarning: careful (test_checks.py:" in out


def test_a_torch_userwarning_does_not_reach_stderr(capfd):
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)

    def double(x):
        torch.tensor(x)  # UserWarning: "To copy construct from a tensor, it is recommended to use ..."
        return x * 2

    x = torch.arange(4, dtype=torch.float32)
    with pytest.warns(UserWarning, match="copy construct from a tensor"):
        double(x)
    case = PackedCase("double", "tensor", True, 1.0, {"x": x}, expected=x * 2)
    assert grade(double, [pack([case])], points=1, signature="(x)", **RULE) == 1.0
    out, err = capfd.readouterr()
    assert err == "" and "double: 1 of 1 cases passed" in out


def test_arrays_use_the_packages_tolerance_rule(capsys):
    expected = np.array([1.0, 2.0, 3.0])
    case = PackedCase("scale", "arr", True, 1.0, {"x": np.array([0.5, 1.0, 1.5])}, expected=expected)
    close = lambda x: x * 2 * (1 + 1e-7)
    far = lambda x: x * 2 * (1 + 1e-3)
    assert grade(close, [pack([case])], points=1, signature="(x)", **RULE) == 1.0
    assert grade(far, [pack([case])], points=1, signature="(x)", **RULE) == 0.0
    assert "3 of 3 elements differ beyond the tolerance" in capsys.readouterr().out


def test_changing_an_input_in_place_fails_the_case(capsys):
    def in_place(x):
        x *= 2
        return x

    case = PackedCase("scale", "arr", True, 1.0, {"x": np.array([1.0, 2.0])}, expected=np.array([2.0, 4.0]))
    assert grade(in_place, [pack([case])], points=1, signature="(x)", **RULE) == 0.0
    assert "modified its input x in place" in capsys.readouterr().out


def test_keyboard_interrupt_stops_the_cell():
    """nbgrader's timeout interrupts the kernel: the cell must stop (and score 0), not go on to the next case."""
    def interrupted(f):
        raise KeyboardInterrupt

    stderr_before = sys.stderr
    with pytest.raises(KeyboardInterrupt):
        _grade(interrupted, _cases())
    assert sys.stderr is stderr_before


def test_scores_are_exact_sums_of_the_graders_shares():
    """13 cases of 3 points: nine worth 0.2308 and four 0.2307 (autograder.scoring); no float drift."""
    shares = scoring.shares(3, [1.0] * 13)
    cases = [PackedCase("same_padding", f"f{2 * i + 1}", False, share, {"f": 2 * i + 1}, expected=i)
             for i, share in enumerate(shares)]
    assert grade(same_padding, [pack(cases)], points=3, signature=SIGNATURE, **RULE) == 3.0
    three_wrong = lambda f: -1 if f in (1, 9, 25) else same_padding(f)  # shares 0.2308, 0.2308, 0.2307
    assert grade(three_wrong, [pack(cases)], points=3, signature=SIGNATURE, **RULE) == 2.3077


def test_a_visible_exception_shows_the_students_traceback_only(capsys):
    def crashes(f):
        return [][f]

    assert _grade(crashes, _cases(1, visible=1), points=0.3) == 0.0
    out = capsys.readouterr().out
    assert "ERROR  f1 (0 of 0.3): raised IndexError: list index out of range" in out
    assert "Traceback (most recent call last):" in out and "in crashes" in out and "return [][f]" in out
    assert "nbgrader/checks.py" not in out


def test_a_function_that_only_raises_earns_nothing_in_the_cell(capsys):
    """Does the cell apply the grader's exception rule: raising where an exception is expected scores only once a
    case that returns a value passes?"""
    def only_raises(f):
        raise ValueError("no")

    cases = _cases(3) + [PackedCase("same_padding", "even", True, 0.1, {"f": 4}, raises="ValueError")]
    assert _grade(only_raises, cases, points=1.0) == 0.0
    assert _grade(same_padding, cases, points=1.0) == 1.0


def test_a_known_mistake_is_named_from_the_packed_outputs_without_mistakes_py(capsys):
    """Does the cell name a known mistake from the outputs the case pack carries (no mistakes module in the
    kernel), and only when it explains every failing case?"""
    from autograder.nbgrader.payload import MistakeOutput, PackedMistake

    mistakes = (PackedMistake("same_padding", "not_halved", "f - 1 is the padding of both sides: halve it"),)
    cases = [PackedCase(exercise="same_padding", name=f"f{f}", visible=True, max_score=0.5, args={"f": f},
                        expected=(f - 1) // 2, mistakes={"not_halved": MistakeOutput(value=f - 1)}) for f in (3, 5)]
    grade(lambda f: f - 1, [pack(cases, mistakes)], points=1.0, signature=SIGNATURE, **RULE)
    out = capsys.readouterr().out
    assert "This looks like the known mistake 'not_halved': f - 1 is the padding of both sides" in out
    grade(lambda f: f - 1 if f == 3 else 7, [pack(cases, mistakes)], points=1.0, signature=SIGNATURE, **RULE)
    assert "known mistake" not in capsys.readouterr().out  # f5's 7 is no mistake's: no name at all


def test_the_exercises_value_hint_is_said_where_no_known_mistake_explains_wrong_numbers(capsys):
    """With no mistake matching, does a cell say the exercise's value hint when only the numbers are wrong, as
    `autograder check` does?"""
    cases = [PackedCase(exercise="same_padding", name=f"f{f}", visible=True, max_score=0.5, args={"f": f},
                        expected=(f - 1) // 2) for f in (3, 5)]
    grade(lambda f: 9, [pack(cases)], points=1.0, signature=SIGNATURE, **RULE, value_hint="count the padding again")
    assert "count the padding again" in capsys.readouterr().out
    grade(lambda f: "nine", [pack(cases)], points=1.0, signature=SIGNATURE, **RULE, value_hint="count it again")
    assert "count it again" not in capsys.readouterr().out  # a wrong type is no wrong number
