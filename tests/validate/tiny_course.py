"""A tiny course of the validate tests' own (not the real one): one assignment, two exercises, a known mistake,
a per-student random case, a forbidden name and a speed case, numpy only. `write_tiny_course(root, **edits)` writes
it with one authoring mistake or another, each a replacement of a fragment of the base text."""
from __future__ import annotations

from pathlib import Path

from autograder.statements import Placeholders
from autograder.spec import load_course
from autograder.stubs import stub_files

COURSE = """\
code: TINY
title: Tiny course
term: "2026"
seed: 7
assignments: [windows]
sandbox: {warm_pool: false}
"""

ASSIGNMENT = """\
id: windows
title: Windows
exercises:
  - id: window_count
    module: geometry
    title: Positions of a window
    points: 4
    statement: |
      Return how many positions a window of `f` cells has in a row of `n` cells, `n - f + 1`. Raise
      `ValueError` when `f < 1` or `f > n`. Example: `window_count(5, 2) == 4`.
    forbidden: [numpy.convolve]
    mistakes:
      - id: plus_one_missing
        function: window_count_no_plus_one
        message: "the + 1 is missing: the first position counts too."
    cases:
      - name: small
        visible: true
        args: {n: 5, f: 2}
        expect: 4
      - name: too_large
        visible: true
        args: {n: 2, f: 3}
        raises: ValueError
        weight: 0.1
      - name: equal_sizes
        args: {n: 4, f: 4}
        expect: 1
      - name: random_fit
        count: 3
        params:
          f: {int: [1, 6]}
          n: {int: [$f, 12]}
        args: {n: $n, f: $f}
  - id: running_sum
    module: geometry
    title: Running sum
    points: 2
    statement: |
      Return the running sum of the 1-D array `x` as a new float64 array (no `numpy.cumsum`). A hidden speed
      case ({{ speed.points }} of the {{ points }} points) times it on an array of shape {{ speed.args.x.shape }}:
      it passes within {{ speed.max_ratio }}x the time of `{{ speed.baseline }}`.
    forbidden: [numpy.cumsum]
    cases:
      - name: three
        visible: true
        args: {x: {array: [1, 2, 3]}}
      - name: random_values
        count: 2
        params:
          n: {int: [1, 20]}
        args: {x: {normal: [$n]}}
      - name: long_vector
        visible: true
        points: 0.5
        args: {x: {normal: [200000]}}
        speed: {baseline: numpy.add.accumulate, args: [x], max_ratio: 3, slow: running_sum_loop}
"""

GEOMETRY = '''\
"""The tiny course's exercises."""
import numpy as np


def window_count(n: int, f: int) -> int:
    """Positions of a window of f cells in a row of n cells."""
    ### BEGIN SOLUTION
    if f < 1 or f > n:
        raise ValueError("the window does not fit")
    return n - f + 1
    ### END SOLUTION


def running_sum(x):
    """The running sum of x, float64 ({{ speed.max_ratio }}x the baseline's time at most)."""
    ### BEGIN SOLUTION
    return np.add.accumulate(np.asarray(x, dtype=np.float64))
    ### END SOLUTION
'''

MISTAKES = '''\
"""Known mistakes and a slow implementation."""
import numpy as np


def window_count_no_plus_one(n, f):
    if f < 1 or f > n:
        raise ValueError("the window does not fit")
    return n - f


def window_count_zero_when_equal(n, f):
    if f < 1 or f > n:
        raise ValueError("the window does not fit")
    return 0 if n == f else n - f + 1


def window_count_right(n, f):
    if f < 1 or f > n:
        raise ValueError("the window does not fit")
    return n - f + 1


def running_sum_loop(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    total = 0.0
    for i in range(len(x)):
        total += x[i]
        out[i] = total
    return out
'''


def write_tiny_course(root: Path, *edits: tuple[str, str], stubs: bool = True) -> Path:
    """The tiny course in `root`, with each (old, new) of `edits` replaced once in assignment.yaml; the stubs are
    generated from the solutions as `autograder release` writes them."""
    text = ASSIGNMENT
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    (root / "assignments" / "windows").mkdir(parents=True)
    (root / "solutions" / "windows").mkdir(parents=True)
    (root / "course.yaml").write_text(COURSE)
    (root / "assignments" / "windows" / "assignment.yaml").write_text(text)
    (root / "solutions" / "windows" / "geometry.py").write_text(GEOMETRY)
    (root / "solutions" / "windows" / "mistakes.py").write_text(MISTAKES)
    if stubs:
        course = load_course(root)
        assignment = course.assignment()
        for module, stub in stub_files(assignment.solutions, assignment.modules,
                                       Placeholders(course, assignment).render_module).items():
            (assignment.directory / f"{module}.py").write_text(stub)
    return root
