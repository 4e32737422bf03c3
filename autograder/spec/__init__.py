"""The course and assignment specs: the one package that knows the YAML key names.

`load_course(root)` reads `course.yaml` and every `assignments/<id>/assignment.yaml`, validates them against the
format in docs/assignment-format.md and returns the frozen dataclasses of `model`. Every problem raises `SpecError`
naming the file, the line and the key.

    nodes       YAML as nodes with file, line and key path; the typed checks every section uses
    settings    limits, comparison and reporting: course defaults an exercise may override
    course      course.yaml
    assignment  assignment.yaml: exercises, cases, known mistakes
    values      args, params and expect: plain values, `$param` and generators
    solutions   the reference solutions' signatures, parsed, never imported
    questions   the hand-computation questions
    late        the deadline and late penalty (`late:` in course.yaml and assignment.yaml)
"""
from autograder.spec.assignment import DEVICES, RAISABLE, load_assignment
from autograder.spec.course import CUDA_UNAVAILABLE, ISOLATIONS, load_course
from autograder.spec.model import (GENERATORS, AnswerSpec, AssignmentSpec, CaseSpec, Comparison, Const, CourseSpec,
                                   Distinction, DtypeRule, ExerciseSpec, Expr, Generate, HiddenDetail, Limits, ListOf,
                                   Location, MapOf, MistakeSpec, QuestionSpec, Ref, Reporting, SpecError, SpeedSpec,
                                   StudentIdRule)
from autograder.spec.questions import ANSWER_TYPES
from autograder.spec.settings import HIDDEN_VISIBILITIES
from autograder.spec.solutions import MISTAKES_MODULE
from autograder.spec.values import DTYPES

__all__ = ["ANSWER_TYPES", "CUDA_UNAVAILABLE", "DEVICES", "DTYPES", "GENERATORS", "HIDDEN_VISIBILITIES", "ISOLATIONS",
           "MISTAKES_MODULE", "RAISABLE", "AnswerSpec", "AssignmentSpec", "CaseSpec", "Comparison", "Const",
           "CourseSpec", "Distinction", "DtypeRule", "ExerciseSpec", "Expr", "Generate", "HiddenDetail", "Limits",
           "ListOf", "Location", "MapOf", "MistakeSpec", "QuestionSpec", "Ref", "Reporting", "SpecError", "SpeedSpec",
           "StudentIdRule", "load_assignment", "load_course"]
