"""One submission's feedback as a self-contained HTML page: the score table, every exercise's cases with their
messages and details, the exercise notes (known mistakes), and pictures of image-like outputs
(reporters/pictures.py) embedded as data: URIs.

The page is for students: everything from the run is escaped (student output, messages, tracebacks and the
student id are the student's text), it has no script and loads nothing (inline CSS, no fonts or CDN), and staff
details (`CaseResult.staff`) never appear. The same run and pictures give the same bytes.
"""
from __future__ import annotations

import base64
from html import escape
from typing import Iterable

from autograder.reporters.pictures import Picture, pictures_for
from autograder.results import CaseResult, ExerciseResult, GradingRun, Status
from autograder.values import CaseValues

STATUS_WORDS = {Status.PASSED: "passed", Status.FAILED: "failed", Status.ERROR: "error",
                Status.NOT_IMPLEMENTED: "not implemented", Status.TIMEOUT: "timeout", Status.CRASHED: "crashed",
                Status.FORBIDDEN: "forbidden", Status.UNGRADABLE: "ungradable", Status.GRADER_ERROR: "grader error",
                Status.SKIPPED: "skipped"}

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1100px;
       padding: 0 1em; color: #1d1d1f; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
.who { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
section.exercise { border-top: 1px solid #ccc; margin-top: 1.5em; }
h2 { font-size: 1.2em; } h2 .points { float: right; font-weight: normal; color: #555; }
table.cases { width: 100%; table-layout: fixed; }
table.cases th:nth-child(1) { width: 14em; } table.cases th:nth-child(2) { width: 9em; }
table.cases td { overflow-wrap: anywhere; }
.status { display: inline-block; min-width: 7em; padding: 0 0.4em; border-radius: 3px; font-size: 0.85em;
          text-align: center; color: #fff; background: #b3261e; }
.status.passed { background: #2e7d32; }
.status.ungradable, .status.grader_error, .status.skipped { background: #6d6d6d; }
.hidden { color: #595959; font-size: 0.85em; }
nav.fix-first { background: #fdecea; border-left: 4px solid #b3261e; padding: 0.3em 1em 0.5em; margin: 1em 0; }
nav.fix-first h2 { margin: 0.4em 0; } nav.fix-first ol { margin: 0.2em 0; padding-left: 1.4em; }
nav.all-passed { background: #e8f5e9; border-left-color: #2e7d32; }
details.passed { margin: 0.3em 0 1em; } details.passed summary { cursor: pointer; color: #1f5f22; }
.note { background: #fff8e1; border-left: 4px solid #f9a825; padding: 0.4em 0.8em; margin: 0.5em 0;
        white-space: pre-wrap; }
pre { background: #f6f8fa; padding: 0.5em 0.8em; overflow-x: auto; margin: 0.3em 0 0.6em; font-size: 0.85em; }
figure { margin: 0.8em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.85em; color: #555; }
"""


def report(run: GradingRun, values: Iterable[CaseValues] = (), course: str = "", title: str = "") -> str:
    """The page of a run with the pictures of its values (pipeline.grade_with_values): what `grade --html` and
    `grade-all` write."""
    return page(run, pictures_for(run, values), course, title)


def page(run: GradingRun, pictures: Iterable[Picture] = (), course: str = "", title: str = "") -> str:
    """The report of one run. `course` and `title` (the course's and the assignment's names) head the page;
    `pictures` are drawn under their exercises."""
    drawn: dict[str, list[Picture]] = {}
    for picture in pictures:
        drawn.setdefault(picture.exercise, []).append(picture)
    heading = title or run.assignment
    who = f"student {run.student}" if run.student else f"submission {run.submission}"
    scope = "visible cases only" if run.visible_only else "all cases"
    parts = [
        *head(f"{heading} — {who}", STYLE),
        "<body>",
        "<main>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="who">{_e(course) + " · " if course else ""}{_e(who)} · {_e(scope)}</p>',
        _score_table(run),
        _fix_first(run),
        *(f'<div class="note">{_e(note)}</div>' for note in run.notes),
        *(_exercise(exercise, drawn.get(exercise.id, [])) for exercise in run.exercises),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _score_table(run: GradingRun) -> str:
    """Per exercise: the cases that ran and passed (as the console counts them: the CUDA copies a machine without
    a GPU skipped are said apart, never in the denominator), the score and the points."""
    rows = ['<table class="scores">',
            '<tr><th scope="col">exercise</th><th scope="col" class="num">cases passed</th>'
            '<th scope="col" class="num">score</th><th scope="col" class="num">points</th></tr>']
    for exercise in run.exercises:
        ran = [c for c in exercise.cases if c.status is not Status.SKIPPED]
        skipped = len(exercise.cases) - len(ran)
        more = f' <span class="hidden">({skipped} skipped)</span>' if skipped else ""
        rows.append(f'<tr><td><a href="#{_anchor(exercise.id)}">{_e(exercise.id)}</a></td>'
                    f'<td class="num">{sum(c.passed for c in ran)}/{len(ran)}{more}</td>'
                    f'<td class="num">{_number(exercise.score)}</td><td class="num">{_number(exercise.points)}</td></tr>')
    rows.append(f'<tr class="total"><td>total</td><td></td><td class="num">{_number(run.score)}</td>'
                f'<td class="num">{_number(run.max_score)}</td></tr>')
    rows.append("</table>")
    return "\n".join(rows)


FIRST_LINKS = 5
"""Failing cases linked per exercise in the "fix first" list; the rest are counted."""


def _failing(exercise: ExerciseResult) -> list[tuple[int, CaseResult]]:
    """The cases that ran and did not pass, with their index in the exercise (their row's anchor)."""
    return [(i, c) for i, c in enumerate(exercise.cases) if not c.passed and c.status is not Status.SKIPPED]


def _fix_first(run: GradingRun) -> str:
    """The failures first: one line per exercise that lost points, linking to its first failing cases, so a
    student reads what to fix before scrolling through every case."""
    items = []
    for exercise in run.exercises:
        failing = _failing(exercise)
        if not failing:
            continue
        links = ", ".join(f'<a href="#{_case_anchor(exercise.id, i)}">{_e(c.case)}</a> ({_status_word(c.status)})'
                          for i, c in failing[:FIRST_LINKS])
        more = f" and {len(failing) - FIRST_LINKS} more" if len(failing) > FIRST_LINKS else ""
        items.append(f'<li><a href="#{_anchor(exercise.id)}">{_e(exercise.id)}</a> '
                     f'({_number(exercise.score)} / {_number(exercise.points)}): {links}{more}</li>')
    if not items:
        return ('<nav class="fix-first all-passed" aria-labelledby="fix-first"><h2 id="fix-first">Nothing to fix'
                '</h2><p>Every case that ran passed.</p></nav>')
    plural = "s" if len(items) != 1 else ""
    return "\n".join(['<nav class="fix-first" aria-labelledby="fix-first">',
                      f'<h2 id="fix-first">To fix first: {len(items)} exercise{plural}</h2>', "<ol>", *items,
                      "</ol>", "</nav>"])


def _exercise(exercise: ExerciseResult, pictures: list[Picture]) -> str:
    """An exercise's section: its notes and pictures, the cases that did not pass in a table, and those that
    passed folded away (a <details>, no script) so that a long exercise does not push the failures apart."""
    title = f" — {_e(exercise.title)}" if exercise.title and exercise.title != exercise.id else ""
    parts = [f'<section class="exercise" id="{_anchor(exercise.id)}">',
             f'<h2>{_e(exercise.id)}{title} <span class="points">{_number(exercise.score)} / '
             f'{_number(exercise.points)}</span></h2>']
    parts += [f'<div class="note">{_e(note)}</div>' for note in exercise.notes]
    parts += [_figure(picture) for picture in pictures]
    failing = _failing(exercise)
    passed = [(i, c) for i, c in enumerate(exercise.cases) if c.passed]
    skipped = [c for c in exercise.cases if c.status is Status.SKIPPED]
    if failing or skipped:
        parts += ['<table class="cases">', _CASES_HEADER, *(_case(exercise.id, i, case) for i, case in failing)]
        if skipped:  # one row, not one per CUDA case on a machine without CUDA
            parts.append(f'<tr><td>{len(skipped)} cases ({_e(skipped[0].case)}, …)</td>'
                         f'<td><span class="status skipped">{_status_word(Status.SKIPPED)}</span></td>'
                         f"<td>{_e(skipped[0].message)}</td></tr>")
        parts.append("</table>")
    if passed:
        word = "case" if len(passed) == 1 else "cases"
        parts += ['<details class="passed">',
                  f"<summary>{len(passed)} {word} passed</summary>", '<table class="cases">', _CASES_HEADER,
                  *(_case(exercise.id, i, case) for i, case in passed), "</table>", "</details>"]
    parts.append("</section>")
    return "\n".join(parts)


_CASES_HEADER = '<tr><th scope="col">case</th><th scope="col">status</th><th scope="col">feedback</th></tr>'


def _case(exercise_id: str, index: int, case: CaseResult) -> str:
    hidden = ' <span class="hidden">(hidden)</span>' if not case.visible else ""
    details = f'<pre tabindex="0">{_e(case.details)}</pre>' if case.details else ""
    return (f'<tr id="{_case_anchor(exercise_id, index)}"><td>{_e(case.case)}{hidden}</td>'
            f'<td><span class="status {case.status.value}">{_status_word(case.status)}</span></td>'
            f"<td>{_e(case.message)}{details}</td></tr>")


def _figure(picture: Picture) -> str:
    data = base64.b64encode(picture.png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" width="{picture.width}" height="{picture.height}" '
            f'alt="{_e(picture.description)}">'
            f"<figcaption>{_e(picture.description)}. Expected and yours share one colour scale; in the "
            f"difference, red: yours is larger, blue: smaller.</figcaption></figure>")


def _status_word(status: Status) -> str:
    return STATUS_WORDS.get(status, status.value.replace("_", " "))


def _anchor(exercise_id: str) -> str:
    """An id attribute value: exercise ids are identifiers, anything else is replaced."""
    return "ex-" + "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in exercise_id)


def _case_anchor(exercise_id: str, index: int) -> str:
    """The id of an exercise's `index`-th case row (case names repeat across exercises and hold brackets)."""
    return f"{_anchor(exercise_id)}-case-{index}"


def _number(value: float) -> str:
    """A score rounded to 2 decimals, as in the text report (2.9, 16, 0.33)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def head(title: str, style: str) -> list[str]:
    """The lines of a self-contained page's start, up to its <body>: UTF-8, a viewport, the title (escaped here)
    and the page's own style sheet; nothing loaded from elsewhere."""
    return ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>",
            f"<style>{style}</style>", "</head>"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)
