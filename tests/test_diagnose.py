"""Misconception diagnosis: the assignment's known mistakes, judged on values and through the whole pipeline.

Most tests run in-process: a "student" is a function of the case (a known mistake, the reference, the
reference plus noise, zeros), its results are judged by `autograder.verdict.judge` as the pipeline judges a
sandboxed run, and `diagnose_exercise` names what it matches. One end-to-end test grades a real submission
carrying several mistakes in the sandbox.
"""
from __future__ import annotations

import dataclasses
import re
import shutil

import numpy as np
import pytest

from autograder.cases import expand_exercise
from autograder.codec import TensorData
from autograder.diagnose import Attempt, called_exercises, diagnose, diagnose_exercise, helpers_failing
from autograder.pipeline import grade
from autograder.reference import Expected, ReferenceSolutions, expected_for
from autograder.reporters import gradescope
from autograder.results import Status
from autograder.sandbox import Outcome, OutcomeKind
from autograder.spec import MISTAKES_MODULE, Comparison, HiddenDetail, MistakeSpec, load_course
from autograder.verdict import HIDDEN_NO_DETAIL, HIDDEN_SUMMARIES, Loading, judge

from support import ASSIGNMENT, REPO

_SPEC = load_course(REPO).assignment(ASSIGNMENT)
MISTAKES = [(e.id, m.id) for e in _SPEC.exercises for m in e.mistakes]
"""(exercise, mistake) pairs of the real assignment, for parametrisation."""

FLIPPED = ("apply_filter_at", "conv2d_single", "conv2d", "conv_volume", "conv_layer_forward", "conv2d_forward_torch")
REQUIRED = {
    *((exercise, "flipped_kernel") for exercise in FLIPPED),
    ("output_size", "ceil_instead_of_floor"), ("output_size", "missing_plus_one"),
    ("output_size", "padding_counted_once"),
    ("conv_param_count", "bias_forgotten"), ("conv_param_count", "bias_per_weight"),
    ("dense_param_count", "bias_forgotten"), ("dense_param_count", "bias_per_weight"),
    ("same_padding", "even_f_accepted"),
    *((exercise, mistake) for exercise in ("conv2d", "conv_volume", "conv_layer_forward")
      for mistake in ("padding_ignored", "stride_ignored")),
    ("conv_volume", "kernel_channels_first"), ("conv_layer_forward", "weights_channels_first"),
    ("conv_layer_forward", "output_channels_first"),
    ("conv_layer_forward", "relu_before_bias"), ("conv_layer_forward", "relu_missing"),
    ("conv_layer_forward", "bias_per_kernel_element"), ("conv2d_forward_torch", "bias_per_kernel_element"),
    ("cnn_output_shapes", "height_width_swapped"),
    # issue 14
    ("conv_layer_forward", "bias_forgotten"), ("conv2d_forward_torch", "bias_forgotten"),
    ("conv_layer_forward", "im2col_weight_order"), ("conv2d_forward_torch", "im2col_weight_order"),
    ("conv_volume", "channels_not_summed"), ("apply_filter_at", "window_top_left"),
    ("cnn_output_shapes", "channels_first"),
    # issue 19: the stride ignored where each window starts, the output size right
    *((exercise, "stride_ignored_in_window") for exercise in ("conv2d", "conv_volume", "conv_layer_forward",
                                                              "conv2d_forward_torch")),
}
"""The misconceptions issues 4 and 14 list, by the exercise they apply to."""


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def reference(assignment):
    return ReferenceSolutions(assignment.solutions, assignment.id)


@pytest.fixture(scope="module")
def prepared(course, assignment, reference):
    """Per exercise with mistakes: its spec, its concrete cases (hidden ones included; not the speed case, which
    needs the sandbox's timing) and expected outcomes."""
    data = {}
    for exercise in assignment.exercises:
        if exercise.mistakes:
            cases = [c for c in expand_exercise(course.seed, assignment.id, exercise) if c.speed is None]
            data[exercise.id] = (exercise, cases, {c.key: expected_for(c, exercise.module, reference) for c in cases})
    return data


def _outcome(value, error) -> Outcome:
    if error is not None:
        kind = type(error)
        return Outcome(OutcomeKind.RAISED, error_type=kind.__name__, error_mro=tuple(c.__name__ for c in kind.__mro__),
                       message=str(error))
    return Outcome(OutcomeKind.RETURNED, value=value)


def _student(prepared, reference, exercise_id, answer):
    """Diagnoses for a student whose outcome on each case is `answer(case, expected) -> (value, error)`."""
    exercise, cases, expected = prepared[exercise_id]
    outcomes = {c.key: _outcome(*answer(c, expected[c.key])) for c in cases}
    verdicts = {c.key: judge(c, expected[c.key], outcomes[c.key], Loading(None, ""), exercise.compare, 4096)
                for c in cases}
    run = lambda function, args: reference.call(MISTAKES_MODULE, function, args)  # noqa: E731
    return diagnose_exercise(exercise, cases, outcomes, expected, verdicts, run), verdicts


def _as_reference(case, expected):
    """What the reference does: its value, or the exception the case expects."""
    return (None, ValueError("invalid")) if expected.raises else (expected.value, None)


def _mistaken(reference, exercise, mistake_id):
    function = next(m.function for m in exercise.mistakes if m.id == mistake_id)
    return lambda case, expected: reference.call(MISTAKES_MODULE, function, case.args)


# ---- the assignment's mistakes ------------------------------------------------------------------------------

def test_every_misconception_of_the_issue_is_listed():
    """Does assignment.yaml list each misconception the issue asks for, on the exercises it applies to?"""
    assert REQUIRED <= set(MISTAKES), sorted(REQUIRED - set(MISTAKES))


@pytest.mark.parametrize("exercise_id, mistake_id", MISTAKES)
def test_a_submission_carrying_the_mistake_gets_its_message(prepared, reference, exercise_id, mistake_id):
    """Is a student who implements exactly this mistake told about it, and about nothing else?"""
    exercise = prepared[exercise_id][0]
    found, verdicts = _student(prepared, reference, exercise_id, _mistaken(reference, exercise, mistake_id))
    assert any(v.status is Status.FAILED for v in verdicts.values()), "the cases never tell this mistake apart"
    assert [d.mistake for d in found] == [mistake_id]
    message = next(m.message for m in exercise.mistakes if m.id == mistake_id)
    assert found[0].text == f"This looks like the known mistake '{mistake_id}': {message}"


@pytest.mark.parametrize("exercise_id", sorted({e for e, _ in MISTAKES}))
def test_the_reference_is_never_diagnosed(prepared, reference, exercise_id):
    """Does the reference pass every case, and does no mistake match its values even when asked directly?"""
    exercise, cases, expected = prepared[exercise_id]
    found, verdicts = _student(prepared, reference, exercise_id, _as_reference)
    assert found == () and {v.status for v in verdicts.values()} == {Status.PASSED}
    values = [Attempt(c, expected[c.key].value, expected[c.key]) for c in cases if not expected[c.key].raises]
    run = lambda function, args: reference.call(MISTAKES_MODULE, function, args)  # noqa: E731
    assert diagnose(exercise.mistakes, values, run, exercise.compare) == ()


def _noisy(value, rng):
    if isinstance(value, TensorData):
        return dataclasses.replace(value, array=(value.array + rng.normal(size=value.shape)).astype(value.array.dtype))
    if isinstance(value, np.ndarray):
        return value + rng.normal(size=value.shape)
    if isinstance(value, (list, tuple)):
        return type(value)(_noisy(v, rng) for v in value)
    if isinstance(value, int):
        return value + 2 + int(rng.integers(0, 5))
    return float(value) + 0.5 + float(rng.random())


def _zeros(value):
    if isinstance(value, TensorData):
        return dataclasses.replace(value, array=np.zeros_like(value.array))
    if isinstance(value, np.ndarray):
        return np.zeros_like(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_zeros(v) for v in value)
    return type(value)(0)


@pytest.mark.parametrize("wrong", ["noise", "zeros"])
@pytest.mark.parametrize("exercise_id", sorted({e for e, _ in MISTAKES}))
def test_a_random_wrong_answer_gets_no_diagnosis(prepared, reference, exercise_id, wrong):
    """Are noise added to the right answer, and all zeros, failed but never given a mistake's name?"""
    rng = np.random.default_rng(4)

    def answer(case, expected):
        if expected.raises:
            return None, ValueError("invalid")
        return (_noisy(expected.value, rng) if wrong == "noise" else _zeros(expected.value)), None

    found, verdicts = _student(prepared, reference, exercise_id, answer)
    assert any(v.status is Status.FAILED for v in verdicts.values())
    assert found == ()


def test_a_missing_check_does_not_hide_the_mistake(prepared, reference):
    """Is the bundled buggy student's bias_forgotten named although it also returns values for invalid inputs
    (where the mistake, like the reference, raises), and only on the cases the mistake explains?"""
    _, cases, expected = prepared["conv_param_count"]
    no_bias = lambda case, expected: (case.args["f"] ** 2 * case.args["in_channels"] * case.args["filters"], None)  # noqa: E731
    found, verdicts = _student(prepared, reference, "conv_param_count", no_bias)
    assert [d.mistake for d in found] == ["bias_forgotten"]
    invalid = {c.name for c in cases if expected[c.key].raises}
    assert invalid and not invalid & set(found[0].cases)
    assert {c.name for c in cases if verdicts[c.key].status is Status.FAILED} == invalid | set(found[0].cases)


def test_hidden_cases_are_not_used_when_they_show_nothing(prepared, reference):
    """With `hidden_detail: none`, is a mistake seen only in hidden cases left unnamed, and one seen in visible
    cases named from those alone?"""
    exercise, cases, expected = prepared["output_size"]
    cases = [dataclasses.replace(c, visible=False) if c.name == "floor_division" else c for c in cases]
    silent = dataclasses.replace(exercise, hidden_detail=HiddenDetail.NONE)
    prepared_none = {"output_size": (silent, cases, expected)}
    ceil = _mistaken(reference, exercise, "ceil_instead_of_floor")  # wrong only in hidden cases once
    hidden_ceil = {"output_size": (exercise, cases, expected)}     # floor_division is hidden
    assert [d.mistake for d in _student(hidden_ceil, reference, "output_size", ceil)[0]] == ["ceil_instead_of_floor"]
    assert _student(prepared_none, reference, "output_size", ceil)[0] == ()
    plus = _mistaken(reference, exercise, "missing_plus_one")
    found = _student(prepared_none, reference, "output_size", plus)[0]
    assert [d.mistake for d in found] == ["missing_plus_one"]
    assert set(found[0].cases) == {c.name for c in cases if c.visible and not expected[c.key].raises}


# ---- the rule, on hand-made values ---------------------------------------------------------------------------

RULE = Comparison()
MISTAKE = MistakeSpec("plus_one", "plus_one", "one too many")


def _attempts(*pairs):
    """Attempts on cases named c0, c1, ... whose argument is `n`: (got, expected value) pairs."""
    from autograder.cases import Case

    return [Attempt(Case("ex", f"c{i}", True, 1.0, {"n": i}), got, Expected(value=want))
            for i, (got, want) in enumerate(pairs)]


def test_a_mistake_must_explain_every_failing_case():
    """Is a mistake named when it explains each failing case, and not when one failure is something else?"""
    plus_one = lambda function, args: (args["n"] + 1, None)  # noqa: E731  the mistake returns n + 1, reference n
    explained = _attempts((1, 0), (2, 1))
    assert [d.cases for d in diagnose([MISTAKE], explained, plus_one, RULE)] == [("c0", "c1")]
    assert diagnose([MISTAKE], _attempts((1, 0), (7, 1)), plus_one, RULE) == ()
    assert diagnose([MISTAKE], [], plus_one, RULE) == ()


def test_a_mistake_that_coincides_with_the_reference_or_raises_is_no_match():
    """Is a mistake that gives the reference's answer, raises, or breaks on the failing cases never named?"""
    attempts = _attempts((5, 0), (6, 1))
    same = lambda function, args: (args["n"], None)  # noqa: E731
    raises = lambda function, args: (None, ValueError("no"))  # noqa: E731

    def broken(function, args):
        raise ImportError("the mistakes module is broken")

    for run in (same, raises, broken):
        assert diagnose([MISTAKE], attempts, run, RULE) == ()

    invalid = [Attempt(a.case, a.got, Expected(raises="ValueError")) for a in _attempts((1, 0))]
    assert diagnose([MISTAKE], invalid, raises, RULE) == ()  # agreeing that the input is invalid is no match
    plus_one = lambda function, args: (args["n"] + 1, None) if args["n"] else (None, ValueError())  # noqa: E731
    mixed = invalid + _attempts((1, 0), (2, 1))[1:]
    assert [d.cases for d in diagnose([MISTAKE], mixed, plus_one, RULE)] == [("c1",)]


def test_a_mistake_matches_within_the_tolerance_only():
    """Does the match follow the exercise's tolerance rule (autograder.compare)?"""
    half = lambda function, args: (np.full(3, 0.5), None)  # noqa: E731
    close = [Attempt(a.case, np.full(3, 0.5 + 1e-9), Expected(value=np.zeros(3))) for a in _attempts((0, 0))]
    far = [Attempt(a.case, np.full(3, 0.51), Expected(value=np.zeros(3))) for a in _attempts((0, 0))]
    assert len(diagnose([MISTAKE], close, half, RULE)) == 1
    assert diagnose([MISTAKE], far, half, RULE) == ()
    assert len(diagnose([MISTAKE], far, half, Comparison(atol=0.1))) == 1


# ---- end to end ------------------------------------------------------------------------------------------------

CARRIED = {  # exercise -> (module, mistake function, mistake id)
    "conv_param_count": ("shapes", "conv_bias_per_weight", "bias_per_weight"),
    "conv2d_single": ("filters", "conv2d_single_flipped", "flipped_kernel"),
    "conv2d": ("conv_numpy", "conv2d_flipped", "flipped_kernel"),
    "conv_volume": ("conv_numpy", "conv_volume_stride_ignored", "stride_ignored"),
    "conv_layer_forward": ("conv_numpy", "conv_layer_relu_before_bias", "relu_before_bias"),
}


def test_a_submission_with_several_mistakes_is_told_each(course, assignment, tmp_path):
    """Graded in the sandbox, does a submission carrying five mistakes in five exercises get each one named
    once, in the exercise's notes (not repeated in every failing case), and nothing elsewhere?"""
    folder = tmp_path / "several"
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    # The worker imports only the assignment's modules (docs/security.md), so mistakes.py travels inside each
    # module that uses it, run in a namespace of its own
    mistakes = (folder / "mistakes.py").read_text().replace("from __future__ import annotations\n", "")
    for exercise, (module, function, _) in CARRIED.items():
        with open(folder / f"{module}.py", "a") as source:
            source.write(f"\n\n_MISTAKES: dict = {{}}\nexec(compile({mistakes!r}, 'mistakes.py', 'exec'), _MISTAKES)\n"
                         f"{exercise} = _MISTAKES[{function!r}]\n")
    levels = {"conv2d": HiddenDetail.SUMMARY, "conv_layer_forward": HiddenDetail.NONE}
    # forbidden=(): mistakes.py's other functions use torch's convolutions, and exec is refused by the static scan;
    # this test is about diagnoses
    spec = dataclasses.replace(assignment, exercises=tuple(
        dataclasses.replace(e, hidden_detail=levels.get(e.id, e.hidden_detail), forbidden=())
        for e in assignment.exercises))

    run = grade(course, spec, folder)
    summarised = 0

    for result in run.exercises:
        if result.id not in CARRIED:
            assert result.score == result.points, result.id
            assert not any(note.startswith("This looks like") for note in result.notes), result.id
            assert result.mistakes == (), result.id
            continue
        exercise = spec.exercise(result.id)
        mistake = next(m for m in exercise.mistakes if m.id == CARRIED[result.id][2])
        text = f"This looks like the known mistake '{mistake.id}': {mistake.message}"
        assert result.notes == (text,) and result.mistakes == (mistake.id,)  # the id: for the class's counts
        assert result.score < result.points
        for case in result.cases:
            if case.status is not Status.FAILED:
                continue
            assert text not in case.details and text not in case.message, case.case  # said once, in the notes
            if case.visible:
                assert "Called" in case.details, case.case
            elif exercise.hidden_detail is HiddenDetail.NONE:
                assert (case.message, case.details) == (HIDDEN_NO_DETAIL, "")
            else:
                assert "Called" not in case.details and "index" not in case.details
                stats = case.details in HIDDEN_SUMMARIES  # fixed categories, never the counts or differences
                assert "Mismatched elements" not in case.details and "Max absolute" not in case.details
                assert stats == (exercise.hidden_detail is HiddenDetail.SUMMARY
                                 and case.message == "the returned values are wrong"), case.case
                summarised += stats
    assert summarised > 0  # conv2d's hidden value mismatches show their summary
    layer = next(e for e in run.exercises if e.id == "conv_layer_forward")
    assert any(c.visible and c.status is Status.FAILED for c in layer.cases)  # the note's evidence, hidden shown none
    table = next(c for e in run.exercises if e.id == "conv2d" for c in e.cases if c.visible and not c.passed)
    assert re.search(r"^index\s*\| got\s*\| expected$", table.details, re.MULTILINE)  # visible: the full table
    results = gradescope.dumps(run)
    assert "This looks like the known mistake 'flipped_kernel'" in results
    assert results == gradescope.dumps(type(run).from_dict(run.to_dict()))


# ---- another exercise's bug ------------------------------------------------------------------------------

LAYER = '''
def conv_layer_forward(x, weights, biases, padding=0, stride=1, activation="relu"):
    maps = [conv_volume(x, w, padding, stride) + b for w, b in zip(weights, biases)]
    return helpers.stack(maps)


def conv_volume(volume, kernel, padding=0, stride=1):
    return volume


def conv2d(image, kernel, padding=0, stride=1):
    return conv2d(image, kernel)
'''


def test_the_exercises_a_function_calls_are_read_from_its_source():
    """Are the other exercises a function calls (by name or as an attribute) read from its own body only, never
    itself, and is a module that does not parse no calls at all?"""
    exercises = ["conv_layer_forward", "conv_volume", "conv2d", "zero_pad"]
    assert called_exercises(LAYER, "conv_layer_forward", exercises) == ("conv_volume",)
    assert called_exercises(LAYER, "conv2d", exercises) == ()
    assert called_exercises("def f(:\n", "conv_layer_forward", exercises) == ()
    assert called_exercises("def zero_pad(x, p):\n    return m.conv2d(x)\n", "zero_pad", exercises) == ("conv2d",)


def test_a_failing_helper_is_named_where_no_mistake_explains_the_failures():
    """Is "also check conv_volume" said for a failing conv_layer_forward that calls a failing conv_volume, and
    nothing where the exercise passes or the helper does?"""
    [note] = helpers_failing("conv_layer_forward", ("conv_volume",), {"conv_layer_forward", "conv_volume"})
    assert note.mistake == "" and note.text.startswith("`conv_layer_forward` calls your `conv_volume`, which fails "
                                                       "cases of its own: fix `conv_volume` first")
    assert helpers_failing("conv_layer_forward", ("conv_volume",), {"conv_volume"}) == ()
    assert helpers_failing("conv_layer_forward", ("conv_volume",), {"conv_layer_forward"}) == ()
