"""Auto-graded exercises for INF721 Deep Learning, L10 "Convolutional Neural Networks".

The grading pipeline: spec → cases → sandboxed run → compare → verdict → score → reports
(see README.md, "How grading works"). The console command is `autograder` (autograder.cli).
"""
__version__ = "0.1.0"
