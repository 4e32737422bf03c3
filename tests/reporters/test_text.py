"""Terminal feedback and the score table."""
from __future__ import annotations

from autograder.reporters import text
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status


def test_feedback_lists_failures_with_details_and_the_total():
    """Does the feedback show each exercise's count, every failing case with its details, and the total?"""
    cases = (CaseResult("conv2d", "lecture", True, Status.FAILED, 0.0, 2.0, "shape (3, 4) differs",
                        details="Called conv2d(...)"),
             CaseResult("conv2d", "ok", True, Status.PASSED, 2.0, 2.0, "passed"))
    run = GradingRun("a1", "s9", "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 4.0, cases),))
    out = text.feedback(run)
    assert "conv2d" in out and "1/2" in out and "FAIL   lecture: shape (3, 4) differs" in out
    assert "Called conv2d(...)" in out and "2.00 / 4" in out and "student s9" in out
    assert "ok:" not in out  # passing cases only with verbose
    assert "ok: passed" in text.feedback(run, verbose=True)


def _run(name: str, score: float, exercises: int = 1) -> GradingRun:
    results = []
    for index in range(exercises):
        case = CaseResult(f"f{index}", "c", True, Status.PASSED if score else Status.FAILED, score, 5.0, "")
        results.append(ExerciseResult(f"f{index}", "m", "F", 5.0, (case,)))
    return GradingRun("a1", None, name, tuple(results))


def test_score_table_has_a_row_per_submission_for_a_class():
    """With more submissions than exercises, does each submission get a row with its scores and total?"""
    lines = text.score_table([_run("alice", 5.0), _run("bob", 0.0)]).splitlines()
    assert lines[0].split() == ["submission", "f0", "total"]
    assert lines[2].split() == ["alice", "5", "5"] and lines[3].split() == ["bob", "0", "0"]
    assert lines[4].split() == ["(max)", "5", "5"]


def test_score_table_has_a_row_per_exercise_for_a_few_submissions():
    """With fewer submissions than exercises, are the exercises the rows (a narrow table)?"""
    lines = text.score_table([_run("ref", 5.0, 3), _run("stub", 0.0, 3)], ["reference", "stubs"]).splitlines()
    assert lines[0].split() == ["exercise", "reference", "stubs", "max"]
    assert lines[2].split() == ["f0", "5", "0", "5"]
    assert lines[-1].split() == ["total", "15", "0", "15"]


def test_exercise_notes_are_shown_under_their_exercise():
    """Does an exercise-wide note (a diagnosed mistake) appear under its exercise, in the text and in Gradescope's
    summary?"""
    from autograder.reporters import gradescope

    case = CaseResult("conv2d", "lecture", True, Status.FAILED, 0.0, 2.0, "values are wrong")
    note = "This looks like the known mistake 'flipped_kernel': the kernel was flipped"
    run = GradingRun("a1", None, "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 2.0, (case,), (note,)),))
    lines = text.feedback(run).splitlines()
    assert lines[lines.index(next(l for l in lines if l.strip().startswith("conv2d"))) + 1].strip() == note
    assert f"    {note}" in gradescope.to_results(run)["output"].splitlines()


def test_scores_are_rounded_to_two_decimals():
    """Are scores printed with at most 2 decimals in the feedback and the score table?"""
    case = CaseResult("f0", "c", True, Status.PASSED, 2.98765, 2.98765, "passed")
    run = GradingRun("a1", None, "sub", (ExerciseResult("f0", "m", "F", 2.98765, (case,)),))
    assert "2.99 / 2.99" in text.feedback(run)
    assert "2.98765" not in text.score_table([run]) and "2.99" in text.score_table([run])


def test_cuda_copies_are_one_skipped_line_and_the_exercise_is_ok():
    """On a machine without CUDA, are the @cuda copies one 'skipped (no GPU)' line, and is an exercise whose CPU
    cases all pass marked ok, its count over the CPU cases?"""
    skipped = "skipped (no GPU): the grading machine has no GPU; scored as the same case on the CPU, which passed"
    cases = (CaseResult("conv", "a", True, Status.PASSED, 1.0, 1.0, "passed"),
             CaseResult("conv", "a@cuda", True, Status.SKIPPED, 1.0, 1.0, skipped))
    out = text.feedback(GradingRun("a1", None, "sub", (ExerciseResult("conv", "m", "C", 2.0, cases),)))
    line = next(line for line in out.splitlines() if "conv " in line)
    assert line.startswith("ok ") and "1/1" in line
    assert out.count("skipped (no GPU)") == 1 and "skipped: skipped" not in out


def test_an_import_error_is_said_once_per_module():
    """Is a module that does not import shown once in full, and the module's other exercises point to it?"""
    def exercise(name):
        cases = tuple(CaseResult(name, f"c{i}", True, Status.UNGRADABLE, 0.0, 1.0, "filters.py, line 2: SyntaxError",
                                 details="    def f(:\n         ^") for i in range(3))
        return ExerciseResult(name, "filters", name, 3.0, cases)
    out = text.feedback(GradingRun("a1", None, "sub", (exercise("one"), exercise("two"))))
    assert out.count("SyntaxError") == 1 and out.count("^") == 1
    assert "filters.py could not be imported (above)" in out


def test_terminal_controls_in_what_the_student_printed_are_shown_not_run():
    """A student's output and exception text reach the feedback (visible cases show everything): are ESC
    sequences (clear the screen, move up, OSC 52 writes the clipboard), a carriage return and a bidirectional
    override written as visible escapes, so that a TA's terminal or a CI log shows no other score than the
    grade, while newlines and tabs stay?"""
    forged = "\x1b[2J\x1b[1A\x1b]52;c;ZXZpbA==\x07\rtotal 100 / 100\u202e"
    cases = (CaseResult("conv2d", "lecture", True, Status.ERROR, 0.0, 2.0, f"raised ValueError: {forged}",
                        details=f"Your code printed:\n\t{forged}"),)
    run = GradingRun("a1", "s9", "sub", (ExerciseResult("conv2d", "conv_numpy", "Conv", 4.0, cases),))
    out = text.feedback(run)
    assert not any(ch in out for ch in "\x1b\r\x07\u202e")
    assert "\\x1b[2J\\x1b[1A\\x1b]52;c;ZXZpbA==\\x07\\x0dtotal 100 / 100\\u202e" in out
    assert "\n             \t\\x1b[2J" in out
