"""What `autograder similarity` writes: pairs.csv (every pair, per exercise and whole), index.html (the closest
pairs first, per unit) and pairs/<a>__<b>__<unit>.html (the two units side by side, the regions copydetect
finds in both marked). Everything from submissions is escaped; the pages load nothing and run no script."""
from __future__ import annotations

import csv
import hashlib
import io
from html import escape
from pathlib import Path
from typing import Sequence

import numpy as np

from autograder.reporters.csv import number_cell, text_cell
from autograder.reporters.html import head
from autograder.similarity.fingerprints import Pair, fingerprint
from autograder.similarity.units import WHOLE, Unit

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1200px;
       padding: 0 1em; color: #1d1d1f; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.7em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f6f8fa; padding: 0.5em 0.8em; overflow-x: auto; font-size: 0.85em; }
mark { background: #ffe08a; color: #1d1d1f; }
.note { color: #444; }
"""


def pairs_csv(pairs: Sequence[Pair]) -> str:
    """a, b, exercise, similarity: one row per pair and unit (exercise empty for the whole submission)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["a", "b", "exercise", "similarity"])
    for pair in pairs:
        writer.writerow([text_cell(pair.a), text_cell(pair.b), pair.exercise, number_cell(pair.similarity)])
    return out.getvalue()


def read_closest(folder: Path, top: int = 10, at_least: float = 0.5) -> list[tuple[str, str, str, float]]:
    """(a, b, exercise, similarity) of the `top` closest pairs in `folder`/pairs.csv (any unit, the whole
    submission first among equals), for the class page; [] where there is no readable pairs.csv."""
    try:
        with (folder / "pairs.csv").open(encoding="utf-8", newline="") as stream:
            rows = [(r["a"], r["b"], r["exercise"], float(r["similarity"])) for r in csv.DictReader(stream)]
    except (OSError, KeyError, ValueError, csv.Error):
        return []
    rows = [row for row in rows if row[3] >= at_least]
    return sorted(rows, key=lambda r: (-r[3], r[2] != WHOLE, r[2], r[0], r[1]))[:top]


def closest(pairs: Sequence[Pair], exercise: str, top: int, at_least: float) -> list[Pair]:
    """The `top` closest pairs of one unit with a similarity of at least `at_least`, closest first."""
    chosen = [p for p in pairs if p.exercise == exercise and p.similarity >= at_least and p.shared]
    return sorted(chosen, key=lambda p: (-p.similarity, p.a, p.b))[:top]


def page_name(pair: Pair) -> str:
    """The file of a pair's page: safe whatever the student ids (a digest of them)."""
    digest = hashlib.sha256(f"{pair.a}\0{pair.b}\0{pair.exercise}".encode()).hexdigest()[:16]
    return f"pairs/{pair.exercise or 'whole'}-{digest}.html"


def index_page(title: str, shown: dict[str, list[Pair]], students: int) -> str:
    """The closest pairs of each unit (the whole submission first), linking to their pages."""
    parts = [*head(f"Code similarity — {title}", STYLE), "<body>", "<main>", f"<h1>Code similarity: {_e(title)}</h1>",
             f'<p class="note">{students} submissions. Similarity is information for you, never a grade: read the '
             f"pair's page before concluding anything. The stubs handed out are excluded; renamed identifiers, "
             f"reordered functions, comments and layout do not change it.</p>"]
    for exercise, pairs in shown.items():
        name = "Whole submission" if exercise == WHOLE else f"Exercise {exercise}"
        parts.append(f"<h2>{_e(name)}</h2>")
        if not pairs:
            parts.append('<p class="note">No pair above the threshold.</p>')
            continue
        parts += ["<table>", '<tr><th scope="col">student</th><th scope="col">student</th>'
                  '<th scope="col">similarity</th><th scope="col">page</th></tr>']
        parts += [f'<tr><td>{_e(p.a)}</td><td>{_e(p.b)}</td><td class="num">{p.similarity:.0%}</td>'
                  f'<td><a href="{page_name(p)}">side by side</a></td></tr>' for p in pairs]
        parts.append("</table>")
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def pair_page(pair: Pair, left: Unit, right: Unit, stub: Unit | None) -> str:
    """The two units side by side, the regions copydetect matches in both marked."""
    from copydetect import compare_files

    boilerplate = frozenset(fingerprint(stub.text).hashes) if stub else frozenset()
    one, two = fingerprint(left.text, boilerplate), fingerprint(right.text, boilerplate)
    _, (cover_a, cover_b), (slices_a, slices_b) = compare_files(one, two)
    name = "the whole submission" if pair.exercise == WHOLE else f"exercise {pair.exercise}"
    parts = [*head(f"{pair.a} and {pair.b}: {name}", STYLE), "<body>", "<main>",
             f"<h1>{_e(pair.a)} and {_e(pair.b)}: {_e(name)}</h1>",
             f'<p class="note">Similarity {pair.similarity:.0%} ({pair.shared} fingerprints in common). Marked: the '
             f"regions found in both ({cover_a:.0%} of {_e(pair.a)}'s code, {cover_b:.0%} of {_e(pair.b)}'s, after "
             f'names and layout are set aside). <a href="../index.html">All pairs</a></p>',
             '<div class="side">',
             f'<section><h2>{_e(pair.a)}</h2><pre tabindex="0">{_marked(left.text, slices_a)}</pre></section>',
             f'<section><h2>{_e(pair.b)}</h2><pre tabindex="0">{_marked(right.text, slices_b)}</pre></section>',
             "</div>", "</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _marked(text: str, slices: np.ndarray) -> str:
    """`text` escaped, each [start, end) of `slices` (2 x n) in <mark>."""
    if slices.size == 0:
        return _e(text)
    out, at = [], 0
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        out += [_e(text[at:start]), "<mark>", _e(text[start:end]), "</mark>"]
        at = end
    out.append(_e(text[at:]))
    return "".join(out)


def _e(text: object) -> str:
    return escape(str(text), quote=True)
