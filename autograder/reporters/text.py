"""Plain-text reports for the terminal: one submission's feedback, and a score table of several."""
from __future__ import annotations

from autograder.results import GradingRun, Status

MARKS = {Status.PASSED: "ok", Status.FAILED: "FAIL", Status.ERROR: "ERROR", Status.NOT_IMPLEMENTED: "TODO",
         Status.TIMEOUT: "TIME", Status.CRASHED: "CRASH", Status.FORBIDDEN: "FORBID",
         Status.UNGRADABLE: "UNGRADABLE", Status.GRADER_ERROR: "GRADER"}


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
        for case in exercise.cases:
            if case.passed and not verbose:
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
    """Submissions as rows (labelled by `labels`, default their folder names), exercises as columns, total last."""
    if not runs:
        return "no submissions\n"
    exercises = [e.id for e in runs[0].exercises]
    names = labels or [r.submission if not r.student else f"{r.submission} ({r.student})" for r in runs]
    first = max(len("submission"), *(len(n) for n in names))
    widths = [max(len(e), 6) for e in exercises]
    header = "  ".join(["submission".ljust(first)] + [e.rjust(w) for e, w in zip(exercises, widths)] + ["total".rjust(12)])
    lines = [header, "-" * len(header)]
    for name, run in zip(names, runs):
        scores = {e.id: e.score for e in run.exercises}
        cells = [f"{scores.get(e, 0):g}".rjust(w) for e, w in zip(exercises, widths)]
        lines.append("  ".join([name.ljust(first)] + cells + [f"{run.score:g}/{run.max_score:g}".rjust(12)]))
    maxima = {e.id: e.points for e in runs[0].exercises}
    lines.append("  ".join(["(max)".ljust(first)] + [f"{maxima[e]:g}".rjust(w) for e, w in zip(exercises, widths)]
                           + [f"{runs[0].max_score:g}".rjust(12)]))
    return "\n".join(lines) + "\n"
