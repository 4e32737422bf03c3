"""The class page (grades/class.html): what the class got wrong, for the instructor's next lecture.

From a ClassSummary (batch/summary.py) alone: the known mistakes ranked by how many students made them (what to
re-teach), the score distribution (graded students apart from those whose 0 says nothing about their code), each
exercise's pass rate, and the mistakes' frequencies. The pictures are inline SVG, each with a <title> and a
<desc> saying its numbers in words, and each followed by the same numbers as a table.

Like reporters/html.py: one self-contained file, no script, nothing loaded (inline CSS, no fonts), every text
escaped (student ids are folder names a student may have chosen); the same summary gives the same bytes.
"""
from __future__ import annotations

from html import escape
from typing import Mapping, Sequence

from autograder.batch.summary import Bar, ClassSummary, Grading
from autograder.reporters.html import head

GRADING_WORDS = {
    Grading.GRADED: "graded: every exercise ran, a 0 is the code's own",
    Grading.PARTLY: "partly graded: some exercises could not be graded (a module that does not import, "
                    "an unreadable answers.yaml)",
    Grading.UNGRADABLE: "ungradable: nothing could be loaded (syntax error, exception at import, missing files or "
                        "functions)",
    Grading.REFUSED: "upload refused: empty, not a readable zip, hostile members, not a notebook",
    Grading.GRADER_ERROR: "grader error: the grader failed, the score is not the student's (re-run grade-all)",
}
GRADED_COLOUR, NOT_GRADED_COLOUR, TRACK = "#1f5f9e", "#8a8a8a", "#ececec"
PASS_COLOUR, MISTAKE_COLOUR = "#2e7d32", "#b3261e"
WIDTH = 760
"""Every picture's width in SVG units (it scales down with the page)."""
ROW = 24
"""The height of one bar of a bar chart."""
NUM = ' class="num"'

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 900px;
       padding: 0 1em; color: #1d1d1f; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.who { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.2em 0.7em; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0.8em 0; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.9em; color: #444; }
details { margin: 0.3em 0 1em; } summary { cursor: pointer; color: #1f5f9e; }
ol.reteach li { margin: 0.3em 0; } .count { font-weight: bold; } .hint { color: #555; }
"""


def page(summary: ClassSummary, course: str = "", title: str = "",
         mistake_notes: Mapping[tuple[str, str], str] | None = None,
         similar: Sequence[tuple[str, str, str, float]] = (), similar_link: str = "") -> str:
    """The class page. `course` and `title` (the course's and the assignment's names) head it; `mistake_notes`
    ({(exercise, mistake id): what the student probably did}, from assignment.yaml) explain the mistakes;
    `similar` ((a, b, exercise or "", similarity) from `autograder similarity`) lists the closest pairs, linking
    to `similar_link`, the similarity index page."""
    notes = mistake_notes or {}
    heading = f"{title or 'Assignment'}: the class"
    parts = [
        *head(heading, STYLE),
        "<body>",
        f"<h1>{_e(heading)}</h1>",
        f'<p class="who">{_e(course) + " · " if course else ""}{summary.students} students · totals out of '
        f"{_n(summary.max_score)}: mean {_n(summary.mean)}, median {_n(summary.median)}, min {_n(summary.minimum)}, "
        f"max {_n(summary.maximum)}</p>",
        _gradings(summary),
        _reteach(summary, notes),
        _distribution_figure(summary),
        _pass_rate_figure(summary),
        _mistakes_figure(summary),
        _similar(similar, similar_link),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _gradings(summary: ClassSummary) -> str:
    rows = ['<table class="gradings">', '<tr><th class="num">students</th><th>grading</th></tr>']
    rows += [f'<tr><td class="num">{n}</td><td>{_e(GRADING_WORDS[kind])}</td></tr>' for kind, n in summary.gradings]
    rows.append("</table>")
    named = [("could not be graded at all", summary.ungradable), ("the grader failed on", summary.grader_errors)]
    rows += [f"<p>{len(students)} {what}: {_e(', '.join(students))} (see their run.json).</p>"
             for what, students in named if students]
    return "\n".join(rows)


def _similar(similar: Sequence[tuple[str, str, str, float]], link: str) -> str:
    """The closest pairs of `autograder similarity`, where it was run into the grades folder."""
    if not similar:
        return ""
    rows = ['<section aria-labelledby="similar"><h2 id="similar">Most similar code</h2>',
            f'<p>Information, never a grade: read the pairs side by side (<a href="{_e(link)}">all pairs</a>) '
            f'before concluding anything.</p>', '<table class="similar">',
            '<tr><th scope="col">student</th><th scope="col">student</th><th scope="col">exercise</th>'
            '<th scope="col" class="num">similarity</th></tr>']
    rows += [f'<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(exercise or "whole submission")}</td>'
             f'<td class="num">{value:.0%}</td></tr>' for a, b, exercise, value in similar]
    rows += ["</table>", "</section>"]
    return "\n".join(rows)


def _reteach(summary: ClassSummary, notes: Mapping[tuple[str, str], str]) -> str:
    ranked = summary.mistakes
    parts = ["<h2>What to re-teach</h2>"]
    if not ranked:
        parts.append("<p>No known mistake was diagnosed in this class.</p>")
    else:
        parts.append("<p>The known mistakes diagnosed in the students' answers, most frequent first.</p>")
        parts.append('<ol class="reteach">')
        for m in ranked:
            note = notes.get((m.exercise, m.mistake), "")
            hint = f' <span class="hint">{_e(note)}</span>' if note else ""
            parts.append(f"<li><code>{_e(m.mistake)}</code> in <code>{_e(m.exercise)}</code>: "
                         f'<span class="count">{_students(m.students)}</span> of {summary.students} '
                         f"({m.share:.0%}).{hint}</li>")
        parts.append("</ol>")
    lowest = sorted((e for e in summary.exercises if e.pass_rate < 1), key=lambda e: e.pass_rate)[:3]
    if lowest:
        parts.append("<p>Lowest pass rates (full marks): " + ", ".join(
            f"<code>{_e(e.id)}</code> {e.pass_rate:.0%}" for e in lowest) + ".</p>")
    return "\n".join(parts)


def _distribution_figure(summary: ClassSummary) -> str:
    bars = summary.distribution
    words = "; ".join(f"{_n(b.low)} to {_n(b.high)}: {b.graded} graded" + (f", {b.not_graded} not graded"
                                                                             if b.not_graded else "")
                      for b in bars if b.graded or b.not_graded)
    svg = _histogram(bars, summary.max_score, "figure-distribution", "Score distribution",
                     f"{summary.students} students' totals out of {_n(summary.max_score)}, in {len(bars)} bars of "
                     f"equal width. {words}.")
    rows = [(f"{_n(b.low)} – {_n(b.high)}" + (" (inclusive)" if i == len(bars) - 1 else ""), str(b.graded),
             str(b.not_graded)) for i, b in enumerate(bars)]
    return "\n".join([
        "<h2>Score distribution</h2>",
        "<figure>", svg,
        f"<figcaption>Totals out of {_n(summary.max_score)}. Blue: graded students; grey, hatched: students whose "
        f"score says nothing about their code (ungradable, upload refused, grader error).</figcaption>",
        "</figure>",
        _table("The distribution as a table", ("total", "graded", "not graded"), rows),
    ])


def _pass_rate_figure(summary: ClassSummary) -> str:
    items = [(e.id, e.pass_rate, f"{e.pass_rate:.0%}") for e in summary.exercises]
    words = "; ".join(f"{label} {text}" for label, _, text in items)
    svg = _bar_chart(items, 1.0, PASS_COLOUR, "figure-pass-rate", "Pass rate per exercise",
                     f"The share of the {summary.students} students with full marks on each exercise: {words}.")
    rows = [(e.id, e.title if e.title != e.id else "", _n(e.points), _n(e.mean), f"{e.pass_rate:.0%}")
            for e in summary.exercises]
    return "\n".join([
        "<h2>Pass rate per exercise</h2>",
        "<figure>", svg,
        "<figcaption>The share of students with full marks on each exercise, in the assignment's order.</figcaption>",
        "</figure>",
        _table("The exercises as a table", ("exercise", "title", "points", "mean", "pass rate"), rows),
    ])


def _mistakes_figure(summary: ClassSummary) -> str:
    ranked = summary.mistakes
    if not ranked:
        return "<h2>Known mistakes</h2>\n<p>None diagnosed: there is nothing to draw.</p>"
    items = [(f"{m.exercise}: {m.mistake}", m.students / summary.students, _students(m.students)) for m in ranked]
    words = "; ".join(f"{label}, {text}" for label, _, text in items)
    svg = _bar_chart(items, 1.0, MISTAKE_COLOUR, "figure-mistakes", "Known mistakes",
                     f"How many of the {summary.students} students made each known mistake, most frequent first: "
                     f"{words}.")
    rows = [(m.exercise, m.mistake, str(m.students), f"{m.share:.0%}") for m in ranked]
    return "\n".join([
        "<h2>Known mistakes</h2>",
        "<figure>", svg,
        f"<figcaption>Students in whose answers each known mistake was diagnosed (bar length: share of the "
        f"{summary.students} students), most frequent first.</figcaption>",
        "</figure>",
        _table("The mistakes as a table", ("exercise", "mistake", "students", "share"), rows),
    ])


def _histogram(bars: Sequence[Bar], max_score: float, ident: str, title: str, desc: str) -> str:
    """Stacked vertical bars: graded students (solid) under not-graded ones (hatched)."""
    left, right, top, bottom, height = 56, 20, 36, 44, 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    highest = max([b.graded + b.not_graded for b in bars] + [1])
    step = _tick_step(highest)
    ceiling = -(-highest // step) * step
    scale = plot_h / ceiling
    width = plot_w / max(len(bars), 1)
    parts = [_svg_open(ident, title, desc, height),
             '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#d0d0d0"/>'
             f'<rect width="3" height="6" fill="{NOT_GRADED_COLOUR}"/></pattern></defs>']
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - tick * scale
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, bar in enumerate(bars):
        x = left + i * width + 2
        graded_h, not_graded_h = bar.graded * scale, bar.not_graded * scale
        base = top + plot_h
        label = f"{_n(bar.low)} to {_n(bar.high)}"
        if bar.graded:
            parts.append(f'<rect x="{x:.1f}" y="{base - graded_h:.1f}" width="{width - 4:.1f}" '
                         f'height="{graded_h:.1f}" fill="{GRADED_COLOUR}"><title>{label}: {bar.graded} graded'
                         f"</title></rect>")
        if bar.not_graded:
            parts.append(f'<rect x="{x:.1f}" y="{base - graded_h - not_graded_h:.1f}" width="{width - 4:.1f}" '
                         f'height="{not_graded_h:.1f}" fill="url(#hatch)" stroke="{NOT_GRADED_COLOUR}">'
                         f"<title>{label}: {bar.not_graded} not graded</title></rect>")
        count = bar.graded + bar.not_graded
        if count:
            parts.append(f'<text x="{x + (width - 4) / 2:.1f}" y="{base - graded_h - not_graded_h - 4:.1f}" '
                         f'text-anchor="middle">{count}</text>')
    for i in range(len(bars) + 1):
        x = left + i * width
        value = bars[i].low if i < len(bars) else bars[-1].high
        parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{_n(value)}</text>')
    parts += [f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>',
              f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">total score (out of '
              f"{_n(max_score)})</text>",
              f'<text x="{left}" y="20" text-anchor="start">students</text>',
              f'<rect x="{WIDTH - 250}" y="8" width="12" height="12" fill="{GRADED_COLOUR}"/>'
              f'<text x="{WIDTH - 232}" y="18">graded</text>',
              f'<rect x="{WIDTH - 170}" y="8" width="12" height="12" fill="url(#hatch)" '
              f'stroke="{NOT_GRADED_COLOUR}"/><text x="{WIDTH - 152}" y="18">not graded</text>',
              "</svg>"]
    return "".join(parts)


def _bar_chart(items: Sequence[tuple[str, float, str]], maximum: float, colour: str, ident: str, title: str,
               desc: str) -> str:
    """Horizontal bars, one per (label, value, text written after the bar), on a track of `maximum`."""
    label_w = min(max([len(label) for label, _, _ in items] + [8]) * 7 + 12, WIDTH // 2)
    text_w, top = 90, 8
    plot_w = WIDTH - label_w - text_w
    height = top + ROW * len(items) + 8
    parts = [_svg_open(ident, title, desc, height)]
    for i, (label, value, text) in enumerate(items):
        y = top + i * ROW
        length = plot_w * min(max(value / maximum, 0.0), 1.0) if maximum else 0.0
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{_e(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{plot_w}" height="{ROW - 8}" fill="{TRACK}"/>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" fill="{colour}">'
                     f"<title>{_e(label)}: {_e(text)}</title></rect>"
                     f'<text x="{label_w + plot_w + 8}" y="{y + 16}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(ident: str, title: str, desc: str, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" role="img" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" aria-labelledby="{ident}-title {ident}-desc" '
            f'font-family="system-ui, sans-serif" font-size="12" fill="#1d1d1f">'
            f'<title id="{ident}-title">{_e(title)}</title><desc id="{ident}-desc">{_e(desc)}</desc>')


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """The numbers of a picture, for screen readers and for copying."""
    numeric = [all(_is_number(row[i]) for row in rows) if rows else False for i in range(len(headers))]
    head = "".join(f"<th{NUM if n else ''}>{_e(h)}</th>" for h, n in zip(headers, numeric))
    body = ["<tr>" + "".join(f"<td{NUM if n else ''}>{_e(cell)}</td>" for cell, n in zip(row, numeric))
            + "</tr>" for row in rows]
    return "\n".join([f"<details><summary>{_e(caption)}</summary>", "<table>", f"<tr>{head}</tr>", *body,
                      "</table>", "</details>"])


def _tick_step(highest: int) -> int:
    """A step between the y axis's ticks giving at most about 6 ticks: 1, 2, 5, 10, 20, 50, ..."""
    step = 1
    while highest / step > 6:
        for factor in (2, 5 / 2, 2):
            step = int(step * factor)
            if highest / step <= 6:
                break
    return step


def _is_number(text: str) -> bool:
    return text.rstrip("%").replace(".", "", 1).isdigit()


def _students(n: int) -> str:
    return f"{n} student" if n == 1 else f"{n} students"


def _n(value: float) -> str:
    """A number without trailing zeros, 2 decimals at most: 35, 3.5, 21.93."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _e(text: object) -> str:
    return escape(str(text), quote=True)
