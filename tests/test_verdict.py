"""judge(): one test per branch, from hand-built cases, expectations and outcomes (no processes)."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.cases import Case
from autograder.codec import TensorData
from autograder.reference import Expected
from autograder.results import Status
from autograder.sandbox import ModuleLoad, Outcome, OutcomeKind
from autograder.sandbox.static import Refusal, Use
from autograder.spec import Comparison, HiddenDetail
from autograder.verdict import (HIDDEN_SLOW, GRADER_FAILED, HIDDEN_NO_DETAIL, HIDDEN_PHRASES, HIDDEN_SUMMARIES,
                                Loading, Verdict, _names,
                                forbid_whole_exercises, judge, student_view)

SIGNATURE = "(image, kernel, padding=0)"
RULE = Comparison()
MEMORY_MB = 512


def make_case(visible: bool = True, **args) -> Case:
    return Case(exercise="conv2d", name="small", visible=visible, weight=1.0,
                args=args or {"image": np.arange(4.0).reshape(2, 2), "kernel": np.ones((1, 1)), "padding": 0})


def loaded(signature: str | None = SIGNATURE, static: tuple[Use, ...] = ()) -> Loading:
    return Loading(ModuleLoad("conv_numpy", ok=True, functions={"conv2d": signature}), SIGNATURE, static)


def returned(value, **fields) -> Outcome:
    return Outcome(OutcomeKind.RETURNED, value=value, **fields)


def raised(error_type: str, message: str = "boom", mro: tuple[str, ...] | None = None, **fields) -> Outcome:
    mro = mro if mro is not None else (error_type, "Exception", "BaseException", "object")
    return Outcome(OutcomeKind.RAISED, error_type=error_type, error_mro=mro, message=message,
                   traceback='  File "conv_numpy.py", line 3, in conv2d\n    raise ' + error_type, **fields)


def verdict(outcome: Outcome, expected: Expected | None = None, loading: Loading | None = None,
            case: Case | None = None) -> Verdict:
    return judge(case or make_case(), expected or Expected(value=np.array([[1.0]])), outcome, loading or loaded(),
                 RULE, MEMORY_MB)


# ---- could the grader do its job, could the submission be loaded ---------------------------------------------

def test_grader_fault_is_grader_error_with_staff_text_only():
    """Is a grader fault GRADER_ERROR, with the traceback for staff and a generic message for the student?"""
    outcome = Outcome(OutcomeKind.NOT_RUN, message="could not rebuild the arguments: KeyError: secret_path",
                      traceback="Traceback: /srv/grader/internal.py", grader_fault=True)
    result = verdict(outcome)
    assert result.status is Status.GRADER_ERROR
    assert result.message == GRADER_FAILED
    assert "secret_path" in result.staff and "/srv/grader/internal.py" in result.staff
    for shown in (result.message, result.details, result.hidden_message):
        assert "secret_path" not in shown and "internal.py" not in shown


def test_grader_fault_wins_over_everything():
    """Does a grader fault come first, even when the module also failed to import?"""
    loading = Loading(ModuleLoad("conv_numpy", ok=False, message="SyntaxError"), SIGNATURE)
    outcome = Outcome(OutcomeKind.NOT_RUN, message="m", grader_fault=True)
    assert verdict(outcome, loading=loading).status is Status.GRADER_ERROR


def test_failed_import_is_ungradable_with_the_module_message():
    """Does a module that failed to import make the case UNGRADABLE with the module's message and output?"""
    load = ModuleLoad("conv_numpy", ok=False, message="conv_numpy.py, line 7: SyntaxError: invalid syntax",
                      traceback="  File conv_numpy.py, line 7", stdout="hello from import\n")
    result = verdict(Outcome(OutcomeKind.NOT_RUN), loading=Loading(load, SIGNATURE))
    assert result.status is Status.UNGRADABLE
    assert result.message == "conv_numpy.py, line 7: SyntaxError: invalid syntax"
    assert "line 7" in result.details and "hello from import" in result.details


def test_missing_function_is_ungradable_naming_the_signature():
    """Is a missing function UNGRADABLE, telling the student the signature to define?"""
    outcome = Outcome(OutcomeKind.MISSING, message="conv_numpy.py has no function conv2d")
    result = verdict(outcome, loading=loaded(signature=None))
    assert result.status is Status.UNGRADABLE
    assert "conv_numpy.py has no function conv2d" in result.message
    assert f"conv2d{SIGNATURE}" in result.message


def test_wrong_parameter_names_are_ungradable():
    """Does a function whose parameter names differ make the case UNGRADABLE, showing both signatures?"""
    result = verdict(returned(np.array([[1.0]])), loading=loaded("(img, kernel, padding=0)"))
    assert result.status is Status.UNGRADABLE
    assert "conv2d(img, kernel, padding=0)" in result.message and f"conv2d{SIGNATURE}" in result.message


@pytest.mark.parametrize("signature", ["(image, kernel)", "(image, kernel, padding=0, stride=1)",
                                       "(kernel, image, padding=0)"])
def test_missing_extra_or_reordered_parameters_are_ungradable(signature):
    """Are a missing, an extra and a reordered parameter all signature mismatches?"""
    assert verdict(returned(np.array([[1.0]])), loading=loaded(signature)).status is Status.UNGRADABLE


@pytest.mark.parametrize("signature", [
    "(image: np.ndarray, kernel: np.ndarray, padding: int = 1) -> np.ndarray",
    "(image, kernel, padding=(0, 0))",
    "(image: 'numpy.ndarray', kernel: dict[str, tuple[int, int]] = {}, padding: int | None = None)",
])
def test_same_names_with_annotations_or_defaults_are_gradable(signature):
    """Do the same names with other annotations, defaults or a return annotation still count as the signature?"""
    result = verdict(returned(np.array([[1.0]])), loading=loaded(signature))
    assert result.status is Status.PASSED


@pytest.mark.parametrize("signature,names", [
    ("(n: int, f: int, padding=0)", ["n", "f", "padding"]),
    ("(a, b=(1, 2), *, c: dict[str, int] = {})", ["a", "b", "c"]),
    ("(x, /, y, *args, z=[1, [2, 3]], **kwargs) -> tuple[int, int]", ["x", "y", "*args", "z", "**kwargs"]),
    ("()", []),
    ("(self)", ["self"]),
    ("image, kernel", ["image", "kernel"]),
])
def test_names_parsing(signature, names):
    """Does _names read parameter names past annotations, defaults with commas and brackets, * and /?"""
    assert list(_names(signature)) == names


def test_a_signature_longer_than_the_cap_is_ungradable_unparsed(monkeypatch):
    """Is a signature text over MAX_SIGNATURE_CHARS (a 2 MiB default's repr) ungradable with its length and the
    cap, without being parsed, and is the message short?"""
    import autograder.verdict as module

    monkeypatch.setattr(module, "_names", lambda text: pytest.fail("parsed an over-long signature"))
    huge = "(image, kernel, padding=[" + "0, " * 700_000 + "])"
    result = verdict(returned(np.array([[1.0]])), loading=loaded(huge))
    assert result.status is Status.UNGRADABLE
    assert result.message.startswith(f"conv2d: its signature is {len(huge)} characters long, more than the "
                                     f"{module.MAX_SIGNATURE_CHARS} the grader reads")
    assert len(result.message) < 500


def test_names_by_hand_is_linear():
    """Does splitting a signature by hand take time linear in its length (a megabyte in well under a second)?"""
    import time

    from autograder.verdict import _names_by_hand

    started = time.perf_counter()
    assert _names_by_hand("(x, y=<object " + "a" * 2**20 + ">)") == ["x", "y"]
    assert time.perf_counter() - started < 1.0


def test_names_parsing_string_default_with_comma():
    """Does a string default holding a comma or a bracket leave the names intact?"""
    assert list(_names("(x, sep=', ')")) == ["x", "sep"]
    assert list(_names("(x, open='(')")) == ["x", "open"]


# ---- forbidden, timeout, crash -------------------------------------------------------------------------------

def test_runtime_forbidden_call_names_the_api():
    """Is a forbidden API caught at run time FORBIDDEN, naming it, even though the value is right?"""
    result = verdict(returned(np.array([[1.0]]), forbidden=("torch.nn.functional.conv2d",)))
    assert result.status is Status.FORBIDDEN
    assert "torch.nn.functional.conv2d (called while running)" in result.message


def test_static_forbidden_use_names_the_api_and_line():
    """Is a forbidden use found in the source FORBIDDEN, naming the API and its line, listed once?"""
    loading = loaded(static=(Use("torch.nn.functional.conv2d", 12),))
    result = verdict(returned(np.array([[1.0]]), forbidden=("torch.nn.functional.conv2d",)), loading=loading)
    assert result.status is Status.FORBIDDEN
    assert "torch.nn.functional.conv2d (line 12)" in result.message
    assert "called while running" not in result.message


def test_static_forbidden_use_counts_even_when_not_run():
    """Does a static use make the case FORBIDDEN even if the call timed out?"""
    loading = loaded(static=(Use("numpy.convolve", 3),))
    assert verdict(Outcome(OutcomeKind.TIMEOUT, message="x"), loading=loading).status is Status.FORBIDDEN


def test_static_refusal_is_forbidden_with_line_and_reason():
    """Does a construct the static scan refuses make the case FORBIDDEN, naming its line and reason?"""
    loading = Loading(ModuleLoad("conv_numpy", ok=True, functions={"conv2d": SIGNATURE}), SIGNATURE,
                      static_refusals=(Refusal(7, "uses torch.ops, which calls PyTorch's operators"),))
    result = verdict(returned(np.array([[1.0]])), loading=loading)
    assert result.status is Status.FORBIDDEN
    assert "line 7: uses torch.ops" in result.message and "cannot check" in result.message


def test_many_refusals_are_counted_not_listed():
    """Are only the first few refused lines listed, and the rest counted?"""
    refusals = tuple(Refusal(line, "uses eval") for line in range(1, 11))
    loading = Loading(None, SIGNATURE, static_refusals=refusals)
    message = verdict(returned(np.array([[1.0]])), loading=loading).message
    assert "line 3: uses eval" in message and "line 4:" not in message and "and 7 more" in message


def test_a_forbidden_case_forbids_the_whole_exercise():
    """Does a forbidden call found while running one case give FORBIDDEN to every case of that exercise (a
    raising case that passed included), and leave other exercises, grader errors and skipped cases alone?"""
    cases = [Case(exercise=e, name=n, visible=True, weight=1.0, args={})
             for e, n in (("conv2d", "a"), ("conv2d", "raises"), ("conv2d", "gpu"), ("conv2d", "broken"),
                          ("zero_pad", "a"))]
    verdicts = {cases[0].key: Verdict(Status.FORBIDDEN, "uses numpy.correlate (called while running)"),
                cases[1].key: Verdict(Status.PASSED, "raised ValueError as expected"),
                cases[2].key: Verdict(Status.SKIPPED, "skipped: no CUDA"),
                cases[3].key: Verdict(Status.GRADER_ERROR, GRADER_FAILED),
                cases[4].key: Verdict(Status.PASSED, "passed")}
    spread = forbid_whole_exercises(cases, verdicts)
    assert spread[cases[1].key].status is Status.FORBIDDEN
    assert "numpy.correlate" in spread[cases[1].key].message and "case a" in spread[cases[1].key].message
    assert [spread[c.key].status for c in cases[2:]] == [Status.SKIPPED, Status.GRADER_ERROR, Status.PASSED]
    assert spread[cases[0].key] == verdicts[cases[0].key]


def test_timeout():
    """Is a timeout TIMEOUT with the host's message and the printed output?"""
    outcome = Outcome(OutcomeKind.TIMEOUT, message="the case's time limit of 10 s was reached", stdout="step 1\n")
    result = verdict(outcome)
    assert result.status is Status.TIMEOUT
    assert result.message == "stopped: the case's time limit of 10 s was reached"
    assert "step 1" in result.details


@pytest.mark.parametrize("kind", [OutcomeKind.CRASHED, OutcomeKind.NOT_RUN])
def test_crash(kind):
    """Is a dead student process CRASHED, with its message or a default one?"""
    assert verdict(Outcome(kind, message="killed by signal 9")).message == "killed by signal 9"
    result = verdict(Outcome(kind))
    assert result.status is Status.CRASHED and result.message


# ---- exceptions ------------------------------------------------------------------------------------------------

def test_not_implemented():
    """Is NotImplementedError NOT_IMPLEMENTED (the stub is untouched)?"""
    result = verdict(raised("NotImplementedError", ""))
    assert result.status is Status.NOT_IMPLEMENTED
    assert "not implemented" in result.message


def test_expected_exception_raised_passes():
    """Does raising the expected ValueError pass?"""
    result = verdict(raised("ValueError", "padding must be >= 0"), Expected(raises="ValueError"))
    assert result.status is Status.PASSED
    assert "ValueError" in result.message


def test_subclass_of_expected_exception_passes():
    """Does a subclass of the expected exception (found in error_mro) pass too?"""
    outcome = raised("ShapeError", mro=("ShapeError", "ValueError", "Exception", "BaseException", "object"))
    assert verdict(outcome, Expected(raises="ValueError")).status is Status.PASSED


def test_other_exception_when_one_is_expected_fails():
    """Does raising another exception where ValueError is expected fail, naming both?"""
    result = verdict(raised("TypeError", "bad operand"), Expected(raises="ValueError"))
    assert result.status is Status.FAILED
    assert "expected ValueError" in result.message and "TypeError: bad operand" in result.message


def test_expected_exception_but_returned_fails():
    """Does returning a value where ValueError is expected fail, describing what was returned?"""
    result = verdict(returned(3), Expected(raises="ValueError"))
    assert result.status is Status.FAILED
    assert "expected ValueError" in result.message and "int 3" in result.message
    assert "Called conv2d(" in result.details


def test_unexpected_exception_is_error_with_traceback():
    """Is an unexpected exception ERROR, with the call, the traceback and the output in the details?"""
    result = verdict(raised("IndexError", "index 5 is out of bounds", stdout="debug\n"))
    assert result.status is Status.ERROR
    assert result.message == "raised IndexError: index 5 is out of bounds"
    assert "Called conv2d(image=np.array(" in result.details
    assert 'File "conv_numpy.py", line 3' in result.details
    assert "Your code printed:\ndebug" in result.details


def test_exception_without_message():
    """Does an exception with no message read 'raised KeyError' without a dangling colon?"""
    assert verdict(raised("KeyError", "")).message == "raised KeyError"


def test_memory_error_names_the_limit():
    """Does a MemoryError say the memory limit in MB?"""
    result = verdict(raised("MemoryError", ""))
    assert result.status is Status.ERROR
    assert f"memory limit of {MEMORY_MB} MB" in result.message


def test_expected_exception_with_mutated_input_fails():
    """Does raising the expected exception still fail when the function first modified its input?"""
    result = verdict(raised("ValueError", mutated=("image",)), Expected(raises="ValueError"))
    assert result.status is Status.FAILED and "modified its input" in result.message


# ---- returned values -------------------------------------------------------------------------------------------

def test_mutated_inputs_fail():
    """Does a right value fail when the function modified its inputs in place, naming them?"""
    one = verdict(returned(np.array([[1.0]]), mutated=("image",)))
    two = verdict(returned(np.array([[1.0]]), mutated=("image", "kernel")))
    assert one.status is Status.FAILED
    assert "modified its input image in place" in one.message
    assert "modified its inputs image, kernel" in two.message


def test_value_mismatch_fails_with_hidden_phrase():
    """Does a wrong value fail with the comparison's sentence, and a hidden phrase that does not reveal it?"""
    expected = Expected(value=np.array([[123.456]]))
    result = verdict(returned(np.array([[7.0]])), expected, case=make_case(visible=False))
    assert result.status is Status.FAILED
    assert "1 of 1 elements" in result.message
    assert "123.456" in result.details and "Called conv2d(" in result.details
    assert result.hidden_message == HIDDEN_PHRASES["value"]
    assert "123.456" not in result.hidden_message


@pytest.mark.parametrize("got,expected,kind", [
    (7.0, 3, "type"), ([1, 2], [1, 2, 3], "length"), ({"a": 1}, {"sobel_vertical": 1}, "keys"),
    (np.zeros(2), np.zeros(3), "shape"), (np.zeros(2, dtype=np.int64), np.zeros(2), "dtype"),
    (TensorData(np.zeros(1, np.float32), "float32", "cpu"), TensorData(np.zeros(1, np.float32), "float32", "cuda:0"),
     "device"),
    (np.array([np.nan]), np.zeros(1), "nan"), (41, 42, "value"),
])
def test_hidden_message_follows_the_mismatch_kind(got, expected, kind):
    """Does each kind of mismatch give its own hidden phrase, none of which holds the expected value?"""
    result = verdict(returned(got), Expected(value=expected))
    assert result.status is Status.FAILED
    assert result.hidden_message == HIDDEN_PHRASES[kind]
    assert "42" not in result.hidden_message and "sobel" not in result.hidden_message


def test_matching_value_passes():
    """Does a matching value pass, within the tolerance?"""
    result = verdict(returned(np.array([[1.0 + 1e-9]])))
    assert result.status is Status.PASSED
    assert result.message == "passed"


def test_printed_output_is_in_the_details_of_a_failure():
    """Is what the student printed kept in the details of a failed comparison?"""
    result = verdict(returned(np.array([[2.0]]), stdout="shape (1, 1)\n"))
    assert "Your code printed:\nshape (1, 1)" in result.details


def test_large_arguments_are_summarised_in_the_call():
    """Are large arrays in the call text shown by shape and dtype rather than in full?"""
    case = make_case(image=np.zeros((10, 10)), kernel=np.ones((3, 3)), padding=1)
    details = verdict(returned(np.array([[2.0]])), case=case).details
    assert "image=<array of shape (10, 10), dtype float64>" in details
    assert "kernel=np.array([[1., 1., 1.], [1., 1., 1.], [1., 1., 1.]], dtype=float64)" in details
    assert "padding=1" in details


# ---- what a student sees: visible cases in full, hidden ones per `hidden_detail` -------------------------------

def _array_failure() -> Verdict:
    """A value mismatch on a 2 x 2 array: 2 of 4 elements differ, by 5 and 0.5 (relative 0.5 and 0.125)."""
    return verdict(returned(np.array([[1.0, 15.0], [4.5, 3.0]])), Expected(value=np.array([[1.0, 10.0], [4.0, 3.0]])))


def test_the_mismatch_summary_is_in_fixed_categories_and_the_details_have_the_numbers():
    """Does a value mismatch carry a hidden summary in fixed categories only (share of wrong elements, size of the
    largest difference), while its details (visible cases) have the counts, differences, call and table?"""
    result = _array_failure()
    assert result.summary == "Mismatched: at most half of the elements; largest difference: 1 or more"
    assert result.summary in HIDDEN_SUMMARIES
    assert "Mismatched elements: 2 / 4 (50.0%)\nMax absolute difference: 5" in result.details
    assert "Called conv2d(" in result.details and "(0, 1) | 15" in result.details
    assert verdict(returned(41), Expected(value=42)).summary == ""  # a scalar's summary would reveal it


@pytest.mark.parametrize("detail", list(HiddenDetail))
def test_a_visible_case_shows_everything_whatever_the_level(detail):
    """Does a visible case show its message, note, diagnosis, call and table at every `hidden_detail` level?"""
    result = _array_failure()
    shown = student_view(result, True, detail, note="a note", diagnoses=("This looks like X",))
    assert shown.message == result.message
    assert shown.details == f"This looks like X\nNote: a note\n{result.details}"


@pytest.mark.parametrize("detail, message, details", [
    (HiddenDetail.NONE, HIDDEN_NO_DETAIL, ""),
    (HiddenDetail.MESSAGE, HIDDEN_PHRASES["value"], "This looks like X"),
    (HiddenDetail.SUMMARY, HIDDEN_PHRASES["value"], "This looks like X\nMismatched: at most half of the "
                                                    "elements; largest difference: 1 or more"),
])
def test_a_hidden_case_shows_what_its_level_allows(detail, message, details):
    """Does a failing hidden case show nothing, the redacted line, or the line plus the summary, never the
    inputs, the expected values or the table, while staff keep everything?"""
    result = _array_failure()
    shown = student_view(result, False, detail, note="a note", diagnoses=("This looks like X",))
    assert (shown.message, shown.details) == (message, details)
    assert "10" not in shown.message + shown.details and "Called" not in shown.details
    assert result.details in shown.staff and result.message in shown.staff


@pytest.mark.parametrize("outcome, expected, shown", [
    (raised("RuntimeError", "image=[[1, 2], [3, 4]]"), None, "raised an exception"),
    (raised("TypeError", "image=[[1, 2], [3, 4]]"), Expected(raises="ValueError"),
     "expected an exception for this invalid input, but it raised another one"),
    (raised("E_1_2_3_4", "image=[[1, 2], [3, 4]]", mro=("E_1_2_3_4", "KeyError", "LookupError", "Exception")), None,
     "raised an exception"),
    (Outcome(OutcomeKind.CRASHED, message="exited with status 4 (sys.exit or os._exit?)", stdout="image=[[1, 2]]"),
     None, "the process stopped while running this hidden case"),
])
def test_a_hidden_case_shows_no_text_the_code_chose(outcome, expected, shown):
    """Does a hidden case that raised or stopped show only that it did, never the exception's message, its class
    (a built-in class chosen by the code is a few bits of the inputs per case) or an exit status the code chose,
    nor what it printed, while staff keep all of it?"""
    result = verdict(outcome, expected, case=make_case(visible=False))
    view = student_view(result, False, HiddenDetail.SUMMARY)
    assert view.message.startswith(shown), view.message
    assert "[[1, 2]" not in view.message + view.details and "E_1_2" not in view.message and "4" not in view.message
    assert "Error" not in view.message.replace("ValueError", "")
    assert "image=[[1, 2]" in view.staff
    visible = student_view(result, True, HiddenDetail.SUMMARY)
    assert "image=[[1, 2]" in visible.message + visible.details  # a visible case shows it all


@pytest.mark.parametrize("message, hidden", [
    ("the time limit of 10 s exceeded; it was still running conv_torch.py:424 in _H5_W6: look for a loop that never "
     "ends there", "the time limit of 10 s exceeded"),
    ("not run: case one_by_one did not finish (still running conv_torch.py:424 in _H5_W6) and used up the "
     "exercise's time limit of 25 s", "not run: case one_by_one did not finish and used up the exercise's time "
                                       "limit of 25 s"),
])
def test_a_hidden_case_that_hung_does_not_say_where(message, hidden):
    """Where a call hung comes from the student's own stack dump, so its function name and line are the code's
    choice: a red team carried each hidden case's geometry out in them (`_H5` and line 424 for H=5, W=6). Does a
    hidden case show only the grader's words at every level, while a visible one and staff keep the place?"""
    result = verdict(Outcome(OutcomeKind.TIMEOUT, message=message, hidden_message=hidden),
                     case=make_case(visible=False))
    assert result.status is Status.TIMEOUT
    for detail in HiddenDetail:
        view = student_view(result, False, detail)
        assert "_H5" not in view.message + view.details and "424" not in view.message + view.details, view
    assert student_view(result, False, HiddenDetail.MESSAGE).message == "stopped: it ran past a time limit"  # the
    # fixed vocabulary's line (tests/test_hidden_feedback.py): not even the limit's number
    assert "conv_torch.py:424 in _H5_W6" in student_view(result, False, HiddenDetail.SUMMARY).staff
    assert "conv_torch.py:424 in _H5_W6" in student_view(result, True, HiddenDetail.SUMMARY).message


def test_a_passing_hidden_case_says_passed_at_every_level():
    """Does a hidden case that passed say so, whatever the level?"""
    passed = verdict(returned(np.array([[1.0]])))
    assert {student_view(passed, False, d).message for d in HiddenDetail} == {"passed"}


SPEED_TESTS = [
    ((0.004, 0.002), Status.PASSED, "passed: right, and within 10x the time of torch.nn.functional.conv2d"),
    ((0.2, 0.002), Status.FAILED, "right, but slower than 10x the time of torch.nn.functional.conv2d"),
    (None, Status.FAILED, "right, but the speed case could not be timed"),
]


@pytest.mark.parametrize("timing, status, message", SPEED_TESTS, ids=["fast", "slow", "untimed"])
def test_a_speed_case_needs_a_right_answer_within_its_ratio(timing, status, message):
    """Does a right answer in a speed case pass only within `max_ratio` of the baseline, say which side of it the
    answer fell on without the measured times (which vary from run to run), and keep the times for staff?"""
    from dataclasses import replace

    from autograder.spec import SpeedSpec

    speed = SpeedSpec("torch.nn.functional.conv2d", ("x", "weight"), 10.0)
    result = verdict(returned(np.array([[1.0]]), timing=timing), case=replace(make_case(), speed=speed))
    assert result.status is status and result.message.startswith(message)
    assert "ms" not in result.message and ("ms against" in result.staff) == (timing is not None)
    wrong = verdict(returned(np.array([[2.0]]), timing=(0.001, 0.002)), case=replace(make_case(), speed=speed))
    assert wrong.status is Status.FAILED and "slower" not in wrong.message  # fast but wrong earns nothing


def test_a_speed_case_stopped_by_its_cpu_time_fails_as_too_slow_with_one_hidden_text():
    """A speed case's call stopped by the host once its CPU time was certainly over the limit (before it
    returned, whatever the load): is it "slower than", not a time-out, with the same hidden text as a measured slow
    one, so that a hidden case reads alike however it was decided?"""
    from dataclasses import replace

    from autograder.spec import SpeedSpec

    speed = SpeedSpec("torch.nn.functional.conv2d", ("x", "weight"), 10.0)
    case = replace(make_case(visible=False), speed=speed)
    stopped = verdict(Outcome(OutcomeKind.TIMEOUT, message="stopped after 0.10 s of CPU time", timing=(0.1, 0.003)),
                      case=case)
    measured = verdict(returned(np.array([[1.0]]), timing=(0.2, 0.002)), case=case)
    assert stopped.status is Status.FAILED and stopped.message.startswith("slower than 10x the time of")
    assert "stopped after 100 ms" in stopped.staff
    assert stopped.hidden == measured.hidden == HIDDEN_SLOW  # the fixed vocabulary's line
    plain = verdict(Outcome(OutcomeKind.TIMEOUT, message="the time limit of 10 s exceeded"), case=case)
    assert plain.status is Status.TIMEOUT  # a wall-clock time-out without a CPU bound stays one


def test_the_advice_of_a_slow_speed_case_is_the_specs_hint_and_none_without_one():
    """Does a right but slow answer read the exercise's own `hint:` (the grader has no advice of its own: it knows
    no lecture), and nothing more without one?"""
    from dataclasses import replace

    from autograder.spec import SpeedSpec

    hinted = SpeedSpec("torch.nn.functional.max_pool2d", ("x",), 10.0, hint="use Tensor.unfold and one reduction")
    slow = returned(np.array([[1.0]]), timing=(0.2, 0.002))
    result = verdict(slow, case=replace(make_case(), speed=hinted))
    assert result.message.endswith("(CPU time, measured twice); use Tensor.unfold and one reduction")
    stopped = verdict(Outcome(OutcomeKind.TIMEOUT, message="stopped", timing=(0.1, 0.003)),
                      case=replace(make_case(), speed=hinted))
    assert stopped.message.endswith("certainly over; use Tensor.unfold and one reduction")
    plain = verdict(slow, case=replace(make_case(), speed=replace(hinted, hint="")))
    assert plain.message.endswith("(CPU time, measured twice)")
    assert "unfold" not in plain.message and "matrix" not in plain.message


# ---- issue 14: sharper feedback ------------------------------------------------------------------------------

def test_a_syntax_error_is_one_line_with_file_and_line_and_a_caret():
    """Is a module that does not parse ungradable with one line (file, line, error) and the line with a caret,
    read from the source on the host, the worker's traceback kept for staff?"""
    load = ModuleLoad("filters", ok=False, message="filters.py could not be imported (filters.py, line 2): "
                      "SyntaxError: invalid syntax", traceback="SyntaxError: invalid syntax (filters.py, line 2)")
    source = "import numpy as np\ndef edge_kernels( -> dict:\n    return {}\n"
    result = verdict(returned(None), loading=Loading(load, SIGNATURE, source=source))
    assert result.status is Status.UNGRADABLE
    assert result.message.startswith("filters.py, line 2: SyntaxError: ") and "\n" not in result.message
    code, caret = result.details.splitlines()
    assert code.strip() == "def edge_kernels( -> dict:" and caret.strip() == "^"
    assert "line 2" in result.staff


def test_an_import_error_without_a_syntax_error_keeps_the_worker_message():
    """Where the source parses (an exception at import), is the worker's one-line message kept?"""
    load = ModuleLoad("filters", ok=False, message="filters.py could not be imported (filters.py, line 1): "
                      "ZeroDivisionError: division by zero", traceback="ZeroDivisionError")
    result = verdict(returned(None), loading=Loading(load, SIGNATURE, source="1 / 0\n"))
    assert result.message == load.message


def test_a_wrong_list_is_shown_whole_next_to_the_expected_one():
    """Does a visible case whose list differs show the whole list returned above the whole list expected?"""
    expected = Expected(value=[(37, 37, 10), (17, 17, 20)])
    result = verdict(returned([(10, 37, 37), (20, 17, 17)]), expected=expected)
    assert result.status is Status.FAILED
    assert "got:      [(10, 37, 37), (20, 17, 17)]\nexpected: [(37, 37, 10), (17, 17, 20)]" in result.details
    assert "expected: [" not in result.hidden_message


def test_the_case_note_is_not_shown_for_an_ungradable_module():
    """Is a case's note (about the computation) left out where the module could not even be loaded?"""
    shown = student_view(Verdict(Status.UNGRADABLE, "filters.py, line 2: SyntaxError"), True, HiddenDetail.MESSAGE,
                         note="the lecture's example")
    assert "Note:" not in shown.details
