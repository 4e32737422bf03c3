"""Which known misconception a wrong answer matches. Host side; runs only trusted instructor code.

An exercise may list known mistakes (`mistakes:` in assignment.yaml), each a wrong implementation in
`solutions/<assignment>/mistakes.py`. When a student fails cases with a returned value, each mistake is run
on the inputs of those cases. It *matches* a case where the student's value equals the mistake's (under
the exercise's tolerance rule, `autograder.compare`) and the mistake's value is not the reference's; a
mistake that raises, or gives the reference's answer, does not match that case.

A mistake is diagnosed when it matches *every* failing case (of two that match the same cases, the first
listed): a failure it does not explain means another
bug, and then naming it would be a guess. So noise, zeros, or "+ 2" where the mistake is "+ 1" on some
inputs and right on others, get no name. One kind of failure is left out of that count: a value returned
for an invalid input where the mistake, like the reference, raises. The mistake is about the computation,
the missing check is a second, separate bug that the case's own message already names. Timeouts, crashes
and exceptions are never diagnosed: there is no value to compare.

An exercise may also give a `value_hint`: said when no listed mistake explains the failures and some case
returned a value of the right type, shape and dtype whose values are wrong (learn_filter: "gradient descent did
not converge"). Every diagnosis is said once, in the exercise's notes, not on each case.
"""
from __future__ import annotations

import functools

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from autograder.cases import Case
from autograder.compare import compare
from autograder.reference import Expected
from autograder.results import Status
from autograder.sandbox import Outcome, OutcomeKind
from autograder.spec import Comparison, ExerciseSpec, HiddenDetail, MistakeSpec
from autograder.verdict import Verdict

RunMistake = Callable[[str, dict[str, Any]], tuple[Any, BaseException | None]]
"""(function name, keyword arguments) -> (the mistake's value as plain data, or the exception it raised),
as `ReferenceSolutions.call` returns them."""


@dataclass(frozen=True, eq=False)
class Attempt:
    """A case the student failed with a returned value: what the diagnosis compares."""

    case: Case
    got: Any
    """The student's value, decoded."""
    expected: Expected


@dataclass(frozen=True)
class Diagnosis:
    mistake: str
    """The mistake's id."""
    message: str
    cases: tuple[str, ...]
    """Names of the failing cases it matched, in case order."""

    @property
    def text(self) -> str:
        """The sentence the student reads."""
        if not self.mistake:  # the exercise's value_hint
            return self.message
        return f"This looks like the known mistake '{self.mistake}': {self.message}"


def diagnose(mistakes: Iterable[MistakeSpec], attempts: list[Attempt], run: RunMistake,
             rule: Comparison) -> tuple[Diagnosis, ...]:
    """The listed mistakes (in their order) that explain every one of the failing `attempts`. Two that match
    the very same cases give the student's values there both, so the cases cannot tell them apart: the first
    listed is named (conv_layer_forward's weights read channels-first and im2col's flattening order coincide
    when C == f)."""
    found = []
    for mistake in mistakes:
        matched = []
        for attempt in attempts:
            verdict = _matches(mistake, attempt, run, rule)
            if verdict is False:
                break
            if verdict:
                matched.append(attempt.case.name)
        else:
            if matched and all(tuple(matched) != d.cases for d in found):
                found.append(Diagnosis(mistake.id, mistake.message, tuple(matched)))
    return tuple(found)


def _matches(mistake: MistakeSpec, attempt: Attempt, run: RunMistake, rule: Comparison) -> bool | None:
    """Does the student's value equal the mistake's on this case, where the mistake is wrong? None where
    both the reference and the mistake refuse the input: the case is about a missing check, not this mistake."""
    try:
        value, error = run(mistake.function, attempt.case.args)
    except Exception:  # a broken mistakes module is the course's bug: it must not cost the student feedback
        return False
    if error is not None:
        return None if attempt.expected.raises is not None else False
    if attempt.expected.raises is None and compare(value, attempt.expected.value, rule) is None:
        return False
    return compare(attempt.got, value, rule) is None


def attempts(exercise: ExerciseSpec, cases: Iterable[Case], outcomes: Mapping[str, Outcome],
             expected: Mapping[str, Expected], verdicts: Mapping[str, Verdict]) -> list[Attempt]:
    """The exercise's failing cases that returned a value (inputs left alone), in case order. Hidden cases
    take part only where the exercise shows hidden feedback at all (`hidden_detail` not `none`). The @cuda
    copies (their CPU twins tell the same) and speed cases (a failure there is about time) do not."""
    found = []
    for case in cases:
        if case.exercise != exercise.id or case.key not in expected or case.key not in verdicts:
            continue
        if case.device == "cuda" or case.speed is not None:
            continue
        if not case.visible and exercise.hidden_detail is HiddenDetail.NONE:
            continue
        outcome = outcomes.get(case.key)
        if verdicts[case.key].status is not Status.FAILED or outcome is None:
            continue
        if outcome.kind is not OutcomeKind.RETURNED or outcome.mutated:
            continue
        found.append(Attempt(case, outcome.value, expected[case.key]))
    return found


def diagnose_exercise(exercise: ExerciseSpec, cases: Iterable[Case], outcomes: Mapping[str, Outcome],
                      expected: Mapping[str, Expected], verdicts: Mapping[str, Verdict],
                      run: RunMistake) -> tuple[Diagnosis, ...]:
    """`diagnose` on the exercise's failing cases, else its `value_hint` where it applies; nothing when it
    fails no case with a value."""
    if not exercise.mistakes and not exercise.value_hint:
        return ()
    failing = attempts(exercise, cases, outcomes, expected, verdicts)
    if not failing:
        return ()
    found = diagnose(exercise.mistakes, failing, run, exercise.compare)
    if found or not exercise.value_hint:
        return found
    wrong_values = tuple(a.case.name for a in failing if _only_values_differ(a, exercise.compare))
    return (Diagnosis("", exercise.value_hint, wrong_values),) if wrong_values else ()


def called_exercises(source: str | None, function: str, exercises: Iterable[str]) -> tuple[str, ...]:
    """The other `exercises` that the student's `function` calls by name (`conv_volume(...)`, `m.conv_volume(...)`),
    read from its module's source as submitted (nothing of it runs here); () where it does not parse."""
    names = set(exercises) - {function}
    return tuple(called for called in _calls(source or "").get(function, ()) if called in names)


@functools.lru_cache(maxsize=16)
def _calls(source: str) -> dict[str, tuple[str, ...]]:
    """For each function defined at the top of `source`, the names it calls (`f(...)`, `m.f(...)`), in order, each
    once; {} where it does not parse. One parse per module text: every exercise of the module asks."""
    import ast

    from autograder import pyast

    try:  # through pyast: other threads grade meanwhile (CPython 3.11's shared AST counter)
        tree = pyast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, SystemError):
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):  # every definition of the name, in order
            called = (inner.func.id if isinstance(inner.func, ast.Name) else
                      inner.func.attr if isinstance(inner.func, ast.Attribute) else None
                      for inner in ast.walk(node) if isinstance(inner, ast.Call))
            found[node.name] = tuple(dict.fromkeys((*found.get(node.name, ()),
                                                    *(name for name in called if name is not None))))
    return found


def helpers_failing(exercise: str, calls: Iterable[str], failing: Iterable[str]) -> tuple[Diagnosis, ...]:
    """"Also check <helper>" where the exercise fails cases and calls another exercise of the student's that fails
    its own: a known mistake is named only where it explains every failure, so a helper's bug hides this
    exercise's diagnosis (and may be all that is wrong here)."""
    wrong = set(failing)
    if exercise not in wrong:
        return ()
    return tuple(Diagnosis("", f"`{exercise}` calls your `{helper}`, which fails cases of its own: fix `{helper}` "
                               f"first, then check `{exercise}` again (its failures may come from `{helper}`)", ())
                 for helper in calls if helper in wrong)


def _only_values_differ(attempt: Attempt, rule: Comparison) -> bool:
    """The value has the expected type, shape, dtype and device; only its numbers (or NaN) are wrong."""
    if attempt.expected.raises is not None:
        return False
    mismatch = compare(attempt.got, attempt.expected.value, rule)
    return mismatch is not None and mismatch.kind in ("value", "nan")
