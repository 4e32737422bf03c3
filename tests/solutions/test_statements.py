"""Statements and grading agree: each rule a statement or docstring states about what is returned or raised is
the rule the grader applies, and the other way round (issue 14).

Decided rules, one test each:
- a NumPy integer where an int is asked is accepted; a float is not;
- float64 arrays are required where a statement says float64 (dtype compared exactly): float32 fails;
- only an exception's type is graded, not its message;
- Python loops over pixels pass in the NumPy exercises (only conv2d_forward_torch has a speed case);
- the speed case is announced, with its points and its threshold, in the statement and the docstring;
- cases that expect an exception carry at most 10% of the points and count only beside a value: said everywhere;
- learn_filter grades convergence: optimisers that converge pass for every student, one that has not converged
  fails a visible case and is told that gradient descent did not converge.
"""
from __future__ import annotations

import ast
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from autograder import codec
from autograder.cases import case_maxima, expand_exercise
from autograder.compare import compare
from autograder.diagnose import diagnose_exercise
from autograder.reference import ReferenceSolutions, expected_for
from autograder.results import Status
from autograder.sandbox import Outcome, OutcomeKind
from autograder.statements import Placeholders
from autograder.verdict import Loading, judge

from support import REPO

INTEGER_EXERCISES = ("dense_param_count", "output_size", "same_padding", "conv_param_count")
FLOAT64_EXERCISES = ("conv2d_single", "edge_kernels", "conv2d", "conv_volume", "conv_layer_forward")
NUMPY_MODULES = ("filters", "conv_numpy")


def plain(value):
    """A value as the grader holds a student's answer: encoded and decoded (tensors become TensorData)."""
    return codec.decode(codec.encode(value))


@pytest.fixture(scope="module")
def solutions(assignment):
    return ReferenceSolutions(assignment.solutions, assignment.id)


def _cases(course, assignment, exercise_id, student=None, visible_only=False):
    exercise = assignment.exercise(exercise_id)
    return exercise, [c for c in expand_exercise(course.seed, assignment.id, exercise, student, visible_only)
                      if c.device != "cuda" and c.speed is None]


def _value_cases(course, assignment, solutions, exercise_id, **options):
    exercise, cases = _cases(course, assignment, exercise_id, **options)
    for case in cases:
        expected = expected_for(case, exercise.module, solutions)
        if expected.raises is None:
            yield exercise, case, expected


@pytest.mark.parametrize("exercise_id", INTEGER_EXERCISES)
def test_a_numpy_integer_is_accepted_where_an_int_is_asked_and_a_float_is_not(course, assignment, solutions,
                                                                             exercise_id):
    """Does np.int64 pass and a float fail on every value case, as the statement says?"""
    statement = assignment.exercise(exercise_id).statement
    assert "a NumPy integer is accepted too" in " ".join(statement.split())
    checked = 0
    for exercise, case, expected in _value_cases(course, assignment, solutions, exercise_id):
        assert compare(np.int64(expected.value), expected.value, exercise.compare) is None, case.key
        mismatch = compare(float(expected.value), expected.value, exercise.compare)
        assert mismatch is not None and mismatch.kind == "type", case.key
        checked += 1
    assert checked


@pytest.mark.parametrize("exercise_id", FLOAT64_EXERCISES)
def test_float32_fails_where_float64_is_asked(course, assignment, solutions, exercise_id):
    """Does a float32 result of the right values fail every value case with a dtype message, as the statement's
    "float64 ... checked exactly" says?"""
    statement = " ".join(assignment.exercise(exercise_id).statement.split())
    assert "float64" in statement and "checked exactly" in statement
    for exercise, case, expected in _value_cases(course, assignment, solutions, exercise_id):
        value = expected.value
        single = ({k: v.astype(np.float32) for k, v in value.items()} if isinstance(value, dict)
                  else value.astype(np.float32))
        mismatch = compare(single, value, exercise.compare)
        assert mismatch is not None and mismatch.kind == "dtype", case.key


def test_only_the_exception_type_is_graded(course, assignment, solutions):
    """Does ValueError("bad") pass every case that expects a ValueError, as the intro says ("only the exception's
    type is graded"), and does no statement promise what the message says?"""
    intro = " ".join(assignment.intro.split())
    assert "Only the exception's type is graded, not its message" in intro
    for exercise in assignment.exercises:
        assert not re.search(r"message (names|says|mentions)|say both in the message", exercise.statement)
        _, cases = _cases(course, assignment, exercise.id)
        for case in cases:
            expected = expected_for(case, exercise.module, solutions)
            if expected.raises is None:
                continue
            bad = Outcome(OutcomeKind.RAISED, error_type="ValueError", message="bad",
                          error_mro=("ValueError", "Exception", "BaseException", "object"))
            verdict = judge(case, expected, bad, Loading(None, ""), exercise.compare, 4096)
            assert verdict.status is Status.PASSED, case.key


def _loop_conv2d(image, kernel, padding=0, stride=1):
    """conv2d with two Python loops over the output pixels: what a student may write."""
    image = np.pad(np.asarray(image, dtype=np.float64), padding)
    kernel = np.asarray(kernel, dtype=np.float64)
    fh, fw = kernel.shape
    if stride < 1 or padding < 0 or fh > image.shape[0] or fw > image.shape[1]:
        raise ValueError("the kernel does not fit")
    out = np.zeros(((image.shape[0] - fh) // stride + 1, (image.shape[1] - fw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i * stride:i * stride + fh, j * stride:j * stride + fw] * kernel)
    return out


def test_python_loops_pass_the_numpy_exercises(course, assignment, solutions):
    """Does a loop over pixels pass every conv2d case, is there no speed case in the NumPy modules, and does no
    statement or stub there say "no Python loops"?"""
    for exercise, case, expected in _value_cases(course, assignment, solutions, "conv2d"):
        assert compare(_loop_conv2d(**case.args), expected.value, exercise.compare) is None, case.key
    for exercise in assignment.exercises:
        if exercise.module in NUMPY_MODULES:
            assert all(c.speed is None for c in exercise.cases), exercise.id
            assert "no Python loops" not in exercise.statement and "avoid Python loops" not in exercise.statement
    for module in NUMPY_MODULES:
        stub = (REPO / "assignments" / assignment.id / f"{module}.py").read_text()
        assert "no Python loops" not in stub and "loops over pixels" in stub.replace("\n", " ")


def test_the_speed_case_is_announced_with_its_points_and_threshold(course, assignment, solutions):
    """Does every exercise with a speed case say, in its statement and in its docstring as students get them
    (placeholders rendered from the spec: autograder.statements), how many points the case is worth, within how
    many times the baseline's time it must run, and on which input shape?"""
    placeholders = Placeholders(course, assignment)
    announced = 0
    for exercise in assignment.exercises:
        cases = expand_exercise(course.seed, assignment.id, exercise)
        maxima = case_maxima(exercise.points, cases)
        stub = (REPO / "assignments" / assignment.id / f"{exercise.module}.py").read_text()
        for case, share in zip(cases, maxima):
            if case.speed is None:
                continue
            docstring = ast.get_docstring(next(node for node in ast.parse(stub).body
                                               if getattr(node, "name", None) == exercise.id))
            shape = str(tuple(case.args[case.speed.args[0]].shape))
            for text in (" ".join(placeholders.render_statement(exercise).split()), " ".join(docstring.split())):
                assert shape in text, exercise.id
                assert f"{share:g} of the" in text and f"{exercise.points:g} points" in text, exercise.id
                assert f"{case.speed.max_ratio:g}x" in text and "speed" in text.lower(), exercise.id
                assert case.name not in text, exercise.id  # a hidden case's name stays out of the student kit
            assert "also passes, but is slow" not in exercise.statement
            announced += 1
    assert announced == 1


def test_the_exception_rule_is_said_where_students_read(assignment):
    """Do the intro and every stub module say that exception cases carry at most 10% and count only beside a
    value?"""
    assert "at most 10%" in " ".join(assignment.intro.split())
    for module in assignment.modules:
        stub = " ".join((REPO / "assignments" / assignment.id / f"{module}.py").read_text().split())
        assert "at most 10% of an exercise's points" in stub, module


def test_the_blur_typo_is_explained_in_the_stub(assignment):
    """Is the slides' 0.0125 typo explained where students read: the filters.py stub?"""
    stub = (REPO / "assignments" / assignment.id / "filters.py").read_text()
    assert "0.0125" in stub and "0.0625" in stub


# ---- learn_filter: convergence is what is graded ------------------------------------------------------------

def learn(inputs, targets, optimiser: str, lr: float, steps: int = 500):
    """learn_filter as a student may write it, with another optimiser or learning rate."""
    inputs = torch.as_tensor(inputs)
    k = inputs.shape[1] - targets.shape[1] + 1
    x, t = inputs.unsqueeze(1), torch.as_tensor(targets).to(inputs.dtype).unsqueeze(1)
    w = torch.zeros(1, 1, k, k, dtype=inputs.dtype, requires_grad=True)
    make = {"momentum": lambda: torch.optim.SGD([w], lr=lr, momentum=0.9), "sgd": lambda: torch.optim.SGD([w], lr=lr),
            "adam": lambda: torch.optim.Adam([w], lr=lr), "rmsprop": lambda: torch.optim.RMSprop([w], lr=lr)}
    optimiser = make[optimiser]()
    for _ in range(steps):
        optimiser.zero_grad()
        torch.mean((F.conv2d(x, w) - t) ** 2).backward()
        optimiser.step()
    return w.detach()[0, 0]


STUDENTS = [f"student-{n}" for n in range(6)]
CONVERGING = [("momentum", 0.1, 500), ("sgd", 0.1, 500), ("adam", 0.1, 500)]
NOT_CONVERGED = [("momentum", 0.1, 50), ("sgd", 0.01, 500), ("adam", 0.05, 500), ("adam", 0.01, 500),
                 ("rmsprop", 0.01, 500)]
"""Each of these ends more than 1e-2 from the filter on a visible case: 50 steps are too few, plain SGD with lr 0.01
crawls, and Adam or RMSprop with a small lr cannot travel to the Scharr kernel's weights of 10 in 500 steps (on
smaller hidden filters some of them get there for one student and not for another: hence the visible cases)."""


def _learn_cases(course, assignment, solutions, student=None, visible_only=False):
    return [(case, expected) for _, case, expected in
            _value_cases(course, assignment, solutions, "learn_filter", student=student, visible_only=visible_only)]


def _passes(exercise, case, expected, variant) -> bool:
    got = plain(learn(case.args["inputs"], case.args["targets"], *variant))
    return compare(got, expected.value, exercise.compare) is None


@pytest.mark.parametrize("variant", CONVERGING, ids=[f"{o}-{lr}-{n}" for o, lr, n in CONVERGING])
def test_an_optimiser_that_converges_passes_for_every_student(course, assignment, solutions, variant):
    """Does SGD with or without momentum, or Adam, pass every learning case of every student id?"""
    exercise = assignment.exercise("learn_filter")
    visible = _learn_cases(course, assignment, solutions, visible_only=True)
    hidden = [pair for s in STUDENTS for pair in _learn_cases(course, assignment, solutions, s) if not pair[0].visible]
    failing = [case.key for case, expected in visible + hidden if not _passes(exercise, case, expected, variant)]
    assert failing == []


@pytest.mark.parametrize("variant", NOT_CONVERGED, ids=[f"{o}-{lr}-{n}" for o, lr, n in NOT_CONVERGED])
def test_an_optimiser_that_has_not_converged_fails_a_visible_case_and_is_told(course, assignment, solutions,
                                                                             variant):
    """Does an optimiser stopped far from the minimum fail at least one visible case (so `check` shows it
    whatever the student id), with the note that gradient descent did not converge?"""
    exercise = assignment.exercise("learn_filter")
    visible = _learn_cases(course, assignment, solutions, visible_only=True)
    outcomes = {case.key: Outcome(OutcomeKind.RETURNED, value=plain(learn(case.args["inputs"],
                                                                          case.args["targets"], *variant)))
                for case, _ in visible}
    expected = {case.key: e for case, e in visible}
    verdicts = {case.key: judge(case, expected[case.key], outcomes[case.key], Loading(None, ""), exercise.compare,
                                4096) for case, _ in visible}
    assert any(v.status is Status.FAILED for v in verdicts.values())
    found = diagnose_exercise(exercise, [c for c, _ in visible], outcomes, expected, verdicts,
                              lambda function, args: (None, None))
    assert len(found) == 1 and "gradient descent did not converge" in found[0].text
