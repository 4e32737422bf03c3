"""Does `validate` refuse each authoring mistake that would later cost students points or break grading, naming
what and where (issue 18)? Each test writes the tiny course of tiny_course.py with one mistake."""
from __future__ import annotations

import pytest

from autograder.spec import load_course
from autograder.validate import Options, check_assignment

from tiny_course import write_tiny_course

FEW = Options(students=40)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test keeps the students proof's verdicts in a folder of its own (autograder.validate.cache)."""
    monkeypatch.setenv("AUTOGRADER_CACHE", str(tmp_path / "cache"))


def problems(root, options: Options = FEW) -> list[str]:
    course = load_course(root)
    return [str(p) for a in course.assignments for p in check_assignment(course, a, options).problems]


def test_the_tiny_course_is_valid(tmp_path):
    """Is the base course free of problems, so that each problem below comes from its one mistake?"""
    assert problems(write_tiny_course(tmp_path)) == []


def test_an_unconstrained_random_range_is_refused(tmp_path):
    """A random `n` not tied to `f`: does validate name the case, the drawn params and a student id whose draw the
    reference rejects?"""
    root = write_tiny_course(tmp_path, ("n: {int: [$f, 12]}", "n: {int: [1, 12]}"))
    found = [p for p in problems(root) if "random_fit" in p]
    assert len(found) == 1, found
    assert found[0].startswith("assignments/windows/assignment.yaml:")
    assert "windows/window_count/random_fit[" in found[0] and "student 'student-" in found[0]
    assert "params f=" in found[0] and "the reference raises ValueError" in found[0]


def test_a_misspelt_forbidden_name_is_refused(tmp_path):
    """`numpy.convolv` forbids nothing: is it named, with its index in `forbidden`?"""
    root = write_tiny_course(tmp_path, ("forbidden: [numpy.convolve]", "forbidden: [numpy.convolv]"))
    found = problems(root)
    assert len(found) == 1 and "windows/window_count.forbidden[0]: 'numpy.convolv' does not exist" in found[0], found


def test_a_misspelt_speed_baseline_is_refused(tmp_path):
    """A baseline that does not exist would fail every grading's speed case: is it named, with the case's line?"""
    root = write_tiny_course(tmp_path, ("baseline: numpy.add.accumulate", "baseline: numpy.add.acumulate"))
    found = problems(root)
    assert len(found) == 1, found
    assert "windows/running_sum/long_vector.speed.baseline: 'numpy.add.acumulate' does not exist" in found[0]
    assert found[0].startswith("assignments/windows/assignment.yaml:")


def test_a_mistake_no_visible_case_catches_is_refused(tmp_path):
    """A mistake only a hidden case tells apart: `check` would never name it. Is it refused, naming the case?"""
    root = write_tiny_course(tmp_path, ("function: window_count_no_plus_one", "function: window_count_zero_when_equal"))
    found = problems(root)
    assert len(found) == 1, found
    assert "windows/window_count.mistakes.plus_one_missing: no visible case tells window_count_zero_when_equal " \
           "apart from the reference (only the hidden equal_sizes" in found[0]


def test_a_mistake_identical_to_the_reference_is_refused(tmp_path):
    """A 'mistake' that is the reference: is it refused as no mistake?"""
    root = write_tiny_course(tmp_path, ("function: window_count_no_plus_one", "function: window_count_right"))
    found = problems(root)
    assert len(found) == 1 and "window_count_right gives the reference's result on every case" in found[0], found


def test_a_hidden_case_name_in_a_statement_is_refused(tmp_path):
    """A statement naming the hidden case `equal_sizes`: is it found in the kit, the Classroom template and the
    nbgrader notebooks, and traced back to the statement?"""
    root = write_tiny_course(tmp_path, ("Example: `window_count(5, 2) == 4`.",
                                        "Example: `window_count(5, 2) == 4` (see equal_sizes)."))
    found = problems(root)
    assert len(found) == 1, found
    assert "windows/window_count/equal_sizes: the hidden case's name is in what students receive" in found[0]
    for route in ("student kit: README.md", "GitHub Classroom template: README.md",
                  "nbgrader: source/windows/geometry.ipynb"):
        assert route in found[0], route
    assert "the statement of window_count" in found[0]


def test_a_hidden_case_quoted_as_a_call_is_refused(tmp_path):
    """A statement quoting the hidden case's very call gives its expected value away: is that found?"""
    root = write_tiny_course(tmp_path, ("Example: `window_count(5, 2) == 4`.", "Example: `window_count(4, 4) == 1`."))
    found = problems(root)
    assert len(found) == 1 and "quotes the hidden case's call" in found[0] and "equal_sizes" in found[0], found


def test_an_unknown_placeholder_is_refused(tmp_path):
    """`{{ speed.max_ratios }}` names nothing: is it refused at the statement's line, and the docstring's too?"""
    root = write_tiny_course(tmp_path, ("within {{ speed.max_ratio }}x", "within {{ speed.max_ratios }}x"),
                             stubs=False)
    found = [p for p in problems(root) if "placeholder" in p or "max_ratios" in p]
    assert any("windows/running_sum.statement: {{ speed.max_ratios }}" in p for p in found), found


def test_kept_verdicts_give_the_same_problems_and_a_changed_solution_misses_them(tmp_path, monkeypatch):
    """The students proof keeps the reference's verdicts: does a second run give the same problems without calling
    the reference, and does an edit of the solutions run it again?"""
    from autograder.reference import ReferenceSolutions

    root = write_tiny_course(tmp_path / "course", ("n: {int: [$f, 12]}", "n: {int: [1, 12]}"))
    first = [p for p in problems(root) if "random_fit" in p]
    calls = []
    real_call = ReferenceSolutions.call
    monkeypatch.setattr(ReferenceSolutions, "call", lambda self, *a: calls.append(a) or real_call(self, *a))
    course = load_course(root)
    from autograder.validate.students import students
    from autograder.validate.model import Context

    assert [str(p) for p in students(Context(course, course.assignment(), FEW))] == first
    assert calls == []
    geometry = root / "solutions" / "windows" / "geometry.py"
    geometry.write_text(geometry.read_text().replace("if f < 1 or f > n:", "if f < 1:"))
    assert list(students(Context(load_course(root), course.assignment(), FEW))) == [] and calls


def test_the_real_course_is_proved(course, validated):
    """Does every assignment of course.yaml pass every proof (20 students sampled here; `validate` draws 200)?
    `validated` is `autograder validate` on the real course, run once for this test and tests/test_cli.py."""
    status, out = validated
    lines = out.splitlines()
    assert [line for line in lines if line.startswith("problem:")] == [] and status == 0, out
    for assignment in course.assignments:
        summary = [line for line in lines if line.startswith(f"{assignment.id}: {len(assignment.exercises)} exercises")]
        passed = ("the reference passes every case", "the reference passes every case and answers every question")
        assert len(summary) == 1 and summary[0].endswith(passed), out
