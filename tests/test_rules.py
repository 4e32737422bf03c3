"""Every graded rule has a visible representative (autograder/rules.py), so that `check` foretells the grade."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch

from autograder.cases import Case, expand_assignment, expand_exercise
from autograder.cli import EXIT_FAILED, main
from autograder.pipeline import grade
from autograder.results import Status
from autograder.rules import rule_problems, rules_of, unrepresented
from autograder.spec import SpeedSpec, load_course

from support import ASSIGNMENT, REPO


def case(name, visible=False, raises=None, rule=None, device=None, speed=None, **args):
    return Case(exercise="conv", name=name, visible=visible, weight=1.0, args=args, raises=raises, rule=rule,
                device=device, speed=speed)


def test_a_case_tests_the_kinds_of_its_arguments_what_it_raises_its_rule_device_and_speed():
    """Are a case's rules read from the case: each argument's container and dtype (or type), the exception, the
    spec's `rule:`, the device and the speed rule?"""
    speed = SpeedSpec("torch.nn.functional.conv2d", ("x",), 10.0)
    found = rules_of(case("c", raises="ValueError", rule="f < 1", device="cuda", speed=speed,
                          x=torch.zeros(2, dtype=torch.float64), image=np.zeros(2, dtype=np.int64), shape=[1, 2],
                          bias=None, stride=2))
    assert found == {"argument x: float64 tensor", "argument image: int64 array", "argument shape: list",
                     "argument bias: None", "argument stride: int", "raises ValueError", "rule: f < 1",
                     "runs on device 'cuda'", "speed: within 10x of torch.nn.functional.conv2d"}


def test_a_rule_only_hidden_cases_test_is_named_with_its_cases():
    """Is a rule tested by hidden cases only (a float64 input, `f < 1`) reported once, with the hidden cases (a
    random family by its name), and is a rule any visible case tests not reported?"""
    cases = [case("shown", visible=True, x=np.zeros(2, dtype=np.float32)),
             case("even", visible=True, raises="ValueError", rule="f even", f=4),
             case("zero", raises="ValueError", rule="f < 1", f=0),
             case("again", raises="ValueError", rule="f even", f=2),
             case("random[0]", x=np.zeros(2, dtype=np.float64)),
             case("random[1]", x=np.zeros(2, dtype=np.float64))]
    assert unrepresented(cases) == {"argument x: float64 array": ("random",), "rule: f < 1": ("zero",)}
    problems = rule_problems("a1", "conv", cases)
    assert len(problems) == 2 and all(where == "a1/conv" for where, _ in problems)
    assert "the hidden case zero tests `rule: f < 1`, which no visible case tests" in problems[1][1]
    assert unrepresented([c if c.name != "zero" else case("zero", visible=True, raises="ValueError", rule="f < 1")
                          for c in cases if not c.name.startswith("random")]) == {}


def test_every_hidden_rule_of_the_course_has_a_visible_case():
    """Does every hidden case of every assignment test only rules that a visible case of its exercise tests too
    (what `validate` enforces), so that a submission `check` passes loses no point `check` could have shown?"""
    course = load_course(REPO)
    for assignment in course.assignments:
        for exercise in assignment.exercises:
            assert unrepresented(expand_exercise(course.seed, assignment.id, exercise)) == {}, exercise.id


def test_validate_names_a_rule_left_to_hidden_cases(tmp_path, capsys):
    """Does `validate` fail, naming the exercise and the rule, when a rule's only visible case is made hidden?"""
    root = tmp_path / "course"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "build", "tests",
                                                                "examples", "benchmarks", "docs"))
    spec = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    text = spec.read_text()
    shown = "      - name: negative_odd_filter\n        visible: true\n"
    assert text.count(shown) == 1
    spec.write_text(text.replace(shown, "      - name: negative_odd_filter\n"))
    from autograder.validate import check_assignment
    from autograder.validate.rules import rules

    course = load_course(root)  # the rules proof alone: the whole of `validate` on the course is tests/test_cli's
    problems = [str(p) for p in check_assignment(course, course.assignment(ASSIGNMENT), checks=(rules,)).problems]
    assert any(p.startswith(f"{ASSIGNMENT}/same_padding: the hidden cases zero_filter, negative_odd_filter test "
                            "`rule: f < 1`") for p in problems), problems


BROKEN = {  # module: [(old, new)], each exercise breaking one rule only
    "shapes": [
        ('    if n < 1:\n        raise ValueError(f"input size n must be at least 1, got n={n}")\n', ""),
        ('    if f < 1:\n        raise ValueError(f"filter size f must be at least 1, got f={f}")\n    if f % 2', "    if f % 2"),
        ("        if layer[\"n\"] < 1:\n", "        if False:\n"),
    ],
    "conv_numpy": [
        ("windows = np.lib.stride_tricks.sliding_window_view(padded, kernel.shape)[::stride, ::stride]",
         "windows = np.lib.stride_tricks.sliding_window_view(padded, (kernel.shape[0],) * 2)[::stride, ::stride]"),
    ],
    "conv_torch": [
        ("    columns = windows.permute(0, 1, 4, 5, 2, 3).reshape(n, channels * kh * kw, out_h * out_w)\n"
         "    out = weight.reshape(filters, -1) @ columns  # (F, C*kh*kw) @ (N, C*kh*kw, L) -> (N, F, L)\n"
         "    out = out.reshape(n, filters, out_h, out_w)\n",
         "    out = torch.zeros(n, filters, out_h, out_w, dtype=x.dtype, device=x.device)\n"
         "    flat = weight.reshape(filters, -1).T\n"
         "    for i in range(out_h):\n"
         "        for j in range(out_w):\n"
         "            out[:, :, i, j] = windows[:, :, i, j].reshape(n, -1) @ flat\n"),
        ("loss = torch.mean((conv2d_forward_torch(x, w) - t) ** 2)", "loss = torch.mean((F.conv2d(x, w) - t) ** 2)"),
        ("    return w.detach()[0, 0].clone()", "    return w.detach()[0, 0].clone().to(torch.float32)"),
    ],
}
RULES = {"output_size": "rule: n < 1", "same_padding": "rule: f < 1", "cnn_output_shapes": "rule: n < 1",
         "conv2d": "rule: a rectangular kernel", "conv2d_forward_torch": "speed: within 10x of "
         "torch.nn.functional.conv2d", "learn_filter": "argument inputs: float64 tensor"}
"""The rule each exercise of BROKEN breaks (a float32 filter for float64 inputs; a Python loop over pixels)."""


@pytest.mark.slow
def test_a_submission_breaking_one_rule_per_exercise_fails_check_and_loses_exactly_those_cases(tmp_path, capsys):
    """Does a submission that breaks one rule in each of six exercises (f < 1 and n < 1 accepted, a square-only
    conv2d, a pixel-loop conv2d_forward_torch, a float32 learn_filter for float64 inputs) fail `check` (exit 1) on
    a visible case of each rule, the speed case saying its ratio and the limit (or its time limit), and lose at
    grading only cases that test that rule?"""
    folder = tmp_path / ASSIGNMENT
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for module, changes in BROKEN.items():
        path = folder / f"{module}.py"
        source = path.read_text()
        for old, new in changes:
            assert source.count(old) == 1, (module, old)
            source = source.replace(old, new)
        path.write_text(source)
    course = load_course(REPO)
    assignment = course.assignment(ASSIGNMENT)
    cases = {c.key: c for c in expand_assignment(course, assignment)}
    breaking = {key for key, c in cases.items() if RULES.get(c.exercise) in rules_of(c)}

    assert main(["--course", str(REPO), "check", "--assignment", ASSIGNMENT, str(folder)]) == EXIT_FAILED
    out = capsys.readouterr().out
    # A pixel loop on the speed case's input: slower than 10x, or past the case's time limit before it is timed.
    assert ("Speed case conv2d_forward_torch: vectorised_speed: " in out and "(over the limit, 10x)" in out) or \
        "TIME   vectorised_speed: stopped: the time limit" in out, out

    run = grade(course, assignment, folder)
    failed = {f"{e.id}/{c.case}" for e in run.exercises for c in e.cases
              if e.id != "questions" and c.status not in (Status.PASSED, Status.SKIPPED)}
    # Only cases of the broken rules fail (not each of them: f = 0 is also even, and still raises), and in every
    # exercise a visible one, which `check` showed.
    assert failed <= {key for key in breaking if cases[key].device != "cuda"}
    for exercise in RULES:
        assert any(cases[key].visible for key in failed if cases[key].exercise == exercise), exercise
    assert sum(e.score for e in run.exercises if e.id not in RULES) == sum(
        e.points for e in run.exercises if e.id not in RULES)
