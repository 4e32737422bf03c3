"""The proof that per-student variants tell the listed mistakes apart (`distinguish:`), run by `autograder
validate`: for a sample of SAMPLE students (deterministic ids), the share for whom each listed mistake would give
the right answer, per question and per random case family (target 0, by construction: autograder.questions.pool,
autograder.families); a question whose param ranges leave too few candidate variants that tell every mistake apart,
or a family for which a mistake still passes, is refused at its `distinguish:` line.

Each sampled student's variant is judged again with a fresh ReferenceSolutions, apart from the Judge that drew it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import lru_cache

from autograder.cases import expand_exercise
from autograder.families import MAX_ATTEMPTS, passing_mistakes

from autograder.questions.draw import draw_all, judges
from autograder.questions.pool import CANDIDATES, MIN_ACCEPTED, judge_params
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.spec import AssignmentSpec, CourseSpec

SAMPLE = 1000
"""Students drawn for the proof."""


def sample_students(count: int = SAMPLE) -> tuple[str, ...]:
    """Deterministic, arbitrary ids: drawing depends on nothing else, so any fixed sample proves the same rule."""
    return tuple(f"sample-{n:04d}" for n in range(count))


@dataclass(frozen=True)
class Share:
    """How many of the sampled students a listed mistake would pass for."""

    where: str
    """The question id, or exercise/case of a random case family."""
    mistake: str
    passing: int
    students: int

    def __str__(self) -> str:
        return f"{self.where}: {self.mistake} passes for {self.passing} of {self.students} students " \
               f"({self.passing / self.students:.1%})"


@dataclass(frozen=True)
class Proof:
    shares: tuple[Share, ...]
    problems: tuple[tuple[str, str], ...]
    """(where, message): where is 'file:line' of the question's `distinguish:`."""


def prove(course: CourseSpec, assignment: AssignmentSpec, count: int = SAMPLE) -> Proof:
    return _prove(course, assignment, count)


@lru_cache(maxsize=8)
def _prove(course: CourseSpec, assignment: AssignmentSpec, count: int) -> Proof:
    questions = _prove_questions(course, assignment, count)
    families = _prove_families(course, assignment, count)
    return Proof(questions.shares + families.shares, questions.problems + families.problems)


def _prove_families(course: CourseSpec, assignment: AssignmentSpec, count: int) -> Proof:
    """Per random case family with `distinguish:`: the students (of the sample) for whom a listed mistake gives
    the reference's value on one of their cases of the family."""
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    shares: list[Share] = []
    problems: list[tuple[str, str]] = []
    students = (None, *sample_students(count))
    for exercise in assignment.exercises:
        for spec in exercise.cases:
            if not spec.distinguish:
                continue
            family = dataclasses.replace(exercise, cases=(spec,))
            passing = {d.name: 0 for d in spec.distinguish}
            for student in students:
                found: set[str] = set()
                for case in expand_exercise(course.seed, assignment.id, family, student):
                    found.update(passing_mistakes(exercise, spec, case.args, fresh) or ())
                for name in found:
                    passing[name] += 1
            where = f"{exercise.id}/{spec.name}"
            shares += [Share(where, name, n, len(students)) for name, n in passing.items()]
            problems += [(str(spec.distinguish[0].location or spec.location),
                          f"distinguish: {where}: {name} passes for {n} of {len(students)} students within "
                          f"{MAX_ATTEMPTS} draws a case; widen the params' ranges or list fewer mistakes")
                         for name, n in passing.items() if n]
    return Proof(tuple(shares), tuple(problems))


def _prove_questions(course: CourseSpec, assignment: AssignmentSpec, count: int) -> Proof:
    questions = [q for q in assignment.questions if q.distinguish]
    if not questions:
        return Proof((), ())
    problems: list[tuple[str, str]] = []
    fresh = ReferenceSolutions(assignment.solutions, assignment.id)
    judged = {}
    host = judges(course.seed, assignment)  # the Judges that draw (their verdicts are kept for the draws below)
    for q in questions:
        where = f"{q.distinguish[0].location or q.location}"
        verdicts = [host[q.id].verdict(k) for k in range(CANDIDATES)]
        judged[q.id] = sum(v.accepted for v in verdicts)
        invalid = [v for v in verdicts if v.answer is None]
        if invalid:  # never drawn, but the ranges are not what the author meant: the course's bug, as without
            problems.append((f"{assignment.id}/questions", f"question {q.id}: {len(invalid)} of {CANDIDATES} "
                                                           f"candidate variants have no right answer (the first: "
                                                           f"{invalid[0].problem}); narrow the params' ranges"))
        if judged[q.id] < MIN_ACCEPTED:
            problems.append((where, f"distinguish: question {q.id}: only {judged[q.id]} of {CANDIDATES} candidate "
                                    f"variants tell every listed mistake apart ({_who_passes(verdicts)}); at "
                                    f"least {MIN_ACCEPTED} are needed: widen the params' ranges or list fewer "
                                    f"mistakes"))
    if problems:
        return Proof((), tuple(problems))
    passing = {(q.id, d.name): 0 for q in questions for d in q.distinguish}
    students = (None, *sample_students(count))
    for student in students:
        try:
            variants = draw_all(course, assignment, student)
        except ReferenceError_ as error:
            problems.append((assignment.id + "/questions", f"student {student!r}: {error}"))
            continue
        for variant in variants:
            if not variant.question.distinguish:
                continue
            verdict = judge_params(variant.question, variant.params, fresh)
            for name in verdict.passing:
                passing[variant.question.id, name] += 1
    shares = tuple(Share(qid, name, n, len(students)) for (qid, name), n in passing.items())
    problems += [(f"{assignment.id}/questions", f"{share}; every listed mistake must fail for every student")
                 for share in shares if share.passing]
    return Proof(shares, tuple(problems))


def _who_passes(verdicts) -> str:
    counts: dict[str, int] = {}
    invalid = 0
    for v in verdicts:
        invalid += v.answer is None
        for name in v.passing:
            counts[name] = counts.get(name, 0) + 1
    parts = [f"{name} passes on {n / len(verdicts):.0%}" for name, n in sorted(counts.items(), key=lambda x: -x[1])]
    if invalid:
        parts.append(f"{invalid / len(verdicts):.0%} have no right answer")
    return ", ".join(parts) or "none is"


def problems(course: CourseSpec, assignment: AssignmentSpec) -> list[tuple[str, str]]:
    """(where, message) for `autograder validate`."""
    return list(prove(course, assignment).problems)


def report(course: CourseSpec, assignment: AssignmentSpec) -> list[str]:
    """The lines `autograder validate` prints: per question and listed mistake, the share of sampled students."""
    proof = prove(course, assignment)
    return [f"distinguish: {assignment.id}/{share}" for share in proof.shares]
