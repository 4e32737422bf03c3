"""Plain-text reports for the terminal: one submission's feedback, and a score table of several."""
from __future__ import annotations

from autograder.results import GradingRun, Status

MARKS = {Status.PASSED: "ok", Status.FAILED: "FAIL", Status.ERROR: "ERROR", Status.NOT_IMPLEMENTED: "TODO",
         Status.TIMEOUT: "TIME", Status.CRASHED: "CRASH", Status.FORBIDDEN: "FORBID",
         Status.UNGRADABLE: "UNGRADABLE", Status.GRADER_ERROR: "GRADER", Status.SKIPPED: "SKIP"}


def feedback(run: GradingRun, show_points: bool = True, verbose: bool = False) -> str:
    """Per exercise: a summary line, then one line per case that did not pass (and the details of visible
    ones). `verbose` lists passing cases too."""
    who = f" (student {run.student})" if run.student else ""
    scope = "visible cases" if run.visible_only else "all cases"
    lines = [f"{run.assignment} — {run.submission}{who}, {scope}", ""]
    for exercise in run.exercises:
        passed = sum(c.passed for c in exercise.cases)
        points = f"  {exercise.score:7.2f} / {exercise.points:g}" if show_points else ""
        mark = "ok " if passed == len(exercise.cases) else "   "
        lines.append(f"{mark} {exercise.id:<24} {passed:>3}/{len(exercise.cases):<3} cases{points}")
        lines.extend(f"      {line}" for note in exercise.notes for line in note.splitlines())
        skipped = [c for c in exercise.cases if c.status is Status.SKIPPED]
        if skipped and not verbose:  # one line, not one per CUDA case on a machine without CUDA
            lines.append(f"      {MARKS[Status.SKIPPED]:<6} {len(skipped)} cases ({skipped[0].case}, ...): "
                         f"{skipped[0].message}")
        for case in exercise.cases:
            if (case.passed or case.status is Status.SKIPPED) and not verbose:
                continue
            hidden = "" if case.visible else " (hidden)"
            lines.append(f"      {MARKS[case.status]:<6} {case.case}{hidden}: {case.message}")
            if case.details:
                lines.extend("             " + line for line in case.details.splitlines())
    if show_points:
        lines += ["", f"    {'total':<24} {'':>11}{run.score:7.2f} / {run.max_score:g}"]
    for note in run.notes:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def score_table(runs: list[GradingRun], labels: list[str] | None = None) -> str:
    """A score table of several submissions (labelled by `labels`, default their folder names).

    With fewer submissions than exercises (a handful of examples) the exercises are the rows, so the table
    stays narrow; with a class, the submissions are the rows."""
    if not runs:
        return "no submissions\n"
    names = labels or [r.submission if not r.student else f"{r.submission} ({r.student})" for r in runs]
    exercises = [e.id for e in runs[0].exercises]
    maxima = [f"{e.points:g}" for e in runs[0].exercises] + [f"{runs[0].max_score:g}"]
    cells = [[f"{e.score:g}" for e in run.exercises] + [f"{run.score:g}"] for run in runs]
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
