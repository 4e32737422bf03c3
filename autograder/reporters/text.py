"""Plain-text reports for the terminal: one submission's feedback, and a score table of several."""
from __future__ import annotations

import re

from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

MARKS = {Status.PASSED: "ok", Status.FAILED: "FAIL", Status.ERROR: "ERROR", Status.NOT_IMPLEMENTED: "TODO",
         Status.TIMEOUT: "TIME", Status.CRASHED: "CRASH", Status.FORBIDDEN: "FORBID",
         Status.UNGRADABLE: "UNGRADABLE", Status.GRADER_ERROR: "GRADER", Status.SKIPPED: "SKIP"}


def points(value: float) -> str:
    """A score as the reports print it: rounded to 2 decimals, without trailing zeros (2.9, 16, 0.33)."""
    return f"{round(value, 2):g}"


def feedback(run: GradingRun, show_points: bool = True, verbose: bool = False) -> str:
    """Per exercise: a summary line, its notes (a known mistake is named there, once), then one line per case
    that did not pass (and the details of visible ones). `verbose` lists passing cases too. The CUDA copies that
    this machine could not run are one line; an exercise whose other cases all pass is marked ok."""
    who = f" (student {run.student})" if run.student else ""
    scope = "visible cases" if run.visible_only else "all cases"
    lines = [f"{run.assignment} — {run.submission}{who}, {scope}", ""]
    reported: set[str] = set()  # modules whose import error was shown in full
    for exercise in run.exercises:
        ran = [c for c in exercise.cases if c.status is not Status.SKIPPED]
        passed = sum(c.passed for c in ran)
        score = f"  {exercise.score:7.2f} / {points(exercise.points)}" if show_points else ""
        mark = "ok " if ran and passed == len(ran) else "   "
        lines.append(f"{mark} {exercise.id:<24} {passed:>3}/{len(ran):<3} cases{score}")
        lines.extend(f"      {line}" for note in exercise.notes for line in note.splitlines())
        skipped = [c for c in exercise.cases if c.status is Status.SKIPPED]
        if skipped and not verbose:  # one line, not one per CUDA case on a machine without CUDA
            reason = skipped[0].message.split(":", 1)[0]
            lines.append(f"      {MARKS[Status.SKIPPED]:<6} {len(skipped)} CUDA copies ({skipped[0].case}, ...): "
                         f"{reason}; each is scored as its CPU case")
        unloadable = _one_import_error(exercise)
        if unloadable is not None and not verbose:
            lines.extend(_import_error_lines(exercise, unloadable, reported))
            continue
        for case in exercise.cases:
            if (case.passed or case.status is Status.SKIPPED) and not verbose:
                continue
            hidden = "" if case.visible else " (hidden)"
            lines.append(f"      {MARKS[case.status]:<6} {case.case}{hidden}: {case.message}")
            if case.details:
                lines.extend("             " + line for line in case.details.splitlines())
    if show_points:
        lines += ["", f"    {'total':<24} {'':>11}{run.score:7.2f} / {points(run.max_score)}"]
    for note in run.notes:
        lines += ["", note]
    return shown("\n".join(lines) + "\n")


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Terminal controls (ESC starts the sequences that move the cursor, clear the screen, set the title or the
clipboard; CR returns to the line's start) and Unicode's bidirectional overrides, which reorder what is shown."""


def shown(text: str) -> str:
    """`text` with every control character but newline and tab written as an escape (`\\x1b`, `\\x0d`,
    `\\u202e`): the feedback holds what the student's code printed and raised, and a terminal or a CI log that
    ran its escapes could show a TA, or GitHub's log, another score than the grade."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def _one_import_error(exercise: ExerciseResult) -> CaseResult | None:
    """The case standing for all of them where every case is ungradable with one message (a module that does
    not import): said once, not once per case. Hidden cases say only that they could not be graded
    (verdict.HIDDEN_BY_STATUS): the visible ones give the reason."""
    ran = [c for c in exercise.cases if c.status is not Status.SKIPPED]
    if not ran or any(c.status is not Status.UNGRADABLE for c in ran):
        return None
    visible = [c for c in ran if c.visible] or ran
    return visible[0] if len({c.message for c in visible}) == 1 else None


def _import_error_lines(exercise: ExerciseResult, case: CaseResult, reported: set[str]) -> list[str]:
    if exercise.module in reported:
        return [f"      {MARKS[Status.UNGRADABLE]} {exercise.module}.py could not be imported (above)"]
    reported.add(exercise.module)
    details = case.details.splitlines() if case.visible else []
    return [f"      {MARKS[Status.UNGRADABLE]} {case.message}", *("      " + line for line in details)]


def score_table(runs: list[GradingRun], labels: list[str] | None = None) -> str:
    """A score table of several submissions (labelled by `labels`, default their folder names).

    With fewer submissions than exercises (a handful of examples) the exercises are the rows, so the table
    stays narrow; with a class, the submissions are the rows."""
    if not runs:
        return "no submissions\n"
    names = labels or [r.submission if not r.student else f"{r.submission} ({r.student})" for r in runs]
    exercises = [e.id for e in runs[0].exercises]
    maxima = [points(e.points) for e in runs[0].exercises] + [points(runs[0].max_score)]
    cells = [[points(e.score) for e in run.exercises] + [points(run.score)] for run in runs]
    if len(runs) < len(exercises):
        rows = [[name, *(c[i] for c in cells), maximum] for i, (name, maximum) in enumerate(zip(exercises + ["total"], maxima))]
        return _table(["exercise", *names, "max"], rows)
    rows = [[name, *row] for name, row in zip(names, cells)] + [["(max)", *maxima]]
    return _table(["submission", *exercises, "total"], rows)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    def line(row: list[str]) -> str:
        return "  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])])
    return "\n".join([line(header), "-" * len(line(header)), *(line(r) for r in rows)]) + "\n"
