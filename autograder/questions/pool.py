"""Variants that tell mistakes apart, by construction: a question with `distinguish:` draws each student's
params from a fixed list of CANDIDATES candidate variants (seeded by the course seed, the assignment and the
question), retrying deterministically until it reaches a candidate for which every listed mistake gives another
answer than the reference (or none at all).

    candidate k      params drawn from case_seed(seed, assignment, "questions", question, "candidate", k)
    student's try j  k_j = case_seed(seed, assignment, "questions", question, "variant", [student], j) mod CANDIDATES
    the variant      candidate k_j for the first j whose candidate is accepted

On the host a candidate is judged by running the trusted reference and mistake functions (Judge). The student
kit has no solutions: it carries which candidates are accepted, as a bitset (accepted_bits / Accepted), computed
by the same Judge when the kit is built, so `autograder variant` in the kit draws the numbers the grader checks.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from autograder.cases import case_seed, evaluate
from autograder.reference import ReferenceError_, ReferenceSolutions
from autograder.spec import MISTAKES_MODULE, QuestionSpec

CANDIDATES = 4096
"""Candidate variants per question and course seed: at most this many distinct variants of one question."""
MAX_TRIES = 4096
"""Tries per student before giving up (the course's bug: `validate` refuses a question accepting too few)."""
MIN_ACCEPTED = 64
"""Fewer accepted candidates than this and `validate` refuses the question: too few distinct variants."""


def candidate_params(seed: int, assignment_id: str, question: QuestionSpec, index: int) -> dict[str, Any]:
    """The params of candidate `index` of the question."""
    rng = np.random.default_rng(case_seed(seed, assignment_id, "questions", question.id, "candidate", index))
    params: dict[str, Any] = {}
    for name, expr in question.params:
        params[name] = evaluate(expr, params, rng)
    return params


def tries(seed: int, assignment_id: str, question_id: str, student: str | None):
    """The student's candidate indexes, in the order they are tried (the same on every machine)."""
    salt = ("student", student) if student else ()
    for attempt in range(MAX_TRIES):
        yield case_seed(seed, assignment_id, "questions", question_id, "variant", *salt, attempt) % CANDIDATES


@dataclass(frozen=True)
class Verdict:
    """What the reference and each listed mistake answer for one candidate's params."""

    answer: Any
    """The right answer; None when the reference has none (invalid params): the candidate is rejected."""
    passing: tuple[str, ...]
    """The listed mistakes (their names as written) that give the right answer too."""
    problem: str = ""
    """Why the reference has no answer."""

    @property
    def accepted(self) -> bool:
        return self.answer is not None and not self.passing


@dataclass
class Judge:
    """Judges a question's candidates on the host with the trusted reference and mistakes, once each."""

    seed: int
    assignment_id: str
    question: QuestionSpec
    reference: ReferenceSolutions
    _memo: dict[int, Verdict] = field(default_factory=dict)

    def verdict(self, index: int) -> Verdict:
        if index not in self._memo:
            self._memo[index] = judge_params(self.question, candidate_params(self.seed, self.assignment_id,
                                                                             self.question, index), self.reference)
        return self._memo[index]

    def accepts(self, index: int) -> bool:
        return self.verdict(index).accepted

    def explain(self, index: int) -> str:
        """Why candidate `index` is rejected, for staff."""
        verdict = self.verdict(index)
        if verdict.answer is None:
            return verdict.problem
        return f"{', '.join(verdict.passing)} give(s) the right answer {verdict.answer!r}" if verdict.passing else ""


def judge_params(question: QuestionSpec, params: dict[str, Any], reference: ReferenceSolutions) -> Verdict:
    """The right answer for `params` and the listed mistakes that give it too (a mistake that raises, or answers
    in another form, gives no right answer). The args are built once and the trusted functions called directly:
    a proof judges thousands of candidates."""
    spec = question.answer
    args, item = _call_args(question, params)
    try:
        right = _as_answer(question, params, spec.module, spec.function,
                           _direct(reference, spec.module, spec.function, args), item)
    except ReferenceError_ as error:
        return Verdict(answer=None, passing=(), problem=str(error))
    passing = []
    for mistake in question.distinguish:
        try:
            value = _direct(reference, MISTAKES_MODULE, mistake.function, args)
            if _as_answer(question, params, MISTAKES_MODULE, mistake.function, value, item) == right:
                passing.append(mistake.name)
        except ReferenceError_:
            pass  # the mistake has no answer here: a student making it cannot write the right one
    return Verdict(answer=right, passing=tuple(passing))


def answer_for(question: QuestionSpec, params: dict[str, Any], reference: ReferenceSolutions, module: str,
               function: str) -> int | tuple[int, ...]:
    """`module.function` called with the answer's args for `params`, its `item` taken, as the question's type.
    Raises ReferenceError_ when the call raises or gives no value of that type."""
    args, item = _call_args(question, params)
    value, error = reference.call(module, function, args)
    if error is not None:
        raise ReferenceError_(f"question {question.id} (params {params}): {module}.{function} raised "
                              f"{type(error).__name__}: {error}")
    return _as_answer(question, params, module, function, value, item)


def _call_args(question: QuestionSpec, params: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    spec = question.answer
    rng = np.random.default_rng(0)  # the answer's args are plain expressions over the params: nothing is drawn
    args = {name: evaluate(expr, params, rng) for name, expr in spec.args}
    return args, None if spec.item is None else evaluate(spec.item, params, rng)


def _direct(reference: ReferenceSolutions, module: str, function: str, args: dict[str, Any]) -> Any:
    """A trusted function's value for fresh args (each call gets its own copy of the lists and dicts)."""
    try:
        return getattr(reference.module(module), function)(**copy.deepcopy(args))
    except Exception as error:  # noqa: BLE001 (trusted code raising is an outcome: no answer)
        raise ReferenceError_(f"{module}.{function} raised {type(error).__name__}: {error}") from None


def _as_answer(question: QuestionSpec, params: dict[str, Any], module: str, function: str, value: Any,
               item: int | None) -> int | tuple[int, ...]:
    spec = question.answer
    where = f"question {question.id} (params {params})"
    if item is not None:
        if not isinstance(value, (list, tuple)) or not 1 <= item <= len(value):
            raise ReferenceError_(f"{where}: item {item} of {module}.{function}'s result {value!r} does not exist")
        value = value[item - 1]
    if spec.type == "integer" and _is_int(value):
        return int(value)
    if spec.type == "shape" and isinstance(value, (list, tuple)) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    raise ReferenceError_(f"{where}: {module}.{function} gave {value!r}, which is not "
                          f"{'an integer' if spec.type == 'integer' else 'a shape (a list of integers)'}")


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class Candidates(Protocol):
    """Which candidate variants of a question are accepted: a Judge on the host, Accepted in the kit."""

    def accepts(self, index: int) -> bool: ...

    def explain(self, index: int) -> str: ...


def pick(seed: int, assignment_id: str, question: QuestionSpec, student: str | None, candidates: Candidates) -> int:
    """The student's candidate: the first of their tries that is accepted. Raises ReferenceError_ when none is
    (the course's bug: `validate` refuses such a question)."""
    first = None
    for index in tries(seed, assignment_id, question.id, student):
        if candidates.accepts(index):
            return index
        first = index if first is None else first
    why = candidates.explain(first) if first is not None else ""
    first_try = f"; the first: {why}" if why else ""
    raise ReferenceError_(f"question {question.id}: none of {MAX_TRIES} tries for student {student!r} gives a "
                          f"variant that tells every mistake of `distinguish` apart{first_try}; run `autograder "
                          f"validate`")


# ---- the kit's form: which candidates are accepted, as hexadecimal bits -------------------------------------------

def accepted_bits(judge: Judge) -> str:
    """Every candidate's acceptance as a hexadecimal bitset (bit k: candidate k), CANDIDATES / 4 digits."""
    number = 0
    for index in range(CANDIDATES):
        if judge.accepts(index):
            number |= 1 << index
    return f"{number:0{CANDIDATES // 4}x}"


@dataclass(frozen=True)
class Accepted:
    """The kit's stand-in for a Judge: acceptance read from the bitset accepted_bits wrote."""

    bits: int

    @classmethod
    def from_hex(cls, text: str) -> Accepted:
        if len(text) != CANDIDATES // 4:
            raise ValueError(f"an accepted-candidates bitset has {CANDIDATES // 4} hex digits, got {len(text)}")
        return cls(int(text, 16))

    def accepts(self, index: int) -> bool:
        return bool(self.bits >> index & 1)

    def explain(self, index: int) -> str:
        return ""  # the kit knows only that it is rejected
