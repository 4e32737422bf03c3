"""A hang says where: at a time limit the host asks the worker for its stack (faulthandler on SIGUSR2) and names
the student's file, line and function; the cases left say which case used the time up."""
from __future__ import annotations

import faulthandler
import io
import tempfile

import yaml

from autograder.sandbox.stack import MAX_TEXT, Where, student_frame

DUMP = '''Current thread 0x00007f1c2b3c4740 (most recent call first):
  File "/tmp/autograder-x/work/shapes.py", line 63 in output_size
  File "/tmp/autograder-x/work/shapes.py", line 170 in cnn_output_shapes
  File "/opt/autograder/sandbox/worker.py", line 300 in _call
  File "<string>", line 1 in <module>

Thread 0x00007f1c2a000000 (most recent call first):
  File "/tmp/autograder-x/work/filters.py", line 9 in helper
'''


def test_the_most_recent_frame_of_the_students_modules_is_named():
    """Is the innermost frame in a student module taken (not the worker's), as a file name only?"""
    assert student_frame(DUMP, {"shapes.py", "filters.py"}) == Where("shapes.py", 63, "output_size")
    assert str(Where("shapes.py", 63, "output_size")) == "shapes.py:63 in output_size"
    assert student_frame(DUMP, {"filters.py"}) is None  # only the thread that ran the call
    assert student_frame("", {"shapes.py"}) is None


def test_a_hostile_dump_gives_nothing_or_a_bounded_frame():
    """Text the student's process wrote instead of a dump: bounded, odd names refused, never a path."""
    long = '  File "shapes.py", line 1 in ' + "f" * 5000
    assert student_frame(long, {"shapes.py"}) is None
    fake = 'Current thread 1:\n  File "x/../shapes.py", line 99999999 in f\n  File "shapes.py", line 2 in f(); rm\n'
    assert student_frame(fake, {"shapes.py"}) is None
    late = "x" * MAX_TEXT + '\n  File "shapes.py", line 3 in f\n'
    assert student_frame(late, {"shapes.py"}) is None


def test_faulthandlers_own_format_is_read():
    """Does a real faulthandler dump of this very function parse?"""
    with tempfile.TemporaryFile() as file:
        faulthandler.dump_traceback(file, all_threads=False)
        file.seek(0)
        dump = io.TextIOWrapper(file).read()
    where = student_frame(dump, {"test_stack.py"})
    assert where is not None and where.function == "test_faulthandlers_own_format_is_read"


def test_a_function_that_hangs_says_file_line_and_function(tmp_path):
    """`while i < n:` without an increment in output_size: does its timeout name shapes.py, the loop's line and
    the function, and do the cases left after the exercise's time say which case used it up?"""
    from autograder.pipeline import grade
    from autograder.results import Status
    from autograder.spec import load_course

    from support import ASSIGNMENT, make_variant, write_small_course

    (tmp_path / "course").mkdir()
    root = write_small_course(tmp_path / "course", {"case_seconds": 1, "exercise_seconds": 2})
    path = root / "assignments" / ASSIGNMENT / "assignment.yaml"
    spec = yaml.safe_load(path.read_text())
    spec["exercises"] = [e for e in spec["exercises"] if e["id"] == "output_size"]  # quick: one exercise
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    course = load_course(root)
    assignment = course.assignment(ASSIGNMENT)
    old = "    return int((n + 2 * padding - f) // stride + 1)"
    submission = make_variant(tmp_path / "sub", "shapes", old, "    i = 0\n    while i < n:\n        n = n + 0\n"
                                                                   "    return i")
    lines = (submission / "shapes.py").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("def output_size("))
    run = grade(course, assignment, submission)
    cases = next(e for e in run.exercises if e.id == "output_size").cases
    timed = [c for c in cases if c.status is Status.TIMEOUT]
    # the function and the line of its def, the same every run (the line the loop is on when asked is not)
    where = f"it was still running output_size (shapes.py, defined at line {line})"
    assert any(where in c.message for c in timed), [(c.case, c.status, c.message) for c in cases][:3]
    hung = {c.case for c in timed if "it was still running" in c.message}
    left = [c for c in timed if "not run: case " in c.message]
    assert left and all(c.message.split("not run: case ")[1].split()[0] in hung for c in left), left
    assert all(f"did not finish (still running output_size, shapes.py line {line})" in c.message
               for c in left if c.visible), left
    # Where it hung is the code's choice (its function's name, its line): a hidden case never shows it, staff do
    hidden = [c for c in timed if not c.visible]
    assert hidden and all("running" not in c.message and "shapes.py" not in c.message + c.details for c in hidden)
    assert any("still running output_size" in c.staff for c in hidden), [c.staff for c in hidden]
