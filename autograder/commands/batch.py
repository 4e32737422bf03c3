"""`autograder grade-all` (a whole class, in parallel, resumable) and `autograder export-grades` (docs/batch.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(commands) -> None:
    grade_all = commands.add_parser(
        "grade-all", help="instructors: grade every submission of a class (folders, zips or nbgrader's "
                          "submitted/), in parallel, resumable; writes OUT/<student>/, grades.csv, mistakes.csv, "
                          "summary.txt, class.html")
    grade_all.add_argument("submissions", metavar="SUBMISSIONS_DIR",
                           help="one folder or .zip per student, or nbgrader's submitted/<student>/<assignment>/")
    grade_all.add_argument("--out", default="grades", help="grades folder (default: grades)")
    grade_all.add_argument("--assignment", help="assignment id (default: the only one)")
    grade_all.add_argument("--jobs", "-j", type=int, help="gradings at once (default: the number of cores; "
                                                          "with dask and no --scheduler: local workers)")
    grade_all.add_argument("--executor", default="processes", choices=("processes", "threads", "dask"),
                           help="where gradings run (default: processes; see docs/batch.md)")
    grade_all.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                                                  "(with --executor dask; default: a local cluster)")
    grade_all.add_argument("--force", action="store_true", help="grade again students graded before")
    grade_all.add_argument("--html", action=argparse.BooleanOptionalAction, default=True,
                           help="write OUT/<student>/report.html, the feedback page with pictures of image "
                                "outputs (default: on; it adds about a second per student; --no-html removes the "
                                "page of a student graded again). OUT/class.html, the class page, is always "
                                "written")
    grade_all.set_defaults(func=cmd_grade_all)

    export = commands.add_parser("export-grades", help="rebuild the class CSV from a grades folder's run.json files")
    export.add_argument("grades", metavar="GRADES_DIR")
    export.add_argument("--out", metavar="FILE", help="CSV file to write (default: print it)")
    export.add_argument("--html", metavar="FILE", help="also write the class page (score distribution, pass "
                                                       "rates, known mistakes) to FILE")
    export.set_defaults(func=cmd_export_grades)


def cmd_grade_all(args: argparse.Namespace) -> int:
    from autograder.batch import store
    from autograder.batch.executors import ExecutorError, open_executor
    from autograder.batch.progress import Progress
    from autograder.batch.runner import grade_all
    from autograder.batch.submissions import LayoutError, discover
    from autograder.batch.summary import summarize, summary_text
    from autograder.cli import EXIT_OK, UsageError, load, write_atomic
    from autograder.reporters.csv import class_csv, mistakes_csv

    folder, out = Path(args.submissions), Path(args.out)
    course = load(args, folder)
    assignment = course.assignment(args.assignment)
    try:
        found = discover(folder, assignment.id)
    except LayoutError as error:
        raise UsageError(str(error)) from None
    for note in found.ignored:
        print(f"ignored {note}", file=sys.stderr)
    try:
        executor = open_executor(args.executor, args.jobs, args.scheduler)
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    print(f"grading {len(found.submissions)} submissions of {assignment.id} into {out}/ "
          f"({args.executor}, {executor.slots} at once)", file=sys.stderr)
    try:
        result = grade_all(course, assignment, found.submissions, out, executor, force=args.force,
                           progress=Progress(len(found.submissions)), reports=_student_reports(args))
    except store.StoreError as error:
        raise UsageError(str(error)) from None
    finally:
        executor.close()
    summary = summarize(result.runs)
    write_atomic(out / "grades.csv", class_csv(result.runs))
    write_atomic(out / "mistakes.csv", mistakes_csv(summary))
    table = summary_text(summary)
    write_atomic(out / "summary.txt", table)
    write_atomic(out / "class.html", _class_page(summary, course, assignment))
    sys.stdout.write(table)
    reports = "".join(f", {out}/<student>/{r.filename}" for r in _student_reports(args))
    print(f"\ngraded {len(result.graded)}, skipped {len(result.skipped)} graded before; wrote "
          f"{out}/<student>/results.json{reports}, {out}/grades.csv, {out}/mistakes.csv, {out}/summary.txt, "
          f"{out}/class.html")
    if result.failed:
        print(f"the grader failed for {', '.join(result.failed)} (details in their run.json); re-run to retry them",
              file=sys.stderr)
    return EXIT_OK


def _student_reports(args: argparse.Namespace) -> tuple:
    """Extra reports written into each grades/<student>/ folder as the student finishes (batch/reports.py):
    rendered in the worker, where the case values are, and written next to results.json."""
    from autograder.batch.reports import HtmlReport

    return (HtmlReport(),) if args.html else ()


def _class_page(summary, course, assignment) -> str:
    """The class page, the known mistakes explained by assignment.yaml's messages."""
    from autograder.reporters import classpage

    notes = {(e.id, m.id): m.message for e in assignment.exercises for m in e.mistakes}
    return classpage.page(summary, course=f"{course.code} {course.title}", title=assignment.title,
                          mistake_notes=notes)


def cmd_export_grades(args: argparse.Namespace) -> int:
    from autograder.batch import store
    from autograder.batch.summary import summarize
    from autograder.cli import EXIT_OK, UsageError, write_atomic
    from autograder.reporters.csv import class_csv

    try:
        runs = store.load_all(Path(args.grades))
    except store.StoreError as error:
        raise UsageError(str(error)) from None
    if not runs:
        raise UsageError(f"{args.grades}: no <student>/run.json there; grade the class with `autograder grade-all`")
    text = class_csv(runs)
    if args.html:
        write_atomic(Path(args.html), _export_page(args, runs, summarize(runs)))
        print(f"wrote {args.html} (the class page)", file=sys.stderr)
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"wrote {args.out} ({len(runs)} students)")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _export_page(args: argparse.Namespace, runs, summary) -> str:
    """The class page of export-grades: with the course's names and mistake messages where the course is found
    (--course, $AUTOGRADER_COURSE or the current folder) and has the runs' assignment; from the runs alone else."""
    from autograder.cli import UsageError, load
    from autograder.reporters import classpage
    from autograder.spec import SpecError

    ids = sorted({run.assignment for _, run in runs})
    try:
        course = load(args)
        assignment = course.assignment(ids[0]) if len(ids) == 1 else None
    except (UsageError, SpecError):
        assignment = None
    if assignment is None:
        return classpage.page(summary, title=", ".join(ids))
    return _class_page(summary, course, assignment)
