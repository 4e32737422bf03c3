"""nbgrader support: an nbgrader course folder built from the course's YAML and reference solutions.

Instructor side (the host, trusted): `source` splits a solution module into cells, `payload` packs each
exercise's cases with their expected values, `testcode` writes an autograded test cell, `cells` gives
cells their nbgrader metadata, `config` writes `nbgrader_config.py`, and `build` wires them together.

Kernel side (nbgrader's kernel, running the student's notebook): `checks` runs the cases of one test cell on
the student's function and evaluates to the partial score; `capture` keeps the student's output off stderr.
See docs/nbgrader.md.
"""
