"""What one case's outcome means: a status and the feedback a student reads. Pure: no I/O, no processes.

The order of the questions is the order in which they make the others moot: could the grader do its job,
could the submission be loaded, did it use a forbidden API, did it finish, did it raise what it should,
did it leave its inputs alone, and finally is the value right.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from autograder import pyast
from autograder.cases import Case
from autograder.codec import TensorData
from autograder.compare import compare, describe
from autograder.reference import Expected
from autograder.results import Status
from autograder.sandbox import ModuleLoad, Outcome, OutcomeKind
from autograder.sandbox.static import Refusal, Use
from autograder.spec import Comparison, HiddenDetail

GRADER_FAILED = "the grader failed on this case; your instructor has the details"


@dataclass(frozen=True)
class Verdict:
    status: Status
    message: str
    """One line; shown for every case."""
    details: str = ""
    """Shown for visible cases only."""
    staff: str = ""
    hidden: str = ""
    """What a hidden case shows instead of `message`: one of HIDDEN_MESSAGES (anything else shows its status's
    HIDDEN_BY_STATUS line)."""
    summary: str = ""
    """An array mismatch's share of wrong elements and largest difference in fixed categories (hidden_summary):
    what a hidden case adds with `hidden_detail: summary`."""

    @property
    def hidden_message(self) -> str:
        """The grader's own words for a hidden case: never a number or text derived from the student's output."""
        if self.status is Status.PASSED:
            return HIDDEN_PASSED
        return self.hidden if self.hidden in HIDDEN_MESSAGES else HIDDEN_BY_STATUS[self.status]


# A hidden case's feedback is built from these words only (docs/security.md, "What a hidden case tells"): a
# message of the student's process, a count or a difference its output chose, could carry the case's inputs out
# (a red team returned right values with one element off by 1000·H + W, and read every hidden geometry from
# "Max absolute difference"). tests/test_verdict.py enumerates them.
HIDDEN_NO_DETAIL = "did not pass (this hidden case shows no details)"
HIDDEN_CRASH = "the process stopped while running this hidden case (a crash, an exit or the memory limit)"
HIDDEN_PASSED = "passed"
HIDDEN_BY_STATUS = {
    Status.PASSED: HIDDEN_PASSED,
    Status.FAILED: "did not pass",
    Status.ERROR: "raised an exception",
    Status.TIMEOUT: "stopped: it ran past a time limit",
    Status.CRASHED: HIDDEN_CRASH,
    Status.FORBIDDEN: "uses an API this exercise does not allow (the visible cases name it)",
    Status.NOT_IMPLEMENTED: "not implemented yet (the function raises NotImplementedError)",
    Status.UNGRADABLE: "could not be graded (the visible cases of this exercise say why)",
    Status.GRADER_ERROR: GRADER_FAILED,
    Status.SKIPPED: "skipped: no GPU on the grading machine",
}
HIDDEN_PHRASES = {
    "type": "the returned value has the wrong type", "length": "the returned sequence has the wrong length",
    "keys": "the returned mapping has the wrong keys", "shape": "the result has the wrong shape",
    "dtype": "the result has the wrong dtype", "device": "the result is on the wrong device",
    "nan": "the result contains NaN", "value": "the returned values are wrong",
}
HIDDEN_RETURNED_FOR_INVALID = "should raise an exception for this invalid input, but returned a value"
HIDDEN_OTHER_EXCEPTION = "expected an exception for this invalid input, but it raised another one"
HIDDEN_RAISED = "raised an exception"
HIDDEN_MEMORY = "ran out of memory (MemoryError)"
HIDDEN_MUTATED = "modified its input in place; work on a copy"
HIDDEN_SLOW = "slower than the speed case allows"
HIDDEN_UNTIMED = "right, but the speed case could not be timed"
HIDDEN_PROTOCOL = "the process broke the grading protocol"
HIDDEN_FORBIDDEN = "used an API this exercise does not allow while a hidden case ran"
HIDDEN_MESSAGES = frozenset({
    *HIDDEN_BY_STATUS.values(), *HIDDEN_PHRASES.values(), HIDDEN_RETURNED_FOR_INVALID, HIDDEN_OTHER_EXCEPTION,
    HIDDEN_RAISED, HIDDEN_MEMORY, HIDDEN_MUTATED, HIDDEN_SLOW, HIDDEN_UNTIMED, HIDDEN_PROTOCOL})
"""Every line a hidden case that did not pass may show (besides HIDDEN_NO_DETAIL)."""
HIDDEN_SHARES = ((1.0, "every element"), (0.5, "more than half of the elements"), (0.0, "at most half of the elements"))
HIDDEN_SIZES = ((1.0, "1 or more"), (1e-3, "between 0.001 and 1"), (0.0, "below 0.001"))
HIDDEN_SUMMARIES = frozenset(f"Mismatched: {share}; largest difference: {size}"
                             for _, share in HIDDEN_SHARES for _, size in HIDDEN_SIZES)
"""Every summary line a hidden case may show with `hidden_detail: summary`: 9, log2(9) < 3.2 bits."""


def hidden_summary(wrong_fraction: float | None, largest: float | None) -> str:
    """An array mismatch in fixed categories: the share of wrong elements (all, more than half, at most half) and
    the size of the largest difference (1 or more, to 0.001, below): what `hidden_detail: summary` shows."""
    if wrong_fraction is None or largest is None:
        return ""
    share = HIDDEN_SHARES[0][1] if wrong_fraction >= 1.0 else HIDDEN_SHARES[1][1] if wrong_fraction > 0.5 \
        else HIDDEN_SHARES[2][1]
    size = next(text for bound, text in HIDDEN_SIZES if not largest < bound)  # inf and NaN: "1 or more"
    return f"Mismatched: {share}; largest difference: {size}"
MAX_SIGNATURE_CHARS = 4096
"""The longest signature text (as the student's process reports it) the grader parses; a real one is < 200."""


@dataclass(frozen=True)
class Shown:
    """What the student reads of one case, and what only staff read."""

    message: str
    details: str
    staff: str


def student_view(verdict: Verdict, visible: bool, detail: HiddenDetail, note: str | None = None,
                 diagnoses: tuple[str, ...] = ()) -> Shown:
    """A visible case shows everything; a hidden one what `detail` allows, never its inputs, the expected
    value or the index | got | expected table. `diagnoses` (sentences naming a known mistake) come first."""
    if visible:
        about_the_code = verdict.status not in (Status.PASSED, Status.UNGRADABLE, Status.GRADER_ERROR)
        noted = f"Note: {note}" if note and about_the_code else ""
        return Shown(verdict.message, _join(*diagnoses, noted, verdict.details), verdict.staff)
    staff = _join(verdict.message, verdict.details, verdict.staff)
    if verdict.status is Status.PASSED:
        return Shown(HIDDEN_PASSED, "", staff)
    if detail is HiddenDetail.NONE:
        return Shown(HIDDEN_NO_DETAIL, "", staff)
    summary = verdict.summary if detail is HiddenDetail.SUMMARY and verdict.summary in HIDDEN_SUMMARIES else ""
    return Shown(verdict.hidden_message, _join(*diagnoses, summary), staff)


@dataclass(frozen=True)
class Loading:
    """What is known about the exercise's function before any case is judged."""

    module: ModuleLoad | None
    expected_signature: str
    static_uses: tuple[Use, ...] = ()
    static_refusals: tuple[Refusal, ...] = ()
    """Constructs in the module that the static scan cannot follow; only for an exercise that forbids APIs."""
    source: str | None = None
    """The module's source text where it failed to import (read on the host before the run), for a syntax error's
    caret."""


def judge(case: Case, expected: Expected, outcome: Outcome, loading: Loading, rule: Comparison,
          memory_mb: int) -> Verdict:
    """The verdict for one case."""
    if outcome.grader_fault:
        return Verdict(Status.GRADER_ERROR, GRADER_FAILED, staff=f"{outcome.message}\n{outcome.traceback}".strip())
    ungradable = _ungradable(case, outcome, loading)
    if ungradable is not None:
        return ungradable
    if outcome.forbidden or loading.static_uses or loading.static_refusals:
        return Verdict(Status.FORBIDDEN, _forbidden_message(outcome.forbidden, loading.static_uses,
                                                            loading.static_refusals))
    if outcome.kind is OutcomeKind.TIMEOUT and case.speed is not None and outcome.timing is not None:
        return _too_slow(case, outcome)  # stopped by its CPU time (sandbox/speed.py's bound), not by the clock
    if outcome.kind is OutcomeKind.TIMEOUT:  # where it hung is the code's choice: a hidden case does not say it
        hidden = f"stopped: {outcome.hidden_message}" if outcome.hidden_message else ""
        return Verdict(Status.TIMEOUT, f"stopped: {outcome.message}", _printed(outcome.stdout), hidden=hidden)
    if outcome.kind is OutcomeKind.PROTOCOL:
        return Verdict(Status.FAILED, outcome.message, _printed(outcome.stdout), hidden=HIDDEN_PROTOCOL)
    if outcome.kind in (OutcomeKind.CRASHED, OutcomeKind.NOT_RUN):  # an exit status or signal the code chose can
        return Verdict(Status.CRASHED, outcome.message or "the student's process stopped",  # carry an input
                       _printed(outcome.stdout), hidden=HIDDEN_CRASH)
    if outcome.kind is OutcomeKind.RAISED:
        return _raised(case, expected, outcome, memory_mb)
    return _returned(case, expected, outcome, rule)


def _ungradable(case: Case, outcome: Outcome, loading: Loading) -> Verdict | None:
    load = loading.module
    if load is not None and not load.ok:
        located = syntax_error(load.module, loading.source)
        if located is not None:
            return Verdict(Status.UNGRADABLE, located[0], located[1], staff=load.traceback)
        return Verdict(Status.UNGRADABLE, load.message, _join(load.traceback, _printed(load.stdout)))
    if outcome.kind is OutcomeKind.MISSING:
        return Verdict(Status.UNGRADABLE, f"{outcome.message}: define it with the signature "
                                          f"{case.exercise}{loading.expected_signature}")
    signature = load.functions.get(case.exercise) if load is not None else None
    if signature is not None and len(signature) > MAX_SIGNATURE_CHARS:
        return Verdict(Status.UNGRADABLE, f"{case.exercise}: its signature is {len(signature)} characters long, more "
                                          f"than the {MAX_SIGNATURE_CHARS} the grader reads (a default value with a "
                                          f"long repr?); expected {case.exercise}{loading.expected_signature}, with "
                                          f"short defaults")
    if signature is not None and _names(signature) != _names(loading.expected_signature):
        return Verdict(Status.UNGRADABLE, f"{case.exercise} has the signature {case.exercise}{signature}, "
                                          f"expected {case.exercise}{loading.expected_signature}")
    return None


def syntax_error(module: str, source: str | None) -> tuple[str, str] | None:
    """(one line naming file, line and error; the offending line with a caret under the error) for a module
    whose source does not parse; None where it parses (the import failed for another reason) or is unknown.
    Parsing runs nothing: the host reads the file the worker failed to import."""
    if source is None:
        return None
    try:
        pyast.parse(source, f"{module}.py")
    except SyntaxError as error:
        where = f"{module}.py, line {error.lineno}" if error.lineno else f"{module}.py"
        message = f"{where}: {type(error).__name__}: {error.msg}"
        text = (error.text or "").rstrip("\n")
        if not text.strip():
            return message, ""
        stripped = text.lstrip()
        column = max(0, (error.offset or 1) - 1 - (len(text) - len(stripped)))
        return message, f"    {stripped}\n    {' ' * min(column, len(stripped))}^"
    except (ValueError, RecursionError, MemoryError):  # null bytes, absurd nesting: say what the worker said
        return None
    return None


@functools.lru_cache(maxsize=256)
def _names(signature: str) -> tuple[str, ...]:
    """Parameter names of a signature text such as '(n: int, f: int, padding=0)'. The text comes from the
    student's process: the caller caps its length (MAX_SIGNATURE_CHARS), so parsing it costs microseconds; each
    text is parsed once (every case of an exercise asks)."""
    return tuple(_parsed_names(signature))


def _parsed_names(signature: str) -> list[str]:
    try:
        function = pyast.parse(f"def f{signature}: pass").body[0]
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # a default whose repr is not Python
        return _names_by_hand(signature)                            # (<object at 0x...>): read the names by hand
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args]
    names += [f"*{arguments.vararg.arg}"] if arguments.vararg else []
    names += [a.arg for a in arguments.kwonlyargs]
    return names + ([f"**{arguments.kwarg.arg}"] if arguments.kwarg else [])


def _names_by_hand(signature: str) -> list[str]:
    """The names, split at top-level commas in one pass (each parameter sliced once: linear in the text)."""
    inner = signature.strip()
    if inner.startswith("("):
        inner = inner[1:inner.rfind(")")]
    inner += ","
    names, depth, start, quote = [], 0, 0, ""
    for index, char in enumerate(inner):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{<":
            depth += 1
        elif char in ")]}>":
            depth -= 1
        elif char == "," and depth == 0:
            token = inner[start:index].strip()
            if token and token not in ("*", "/"):
                names.append(token.split(":")[0].split("=")[0].strip())
            start = index + 1
    return names


SHOWN_REFUSALS = 3
"""At most this many refused lines are listed in one message; the rest are counted."""


def _forbidden_message(runtime: tuple[str, ...], static: tuple[Use, ...], refusals: tuple[Refusal, ...] = ()) -> str:
    parts = []
    found = {f"{use.name} (line {use.line})": None for use in static}
    found.update({f"{name} (called while running)": None for name in runtime if name not in {u.name for u in static}})
    if found:
        parts.append(f"uses {', '.join(found)}, which this exercise does not allow: implement it yourself")
    if refusals:
        listed = "; ".join(f"line {r.line}: {r.reason}" for r in refusals[:SHOWN_REFUSALS])
        more = len(refusals) - SHOWN_REFUSALS
        listed += f"; and {more} more" if more > 0 else ""
        parts.append(f"this exercise forbids some APIs, and the grader cannot check this module's code for them "
                     f"({listed}): write it with plain names and public functions")
    return "; ".join(parts)


def forbid_whole_exercises(cases: list[Case], verdicts: dict[str, Verdict]) -> dict[str, Verdict]:
    """A forbidden use found on any case of an exercise, statically or while running, gives 0 for every case of
    that exercise: raising cases too, which may return before reaching the forbidden call. Cases the grader
    could not judge (grader error) or skipped (no CUDA, scored by their CPU twin) keep their verdict."""
    first: dict[str, tuple[Case, Verdict]] = {}
    for case in sorted(cases, key=lambda case: not case.visible):  # a visible case's finding first, if any
        verdict = verdicts.get(case.key)
        if verdict is not None and verdict.status is Status.FORBIDDEN:
            first.setdefault(case.exercise, (case, verdict))
    spread = dict(verdicts)
    for case in cases:
        verdict, found = verdicts.get(case.key), first.get(case.exercise)
        if found is None or verdict is None or verdict.status in (Status.FORBIDDEN, Status.GRADER_ERROR,
                                                                  Status.SKIPPED):
            continue
        where, forbidden = found
        # Found only while a hidden case ran: which case, and which of the forbidden names, were the student's
        # choice there and could carry that case's inputs; the visible cases say only that it happened.
        what = f"{forbidden.message} (case {where.name})" if where.visible else HIDDEN_FORBIDDEN
        spread[case.key] = Verdict(Status.FORBIDDEN, f"{what}; a forbidden API anywhere in an exercise gives 0 for "
                                                     "all of its cases", staff=forbidden.message)
    return spread


def _raised(case: Case, expected: Expected, outcome: Outcome, memory_mb: int) -> Verdict:
    error = f"{outcome.error_type}: {outcome.message}".rstrip(": ")
    details = _join(_call_text(case), outcome.traceback, _printed(outcome.stdout))
    if outcome.error_type == "NotImplementedError":
        return Verdict(Status.NOT_IMPLEMENTED, "not implemented yet (the function raises NotImplementedError)")
    if expected.raises is not None and expected.raises in outcome.error_mro:
        if outcome.mutated:
            return Verdict(Status.FAILED, _mutated_message(outcome.mutated), details, hidden=HIDDEN_MUTATED)
        return Verdict(Status.PASSED, f"raised {expected.raises} as expected")
    if outcome.error_type == "MemoryError":
        return Verdict(Status.ERROR, f"memory limit of {memory_mb} MB exceeded (MemoryError)", details,
                       hidden=HIDDEN_MEMORY)
    # A hidden case says only that an exception was raised: its message is the student's text, which can hold the
    # hidden inputs (`raise ValueError(repr(image))`), and so can the choice of its class (a red team read each
    # hidden image's height from which built-in exception was raised). The student reproduces it on visible cases.
    if expected.raises is not None:
        return Verdict(Status.FAILED, f"expected {expected.raises} for these arguments, but it raised {error}", details,
                       hidden=HIDDEN_OTHER_EXCEPTION)
    return Verdict(Status.ERROR, f"raised {error}", details, hidden=HIDDEN_RAISED)


def _returned(case: Case, expected: Expected, outcome: Outcome, rule: Comparison) -> Verdict:
    if expected.raises is not None:
        return Verdict(Status.FAILED, f"expected {expected.raises} for these arguments (invalid input), "
                                      f"but it returned {describe(outcome.value)}",
                       _join(_call_text(case), _printed(outcome.stdout)),
                       hidden=HIDDEN_RETURNED_FOR_INVALID)
    if outcome.mutated:
        return Verdict(Status.FAILED, _mutated_message(outcome.mutated), _call_text(case), hidden=HIDDEN_MUTATED)
    mismatch = compare(outcome.value, expected.value, rule)
    if mismatch is None:
        return _timed(case, outcome) if case.speed is not None else Verdict(Status.PASSED, "passed")
    return Verdict(Status.FAILED, mismatch.summary,
                   _join(_call_text(case), _whole_lists(outcome.value, expected.value), mismatch.details,
                         _printed(outcome.stdout)),
                   hidden=HIDDEN_PHRASES.get(mismatch.kind, HIDDEN_PHRASES["value"]),
                   summary=hidden_summary(mismatch.wrong_fraction, mismatch.largest))


def _timed(case: Case, outcome: Outcome) -> Verdict:
    """A right answer in a speed case: passed when it ran within `max_ratio` times the baseline's time.

    The student reads which side of the threshold it fell on, not the measured times, which differ from run to
    run (results.json stays byte-identical); staff get the numbers."""
    speed = case.speed
    limit = f"{speed.max_ratio:g}x the time of {speed.baseline} on the same input"
    if outcome.timing is None:
        return Verdict(Status.FAILED, f"right, but the speed case could not be timed: {outcome.timing_problem}",
                       staff=outcome.timing_problem, hidden=HIDDEN_UNTIMED)
    student, baseline = outcome.timing
    ratio = student / baseline if baseline > 0 else float("inf")
    measured = ", ".join(f"{r:.1f}x" for r in outcome.timing_ratios) or f"{ratio:.1f}x"
    staff = (f"{ratio:.1f}x: {student * 1e3:.3f} ms against {baseline * 1e3:.3f} ms of CPU time per call for "
             f"{speed.baseline} (measurements: {measured}; the limit is {speed.max_ratio:g}x)")
    if ratio <= speed.max_ratio:
        return Verdict(Status.PASSED, f"passed: right, and within {limit}", staff=staff)
    advice = f"; {speed.hint}" if speed.hint else ""
    return Verdict(Status.FAILED, f"right, but slower than {limit} (CPU time, measured twice){advice}",
                   staff=staff, hidden=HIDDEN_SLOW)  # as _too_slow's: one text, however decided


def _too_slow(case: Case, outcome: Outcome) -> Verdict:
    """A speed case's call stopped before it returned, once its CPU time was certainly over `max_ratio` times the
    baseline's: the same verdict whatever the machine's load (the wall clock would decide it only under load)."""
    speed = case.speed
    limit = f"{speed.max_ratio:g}x the time of {speed.baseline} on the same input"
    student, baseline = outcome.timing
    staff = (f"stopped after {student * 1e3:.0f} ms of CPU time, {student / baseline:.0f}x the {baseline * 1e3:.3f} ms "
             f"per call of {speed.baseline} (the limit is {speed.max_ratio:g}x)")
    advice = f"; {speed.hint}" if speed.hint else ""
    return Verdict(Status.FAILED, f"slower than {limit}: stopped before it returned, once its CPU time was "
                                  f"certainly over{advice}", staff=staff, hidden=HIDDEN_SLOW)


def _whole_lists(got: object, expected: object) -> str:
    """A wrong list (cnn_output_shapes) in full above the expected one, where both are short plain data."""
    if type(expected) not in (list, tuple) or type(got) not in (list, tuple):
        return ""
    shown = repr(got), repr(expected)
    if max(map(len, shown)) > 300 or any("array" in text or "Tensor" in text for text in shown):
        return ""
    return f"got:      {shown[0]}\nexpected: {shown[1]}"


def _mutated_message(names: tuple[str, ...]) -> str:
    listed = ", ".join(names)
    return f"your function modified its input{'s' if len(names) > 1 else ''} {listed} in place; work on a copy"


def _printed(stdout: str) -> str:
    return f"Your code printed:\n{stdout.rstrip()}" if stdout.strip() else ""


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _call_text(case: Case) -> str:
    """`conv2d(image=array([[...]]), kernel=..., padding=1)`: the call, small values in full."""
    return f"Called {case.exercise}({', '.join(f'{k}={_short(v)}' for k, v in case.args.items())})"


def _short(value: object) -> str:
    if isinstance(value, np.ndarray):
        if value.size <= 36:
            body = " ".join(np.array2string(value, separator=", ", precision=4).split())
            return f"np.array({body}, dtype={value.dtype})"
        return f"<array of shape {value.shape}, dtype {value.dtype}>"
    if type(value).__module__.startswith("torch"):
        return f"<tensor of shape {tuple(value.shape)}, {value.dtype}, on {value.device}>"
    if isinstance(value, TensorData):  # a tensor as plain data (the student kit's grader never imports torch)
        return f"<tensor of shape {value.shape}, torch.{value.dtype}, on {value.device}>"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "…"
