"""What an autograded test cell calls, in the kernel that runs the student's notebook.

`grade(function, cases, points=...)` calls the student's function on each visible case, judges the outcome as
the sandboxed grader does (autograder.verdict, the comparators of autograder.compare, one tolerance rule),
prints a short report to stdout and returns a preview: `points` times the share of the visible cases' points
that passed, a plain float between 0 and `points` (all visible cases passed: full points, so `nbgrader
validate` passes a right solution). As the cell's last expression nbgrader records it as the cell's score
until `autograder nbgrader record` replaces it by the sandbox's grade of all cases: whatever runs in this
kernel can be replaced by the student's code, so it never is the grade of record.

Nothing reaches stderr while the student's code runs (autograder.nbgrader.capture): nbgrader would score the
cell 0. A student's exception is a failed case; an interrupt (nbgrader's cell timeout) stops the whole cell.
The kernel is the isolation here: no sandbox, no per-case time limit.
"""
from __future__ import annotations

import inspect
import json
import traceback
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Callable

from autograder import codec, scoring
from autograder.casepack import CasePack, mistake_runner
from autograder.cases import Case
from autograder.diagnose import Diagnosis, diagnose_exercise
from autograder.nbgrader.capture import captured
from autograder.nbgrader.payload import PackedCase, unpack
from autograder.reference import Expected
from autograder.results import Status
from autograder.sandbox import ModuleLoad, Outcome, OutcomeKind
from autograder.spec import Comparison, DtypeRule, ExerciseSpec, HiddenDetail, Limits, MistakeSpec
from autograder.verdict import Loading, Verdict, judge, student_view

INDENT = "    "


@dataclass(frozen=True)
class _Limits:
    """What the course's limits mean in a kernel: output kept per case, and the memory limit named when a
    case runs out of memory (the kernel enforces neither time nor memory per case)."""

    output_kb: int = 64
    memory_mb: int = 4096


def grade(function: Callable[..., Any], cases: list[str], *, points: float, signature: str, rtol: float,
          atol: float, dtype: str, hidden_detail: str = "message", output_kb: int = 64,
          memory_mb: int = 4096, value_hint: str = "") -> float:
    """Run the packed `cases` on `function`, print one line per case, return the score of the cases passed."""
    rule = Comparison(rtol=rtol, atol=atol, dtype=DtypeRule(dtype))
    detail = HiddenDetail(hidden_detail)
    limits = _Limits(output_kb=output_kb, memory_mb=memory_mb)
    with captured(output_kb * 1024) as grader_output:  # torch's import, say, must not warn on stderr either
        packs = [unpack(text) for text in cases]
        packed = [case for one in packs for case in one.cases]
        loading = _loading(function, {case.exercise for case in packed}, signature)
        results = [_Result(case, *_judge(function, case, loading, rule, detail, limits)) for case in packed]
        diagnoses = _diagnoses(packs, results, rule, detail, value_hint)
    scores = scoring.gated([r.score for r in results], [r.case.raises is not None for r in results],
                           [r.status is Status.PASSED for r in results])  # raising alone earns nothing
    score = sum((_fraction(value) for value in scores), Fraction(0))
    name = packed[0].exercise if packed else getattr(function, "__name__", "function")
    print(_report(name, results, score, points, grader_output.text, diagnoses))
    return float(preview(score, sum((_fraction(c.max_score) for c in packed), Fraction(0)), points))


def preview(score: Fraction, carried: Fraction, points: float) -> Fraction:
    """The cell's value: `points` scaled by the share of the visible cases' points that passed (no visible case:
    `points`), to 1/10000 of a point."""
    if carried <= 0:
        return _fraction(points)
    return _fraction(min(Fraction(1), score / carried) * _fraction(points))


@dataclass(frozen=True)
class _Result:
    case: PackedCase
    status: Status
    shown: str
    """What the student reads: one line, then the details a visible case shows."""
    call: Case | None = None
    """The case as the verdict and the diagnosis take it (its arguments: the packed case's own mapping)."""
    outcome: Outcome | None = None
    verdict: Verdict | None = None
    expected: Expected | None = None

    @property
    def score(self) -> float:
        return scoring.score(self.status, self.case.max_score)


def _diagnoses(packs: list[CasePack], results: list[_Result], rule: Comparison, detail: HiddenDetail,
               value_hint: str = "") -> tuple[Diagnosis, ...]:
    """The known mistakes that explain every failing case, from the outputs the packs carry, else the exercise's
    value hint: autograder.diagnose's own rules, as the sandboxed grader applies them."""
    mistakes = tuple({m.id: MistakeSpec(id=m.id, function=m.id, message=m.message)
                      for one in packs for m in one.mistakes}.values())
    done = [r for r in results if r.verdict is not None]
    if not done:
        return ()
    exercise = ExerciseSpec(id=done[0].case.exercise, module="notebook", title="", points=0.0, statement="",
                            compare=rule, limits=Limits(), forbidden=(), cases=(), mistakes=mistakes,
                            hidden_detail=detail, value_hint=value_hint)
    cases = [r.call for r in done]
    return diagnose_exercise(exercise, cases, {c.key: r.outcome for c, r in zip(cases, done)},
                             {c.key: r.expected for c, r in zip(cases, done)},
                             {c.key: r.verdict for c, r in zip(cases, done)}, mistake_runner([r.case for r in done]))


def _report(name: str, results: list[_Result], score: Fraction, points: float, grader_output: str,
            diagnoses: tuple[Diagnosis, ...] = ()) -> str:
    passed = sum(r.status is Status.PASSED for r in results)
    carried = sum((_fraction(r.case.max_score) for r in results), Fraction(0))
    if carried >= _fraction(points):
        lines = [f"{name}: {passed} of {len(results)} cases passed, {_number(score)} of {_number(points)} points"]
    else:
        lines = [f"{name}: {passed} of {len(results)} cases passed, {_number(score)} of the {_number(carried)} "
                 f"points they carry: a preview of {_number(preview(score, carried, points))} of {_number(points)}",
                 f"(the other {_number(_fraction(points) - carried)} points are cases run only when your work is "
                 f"graded: hidden, speed and GPU cases; your grade is that of all cases)"]
    lines += [diagnosis.text for diagnosis in diagnoses]
    for result in results:
        head, *rest = result.shown.splitlines() or [""]
        if result.status is Status.PASSED:
            lines.append(f"{INDENT}passed  {result.case.name}" + ("" if head == "passed" else f": {head}"))
        else:
            lines.append(f"{INDENT}{result.status.value.upper().replace('_', ' ')}  {result.case.name} "
                         f"(0 of {_number(result.case.max_score)}): {head}")
        lines += [f"{INDENT * 3}{line}" for line in rest]
    if grader_output.strip():
        lines.append("Output while grading, outside the calls of your function:")
        lines += [f"{INDENT}{line}" for line in grader_output.rstrip().splitlines()]
    return "\n".join(lines)


def _fraction(value: float) -> Fraction:
    """Scores are multiples of 1/10000 of a point (autograder.scoring): exact sums, no float drift."""
    return Fraction(value).limit_denominator(10_000)


def _number(value: float | Fraction) -> str:
    return f"{float(_fraction(value)):g}"


def _loading(function: Callable[..., Any], exercises: set[str], signature: str) -> Loading:
    """The function's signature as the sandbox's worker reports it, for the same signature check."""
    try:
        found = str(inspect.signature(function))
    except (TypeError, ValueError):
        found = "(...)"
    return Loading(module=ModuleLoad(module="notebook", ok=True, functions=dict.fromkeys(exercises, found)),
                   expected_signature=signature)


def _judge(function: Callable[..., Any], case: PackedCase, loading: Loading, rule: Comparison,
           detail: HiddenDetail, limits: _Limits) -> tuple[Status, str, Case, Outcome, Verdict, Expected]:
    """The case's status, what the student reads of it (one line, then details for visible cases), and what the
    diagnosis looks at."""
    outcome = _run(function, case, limits.output_kb)
    call = Case(exercise=case.exercise, name=case.name, visible=case.visible, weight=1.0, args=case.args,
                raises=case.raises, note=case.note)
    verdict = judge(call, Expected(value=case.expected, raises=case.raises), outcome, loading, rule,
                    limits.memory_mb)
    shown = student_view(verdict, case.visible, detail, case.note)
    expected = Expected(value=case.expected, raises=case.raises)
    return verdict.status, "\n".join(p for p in (shown.message, shown.details) if p), call, outcome, verdict, expected


def _run(function: Callable[..., Any], case: PackedCase, output_kb: int) -> Outcome:
    before = {key: _encoded(value) for key, value in case.args.items()}
    with captured(output_kb * 1024) as printed:
        try:
            value = function(**case.args)
            error = None
        except (Exception, SystemExit) as raised:  # not KeyboardInterrupt: nbgrader's timeout must stop the cell
            value, error = None, raised
    mutated = tuple(key for key, value_before in before.items() if _encoded(case.args[key]) != value_before)
    if error is not None:
        kind = type(error)
        return Outcome(OutcomeKind.RAISED, error_type=kind.__name__,
                       error_mro=tuple(c.__name__ for c in kind.__mro__), message=str(error),
                       traceback=_student_traceback(error), stdout=printed.text, mutated=mutated)
    try:
        returned = codec.plain(value)
    except codec.CodecError as too_big:
        return Outcome(OutcomeKind.RAISED, error_type="ReturnValueError", error_mro=("ReturnValueError",),
                       message=f"the returned value cannot be graded: {too_big}", stdout=printed.text)
    return Outcome(OutcomeKind.RETURNED, value=returned, stdout=printed.text, mutated=mutated)


def _student_traceback(error: BaseException) -> str:
    """The traceback without this module's frames: it starts at the student's function."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename != __file__]
    return "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) + \
        "".join(traceback.format_exception_only(type(error), error)).rstrip()


def _encoded(value: Any) -> str:
    try:
        return json.dumps(codec.encode(value), sort_keys=True)
    except codec.CodecError as error:
        return f"<{error}>"
