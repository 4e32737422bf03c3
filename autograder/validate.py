"""`autograder validate`: the reference solutions against every case of their own spec, and the questions.

For each concrete case the reference must behave as the spec says: raise the named exception where
`raises` is given, return normally otherwise, and return a value equal (under the exercise's comparison)
to `expect` where one is given. Every question must have an answer for 200 sample students, and the
reference's answers.yaml (solutions/<id>/answers.yaml, the default variant) must hold the right answers for the
course seed. Pure apart from importing the trusted reference modules and reading that file.
"""
from __future__ import annotations

from dataclasses import dataclass

from autograder import codec
from autograder.cases import NO_EXPECT, expand_exercise
from autograder.compare import compare
from autograder.questions.draw import check_questions
from autograder.questions.key import stale_reference_answers
from autograder.reference import ReferenceError_, ReferenceSolutions, expected_for
from autograder.rules import rule_problems
from autograder.scoring import EXCEPTION_SHARE, exception_share
from autograder.spec import AssignmentSpec, CourseSpec
from autograder.spec.nodes import display


@dataclass(frozen=True)
class Problem:
    where: str
    """'assignment/exercise/case' or a file."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Checked:
    assignment: str
    exercises: int
    cases: int
    problems: tuple[Problem, ...]


def check_assignment(course: CourseSpec, assignment: AssignmentSpec) -> Checked:
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    problems: list[Problem] = []
    count = 0
    for exercise in assignment.exercises:
        cases = expand_exercise(course.seed, assignment.id, exercise)
        count += len(cases)
        problems += _exception_share(assignment.id, exercise.id, cases)
        problems += [Problem(where, message) for where, message in rule_problems(assignment.id, exercise.id, cases)]
        for case in cases:
            where = f"{assignment.id}/{case.key}"
            try:
                expected = expected_for(case, exercise.module, reference)
            except ReferenceError_ as error:
                problems.append(Problem(where, str(error).splitlines()[0]))
                continue
            if case.raises:
                continue
            value, error = reference.call(exercise.module, exercise.id, case.args)  # a second, independent call
            if error is not None:
                problems.append(Problem(where, f"the reference raised {type(error).__name__}: {error}"))
            elif case.expect is not NO_EXPECT:
                mismatch = compare(value, expected.value, exercise.compare)
                if mismatch is not None:
                    problems.append(Problem(where, f"the reference does not reproduce `expect`: {mismatch.summary}"))
            elif codec.dumps(value) != codec.dumps(expected.value):
                problems.append(Problem(where, "the reference gives different results on the same case"))
    # Questions: the param ranges must give every student a variant with an answer (200 sample ids and the
    # default variant; the ids are arbitrary, drawing is deterministic).
    students: list[str | None] = [None, *(f"student-{n}" for n in range(200))]
    problems += [Problem(f"{assignment.id}/questions", p) for p in check_questions(course, assignment, students)]
    # The reference's answers.yaml answers the default variant: after a change of the seed or of a question it
    # is stale, and the reference graded as a submission loses those points.
    answers = display(assignment.solutions / "answers.yaml", course.root)
    problems += [Problem(answers, p) for p in stale_reference_answers(course, assignment)]
    return Checked(assignment.id, len(assignment.exercises), count, tuple(problems))


def _exception_share(assignment_id: str, exercise_id: str, cases: list) -> list[Problem]:
    """The format's rule: the cases expecting an exception weigh at most EXCEPTION_SHARE of the exercise, and
    some case returns a value (they score only once one passes; scoring.gated)."""
    raises = [case.raises is not None for case in cases]
    share = exception_share([case.weight for case in cases], raises)
    where = f"{assignment_id}/{exercise_id}"
    if any(raises) and all(raises):
        return [Problem(where, "every case expects an exception; add a case that returns a value (the cases "
                               "expecting an exception score only once one of those passes)")]
    if share > EXCEPTION_SHARE:
        return [Problem(where, f"the cases expecting an exception weigh {float(share):.1%} of the exercise's "
                               f"points, more than the {float(EXCEPTION_SHARE):.0%} allowed: lower their "
                               "`weight` or raise the others'")]
    return []
