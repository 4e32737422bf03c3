"""The proof that per-student variants tell the listed mistakes apart (`distinguish:`), run by `autograder
validate`: for a sample of SAMPLE students (deterministic ids), the share for whom each listed mistake would give
the right answer, per question (target 0, by construction of autograder.questions.pool); and a question whose
param ranges leave too few candidate variants that tell every mistake apart is refused at its `distinguish:` line.

Each sampled student's variant is judged again with a fresh ReferenceSolutions, apart from the Judge that drew it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

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
    """The question id."""
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
