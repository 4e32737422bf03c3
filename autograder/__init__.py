"""An autograder for programming exercises described as data (a course's course.yaml and assignment.yaml).

The package knows no lecture: a course (here INF721's L10, in assignments/ and solutions/) is its input.
The grading pipeline: spec → cases → sandboxed run → compare → verdict → score → reports
(see README.md, "How grading works"). The console command is `autograder` (autograder.cli).
"""
__version__ = "0.1.0"
