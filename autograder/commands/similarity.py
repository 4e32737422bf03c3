"""`autograder similarity SUBMISSIONS_DIR --out similarity/`: code similarity across a class, for the
instructor (autograder/similarity/, docs/batch.md "Code similarity")."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def register(commands) -> None:
    similar = commands.add_parser(
        "similarity", help="instructors: how alike the class's submissions are, per exercise and whole (copydetect; "
                           "information, never a grade): OUT/pairs.csv, OUT/index.html, a page per close pair")
    similar.add_argument("submissions", metavar="SUBMISSIONS_DIR",
                         help="one folder or .zip per student, or nbgrader's submitted/ (as grade-all reads it)")
    similar.add_argument("--out", default="similarity", help="output folder (default: similarity); "
                         "GRADES/similarity puts the closest pairs on grade-all's class page")
    similar.add_argument("--assignment", help="assignment id (default: the only one)")
    similar.add_argument("--top", type=int, default=20, help="pairs listed, with a page each, per exercise and for "
                                                             "the whole submission (default 20)")
    similar.add_argument("--threshold", type=float, default=0.5,
                         help="the least similarity listed on the pages, 0..1 (default 0.5); pairs.csv has all")
    similar.set_defaults(func=cmd_similarity)


def cmd_similarity(args: argparse.Namespace) -> int:
    from autograder.batch.submissions import read_files
    from autograder.batch.unzip import SubmissionRejected
    from autograder.cli import EXIT_OK, UsageError, write_atomic
    from autograder.commands.batch import submissions_of
    from autograder.similarity import WHOLE, compare_class, units_of
    from autograder.similarity.pages import closest, index_page, pair_page, page_name, pairs_csv

    if not 0 <= args.threshold <= 1 or args.top < 1:
        raise UsageError("--threshold is between 0 and 1, --top at least 1")
    started = time.monotonic()
    course, assignment, found = submissions_of(args, Path(args.submissions))
    exercises = {e.id: e.module for e in assignment.exercises}
    units, skipped = {}, []
    for submission in found.submissions:
        try:
            files = read_files(submission, assignment.modules)
        except (SubmissionRejected, OSError) as error:
            skipped.append(f"{submission.student} ({error})")
            continue
        modules = {m: files[f"{m}.py"].decode("utf-8", "replace") for m in assignment.modules if f"{m}.py" in files}
        units[submission.student] = units_of(modules, exercises)
    stubs = units_of({m: (assignment.directory / f"{m}.py").read_text(encoding="utf-8")
                      for m in assignment.modules if (assignment.directory / f"{m}.py").is_file()}, exercises)
    order = (WHOLE, *exercises)
    pairs = compare_class(units, stubs, order, jobs=os.cpu_count() or 1)
    out = Path(args.out)
    write_atomic(out / "pairs.csv", pairs_csv(pairs))
    shown = {exercise: closest(pairs, exercise, args.top, args.threshold) for exercise in order}
    for exercise, listed in shown.items():
        for pair in listed:
            write_atomic(out / page_name(pair), pair_page(pair, units[pair.a][exercise], units[pair.b][exercise],
                                                          stubs.get(exercise)))
    write_atomic(out / "index.html", index_page(assignment.title, shown, len(units)))
    print(f"wrote {out}/pairs.csv ({len(pairs)} rows: {len(units)} submissions, {len(order)} units), "
          f"{out}/index.html and {sum(map(len, shown.values()))} pair pages in {time.monotonic() - started:.1f} s")
    if skipped:
        print(f"not compared (nothing readable): {'; '.join(skipped)}", file=sys.stderr)
    return EXIT_OK
