"""What a hidden case tells the student: only the grader's own words, from a fixed vocabulary.

A hostile submission knows the grader's source; whatever it can make a hidden case's feedback say, it can use to
carry that case's inputs out (a red team returned right values with one element off by 1000·H + W and read every
hidden geometry from "Max absolute difference"). These tests try every outcome a student's process can produce,
each encoding the case's geometry in everything it chooses, and check that the hidden feedback is (a) in the
vocabulary and (b) the same for every geometry. Pure functions: no sandbox."""
from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest

from autograder.cases import Case
from autograder.reference import Expected
from autograder.results import Status
from autograder.sandbox import ModuleLoad, Outcome, OutcomeKind
from autograder.spec import Comparison, HiddenDetail
from autograder.verdict import (HIDDEN_MESSAGES, HIDDEN_NO_DETAIL, HIDDEN_PASSED, HIDDEN_SUMMARIES, Loading,
                                forbid_whole_exercises, judge, student_view)

SIGNATURE = "(image, kernel, padding=0)"
GEOMETRIES = [(5, 7), (6, 7), (9, 12), (31, 2)]
"""(H, W) of a hidden case's image: the secret a hostile submission tries to carry out."""


def _case(height: int, width: int, visible: bool = False, name: str = "random[0]", raises: bool = False) -> Case:
    return Case(exercise="conv2d", name=name, visible=visible, weight=1.0,
                args={"image": np.ones((height, width)), "kernel": np.ones((3, 3)), "padding": 1})


def _expected(height: int, width: int, raises: bool = False) -> Expected:
    return Expected(raises="ValueError") if raises else Expected(value=np.ones((height, width)))


def _loading() -> Loading:
    return Loading(ModuleLoad("conv_numpy", ok=True, functions={"conv2d": SIGNATURE}), SIGNATURE)


def hostile_outcomes(height: int, width: int) -> dict[str, tuple[Outcome, bool]]:
    """Everything the student's process can answer for one case, each chosen from the case's geometry:
    name -> (outcome, whether the reference raises on the case)."""
    secret = 1000 * height + width
    right = np.ones((height, width))
    off = right.copy()
    off[0, 0] += secret  # right values but one, off by 1000·H + W: the red team's channel
    some = right.copy()
    some.flat[: height] = secret / 7  # how many elements are wrong is a number too
    text = f"H={height} W={width} {secret}"
    raised = dict(error_mro=(f"E{secret}", "Exception"), traceback=text, stdout=text)
    return {
        "one element off by the secret": (Outcome(OutcomeKind.RETURNED, value=off, stdout=text), False),
        "the secret in how many are wrong": (Outcome(OutcomeKind.RETURNED, value=some), False),
        "a shape chosen by the secret": (Outcome(OutcomeKind.RETURNED, value=np.ones((height + 1, width))), False),
        "a dtype chosen by the secret": (Outcome(OutcomeKind.RETURNED, value=right.astype(
            np.int64 if height % 2 else np.int32)), False),
        "NaN where the secret says": (Outcome(OutcomeKind.RETURNED, value=np.where(
            np.arange(right.size).reshape(right.shape) < height, np.nan, right)), False),
        "a scalar": (Outcome(OutcomeKind.RETURNED, value=float(secret)), False),
        "a list of the secret's length": (Outcome(OutcomeKind.RETURNED, value=[0] * height), False),
        "raised with the secret": (Outcome(OutcomeKind.RAISED, error_type=f"E{secret}", message=text, **raised), False),
        "raised a built-in class chosen by the secret": (Outcome(
            OutcomeKind.RAISED, error_type=("KeyError", "IndexError", "TypeError")[height % 3], message=text,
            error_mro=(("KeyError", "IndexError", "TypeError")[height % 3], "Exception")), False),
        "a MemoryError": (Outcome(OutcomeKind.RAISED, error_type="MemoryError", message=text,
                                  error_mro=("MemoryError", "Exception")), False),
        "raised another exception on an invalid input": (Outcome(OutcomeKind.RAISED, error_type=f"E{secret}",
                                                                 message=text, **raised), True),
        "returned on an invalid input": (Outcome(OutcomeKind.RETURNED, value=off), True),
        "mutated inputs chosen by the secret": (Outcome(OutcomeKind.RETURNED, value=right, mutated=(
            ("image",), ("kernel",), ("image", "kernel"))[height % 3]), False),
        "mutated and raised as expected": (Outcome(OutcomeKind.RAISED, error_type="ValueError", message=text,
                                                   error_mro=("ValueError", "Exception"), mutated=("image",)), True),
        "a protocol break with the secret": (Outcome(OutcomeKind.PROTOCOL, message=f"a message {text!r}",
                                                     stdout=text), False),
        "crashed with the secret as status": (Outcome(OutcomeKind.CRASHED, message=f"exited with status {secret % 256}",
                                                      stdout=text), False),
        "a time-out": (Outcome(OutcomeKind.TIMEOUT, message=f"the time limit of {height} s exceeded"), False),
        "forbidden names chosen by the secret": (Outcome(OutcomeKind.RETURNED, value=right, forbidden=(
            ("np.convolve",), ("scipy.signal.convolve2d",), ("np.convolve", "scipy.signal.convolve2d"))[height % 3]),
            False),
        "a missing function": (Outcome(OutcomeKind.MISSING, message=text), False),
        "passed": (Outcome(OutcomeKind.RETURNED, value=right, stdout=text), False),
    }


def _hidden_view(name: str, height: int, width: int, detail: HiddenDetail):
    outcome, raises = hostile_outcomes(height, width)[name]
    case = _case(height, width)
    verdict = judge(case, _expected(height, width, raises), outcome, _loading(), Comparison(), 512)
    return verdict, student_view(verdict, False, detail)


NAMES = list(hostile_outcomes(*GEOMETRIES[0]))


@pytest.mark.parametrize("detail", list(HiddenDetail))
@pytest.mark.parametrize("name", NAMES)
def test_a_hidden_case_says_the_same_whatever_the_geometry(name, detail):
    """Does a hidden case's feedback stay the same when everything the student's process chose (values, a count,
    a difference, an exception, a status, a printed line, mutated or forbidden names) encodes a different
    geometry, at every `hidden_detail` level, while staff see what happened?"""
    shown = {(view.message, view.details) for view in (_hidden_view(name, h, w, detail)[1] for h, w in GEOMETRIES)}
    assert len(shown) == 1, shown
    (message, details), = shown
    for height, width in GEOMETRIES:
        assert str(1000 * height + width) not in message + details


def test_the_staff_keep_what_the_student_chose():
    """Is the redaction for the student only: do staff still read the number the submission returned?"""
    verdict, view = _hidden_view("one element off by the secret", 9, 12, HiddenDetail.SUMMARY)
    assert "9012" in view.staff
    assert "9012" in student_view(verdict, True, HiddenDetail.SUMMARY).details  # a visible case shows it


VOCABULARY = HIDDEN_MESSAGES | {HIDDEN_NO_DETAIL, HIDDEN_PASSED}


@pytest.mark.parametrize("detail", list(HiddenDetail))
def test_every_hidden_message_is_in_the_vocabulary(detail):
    """Is every message a hidden case shows, for every outcome above at every geometry, one of the vocabulary's,
    and every detail empty or one of the fixed summaries?"""
    for name, (height, width) in product(NAMES, GEOMETRIES):
        _, view = _hidden_view(name, height, width, detail)
        assert view.message in VOCABULARY, (name, view.message)
        assert view.details == "" or view.details in HIDDEN_SUMMARIES, (name, view.details)


@pytest.mark.parametrize("status", list(Status))
def test_a_verdict_of_any_status_with_free_text_shows_a_vocabulary_line(status):
    """Does a verdict whose texts are anything at all (a future path that forgets to redact) still show only a
    vocabulary line for its status, and no summary that is not one of the fixed categories?"""
    from autograder.verdict import Verdict

    free = Verdict(status, "9012 leaked", details="9012", hidden="9012 leaked too", summary="Max: 9012")
    for detail in HiddenDetail:
        view = student_view(free, False, detail)
        assert view.message in VOCABULARY and "9012" not in view.message + view.details


def test_the_bound_in_bits():
    """Is the vocabulary as small as docs/security.md says: at most 32 lines (5 bits) and 9 summaries (3.2 bits)
    a hidden case, so at most 8.2 bits a hidden case whatever the submission does?"""
    assert len(VOCABULARY) <= 32
    assert len(HIDDEN_SUMMARIES) == 9
    assert math.log2(len(VOCABULARY)) + math.log2(len(HIDDEN_SUMMARIES)) < 8.2


def test_a_forbidden_api_found_in_a_hidden_case_is_not_named_on_the_visible_ones():
    """When a forbidden API is found only while a hidden case ran, do the visible cases of the exercise (which
    lose their points too) say so without naming the hidden case or which API, both chosen by the submission?"""
    visible = _case(3, 3, visible=True, name="small")
    cases = [visible] + [_case(h, w, name=f"random[{i}]") for i, (h, w) in enumerate(GEOMETRIES)]
    messages = set()
    for chosen in range(len(GEOMETRIES)):  # the submission calls np.convolve in the hidden case it chooses
        verdicts = {}
        for index, case in enumerate(cases):
            forbidden = ("np.convolve",) if index == chosen + 1 else ()
            outcome = Outcome(OutcomeKind.RETURNED, value=np.ones((3, 3)), forbidden=forbidden)
            verdicts[case.key] = judge(case, Expected(value=np.ones((3, 3))), outcome, _loading(), Comparison(), 512)
        spread = forbid_whole_exercises(cases, verdicts)
        assert all(v.status is Status.FORBIDDEN for v in spread.values())
        shown = student_view(spread[visible.key], True, HiddenDetail.SUMMARY)
        messages.add(shown.message + shown.details)
        assert "np.convolve" in spread[visible.key].staff
    assert len(messages) == 1 and "random[" not in messages.pop()


def test_a_forbidden_api_found_in_a_visible_case_is_named():
    """Does a forbidden API found while a visible case ran still name the API and the case (no hidden input is
    involved there)?"""
    visible, hidden = _case(3, 3, visible=True, name="small"), _case(5, 7)
    outcome = Outcome(OutcomeKind.RETURNED, value=np.ones((3, 3)), forbidden=("np.convolve",))
    verdicts = {visible.key: judge(visible, Expected(value=np.ones((3, 3))), outcome, _loading(), Comparison(), 512),
                hidden.key: judge(hidden, _expected(5, 7), Outcome(OutcomeKind.RETURNED, value=np.ones((5, 7))),
                                  _loading(), Comparison(), 512)}
    spread = forbid_whole_exercises([visible, hidden], verdicts)
    assert "np.convolve" in spread[visible.key].message
    assert "(case small)" in spread[hidden.key].message
