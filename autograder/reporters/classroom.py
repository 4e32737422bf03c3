"""GitHub Classroom: a GradingRun as the results `classroom-resources/autograding-grading-reporter@v1` reads,
shaped so that every number the reporter prints is the grade, and small whatever the student printed.

What the reporter does (dist/main.js of its tag v1, a copy in tests/classroom_reporter/): for each name in its
`runners` input it decodes the environment variable `<NAME>_RESULTS`, base64 of `{"version": 1, "status",
"max_score", "tests": [{"name", "status", "score", "line_no", "message", ...}]}`, and prints

- per test "✅ <name>" when its status is "pass", "❌ <name>" otherwise, "Error: <message>" for "error", each
  followed by " - line <line_no>" unless line_no is 0;
- "Total points for <runner>: <p>/<max_score>" and, in a table, the same per runner and their total, where p is
  (passing tests / all tests) × max_score: its own count, not the tests' scores;
- "Points <sum of every test's score>/<sum of the runners' max_score>", the notice GitHub Classroom reads into
  its grade column (runners with max_score 0 left out);

and fails the job when a runner's status is "fail" or "error". A runner with no test prints NaN.

The two ways of counting agree exactly where a runner's tests all pass (p = max_score) or none does (p = 0). So
the grade goes to two runners: `earned` has one passing entry per exercise that earned points, with those
points, and max_score the grade; `missed` has one failing entry per exercise that lost points, with score 0, and
max_score the maximum minus the grade. An exercise with partial credit has an entry in each. Then every number
printed is the grade, its complement, or an exercise's points: "Total points for earned: 89.00/89", "Total
points for missed: 0.00/11", the table's total 89 / 100, "Points 89/100". A runner with nothing to list gets one
entry that says so (worth 0: no NaN).

The size is bounded by the course, not by the submission: one entry per exercise, names made from the spec, and
each message cut to MESSAGE_LIMIT characters, so each runner's base64 stays far below Linux's 128 KiB limit on
one environment string (MAX_ARG_STRLEN; above it the reporter is never started: "Argument list too long"). The
complete feedback is the grading step's log, printed before.
"""
from __future__ import annotations

import base64
import enum
import json
import math
from fractions import Fraction
from typing import Any

from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

EARNED = "earned"
MISSED = "missed"
RUNNERS = (EARNED, MISSED)
"""The reporter's `runners` input, in this order; `<NAME>_RESULTS` are their environment variables."""
MESSAGE_LIMIT = 600
"""Characters of an entry's message (which case failed and how); the reporter prints it for an "error" entry."""
CASE_MESSAGE_LIMIT = 160
"""Characters of one case's message inside an entry's message (an exception's text is the student's)."""
RESULT_LIMIT = 32 * 1024
"""The most bytes of one runner's base64: a quarter of MAX_ARG_STRLEN (131072 bytes, `<NAME>_RESULTS=` included)."""
_POINTS = Fraction(1, 10_000)
"""Scores are multiples of this (autograder.scoring.UNIT)."""


class Detail(enum.Enum):
    """How much an entry says, from the most to the least; to_results takes the first that fits RESULT_LIMIT."""

    CASES = "cases"
    """One entry per exercise; its message says which cases did not pass and how (hidden ones: only how)."""
    NAMES = "names"
    """One entry per exercise; its message is its name."""
    TOTALS = "totals"
    """One entry per runner: the grade, and the points missed."""


def to_results(run: GradingRun) -> dict[str, dict[str, Any]]:
    """The reporter's result of each runner, {"earned": ..., "missed": ...}, each within RESULT_LIMIT."""
    for detail in Detail:
        results = _results(run, detail)
        if all(len(encoded(result)) <= RESULT_LIMIT for result in results.values()):
            return results
    raise AssertionError("unreachable: the totals alone are a few hundred bytes")


def encoded(result: dict[str, Any]) -> str:
    """One runner's result as the reporter decodes it: base64 of compact JSON."""
    text = json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def github_output(run: GradingRun) -> str:
    """The grading step's outputs in $GITHUB_OUTPUT's `name=value` lines: `earned=<base64>`, `missed=<base64>`."""
    return "".join(f"{runner}={encoded(result)}\n" for runner, result in to_results(run).items())


def dumps(run: GradingRun) -> str:
    """Both runners' results, readable (for --output): the JSON that `github_output` encodes."""
    return json.dumps(to_results(run), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def points(value: Fraction) -> str:
    """Points as the entries' names print them: exact (multiples of 1/10000), without trailing zeros."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def _results(run: GradingRun, detail: Detail) -> dict[str, dict[str, Any]]:
    exercises = [(e, _exact(e.score), _exact(e.points)) for e in run.exercises if e.points > 0]
    grade = sum((score for _, score, _ in exercises), Fraction(0))
    maximum = sum((most for _, _, most in exercises), Fraction(0))
    earned = [_entry(f"{e.id}: {points(score)} of {points(most)} points", "pass", score, score,
                     _message(e, detail, earned=True), e.module)
              for e, score, most in exercises if score > 0]
    missed = [_entry(f"{e.id}: {points(most - score)} of {points(most)} points missed", _missed_status(e),
                     Fraction(0), most - score, _message(e, detail, earned=False), e.module)
              for e, score, most in exercises if score < most]
    final = min(_exact(run.score), grade)
    if final < grade:  # a late penalty: each exercise keeps its share of what is left, the rest is one entry
        for entry in earned:
            entry["score"] = entry["max_score"] = float(_exact(entry["score"]) * final / grade)
        missed.append(_entry(f"late penalty: {points(grade - final)} points", "fail", Fraction(0), grade - final,
                             run.late.message if run.late else None))
        grade = final
    if detail is Detail.TOTALS:
        earned = earned and [_entry(f"{points(grade)} of {points(maximum)} points", "pass", grade, grade)]
        missed = missed and [_entry(f"{points(maximum - grade)} of {points(maximum)} points missed",
                                    _worst(missed), Fraction(0), maximum - grade)]
    earned = earned or [_entry("no points earned", "fail", Fraction(0), Fraction(0))]
    missed = missed or [_entry("no points missed: every case passed", "pass", Fraction(0), Fraction(0))]
    _sum_to(earned, float(grade))
    earned_max, missed_max = _max_scores(grade, maximum)
    return {EARNED: {"version": 1, "status": "pass", "max_score": earned_max, "tests": earned},
            MISSED: {"version": 1, "status": _worst(missed), "max_score": missed_max, "tests": missed}}


def _exact(value: float) -> Fraction:
    return Fraction(value).limit_denominator(int(1 / _POINTS))


def _entry(name: str, status: str, score: Fraction, max_score: Fraction, message: str | None = None,
           module: str | None = None) -> dict[str, Any]:
    # line_no 0: the reporter prints " - line <line_no>" otherwise ("line undefined" where there is none)
    return {"name": name, "status": status, "score": float(score), "max_score": float(max_score),
            "message": _cut(message or name, MESSAGE_LIMIT), "filename": f"{module}.py" if module else "",
            "line_no": 0}


def _missed_status(exercise: ExerciseResult) -> str:
    """error where the grader failed on a case (not the student's doing), else fail."""
    return "error" if any(c.status is Status.GRADER_ERROR for c in exercise.cases) else "fail"


def _worst(entries: list[dict[str, Any]]) -> str:
    statuses = {entry["status"] for entry in entries}
    return "error" if "error" in statuses else "fail" if "fail" in statuses else "pass"


def _message(exercise: ExerciseResult, detail: Detail, earned: bool) -> str:
    """Which cases passed; for the missed points also which did not, and how (hidden ones: only how). The
    reporter prints it only for an "error" entry: it starts with the exercise, as the name does."""
    if detail is not Detail.CASES:
        return exercise.id
    ran = [c for c in exercise.cases if c.status is not Status.SKIPPED or c.max_score > 0]
    head = f"{exercise.id}: {sum(_full_marks(c) for c in ran)} of {len(ran)} cases passed"
    if earned:
        return head
    parts = [_cut(note, CASE_MESSAGE_LIMIT) for note in exercise.notes]
    parts += [f"{c.case}: {_status(c)}: {_cut(c.message, CASE_MESSAGE_LIMIT)}"
              for c in ran if c.visible and not _full_marks(c)]
    hidden: dict[str, int] = {}
    for case in ran:
        if not case.visible and not _full_marks(case):
            hidden[_status(case)] = hidden.get(_status(case), 0) + 1
    if hidden:
        parts.append("hidden cases: " + ", ".join(f"{n} {status}" for status, n in hidden.items()))
    if any(c.status is Status.GRADER_ERROR for c in ran):
        parts.append("the grader failed on a case, not your code: your instructor has the details")
    return "; ".join([head, *parts])


def _full_marks(case: CaseResult) -> bool:
    return case.score >= case.max_score and (case.passed or case.status is Status.SKIPPED)


def _status(case: CaseResult) -> str:
    return "passed" if case.passed else case.status.value.replace("_", " ")


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _sum_to(entries: list[dict[str, Any]], total: float) -> None:
    """Make the reporter's floating-point sum of the entries' scores (from 0, in order) exactly `total`: sums of
    decimals such as 0.1 + 0.2 + 2.7696 come out as 3.0696000000000003, and Classroom would show that.

    Where they do not add up exactly, the scores move to multiples of `total`'s unit in the last place, and the
    last one takes what is left: every partial sum is then a multiple of that unit below `total`, which a double
    holds exactly, so no addition rounds. No score moves by more than a few such units (1e-13 of a point); the
    reporter prints none of them."""
    if total == 0 or _js_sum(entry["score"] for entry in entries) == total:
        return
    unit = Fraction(math.ulp(total))
    units = [round(Fraction(entry["score"]) / unit) for entry in entries]
    units[-1] = int(Fraction(total) / unit) - sum(units[:-1])
    for entry, count in zip(entries, units):
        entry["score"] = entry["max_score"] = float(count * unit)


def _max_scores(grade: Fraction, maximum: Fraction) -> tuple[float, float]:
    """The runners' max_score: the grade and the rest. Their floating-point sum is the maximum: two decimals
    whose exact sum is a double add up to it (tests/reporters/test_classroom.py checks it for every grade of
    three courses' maxima)."""
    return float(grade), float(maximum - grade)


def _js_sum(values) -> float:
    """Array.reduce((a, b) => a + b, 0) in JavaScript: IEEE doubles added left to right from 0."""
    total = 0.0
    for value in values:
        total += value
    return total
