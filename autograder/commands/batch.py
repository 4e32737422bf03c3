"""`autograder grade-all` (a whole class, in parallel, resumable) and `autograder export-grades` (docs/batch.md)."""
from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from autograder.reporters.lms import FORMATS, Missing


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
    grade_all.add_argument("--only", action="append", metavar="STUDENT",
                           help="regrade just this student (repeat for more), even if graded before; the others' "
                                "results stay as they are and grades.csv and summary.txt are rewritten with them")
    grade_all.add_argument("--times", metavar="FILE",
                           help="a CSV of when each student submitted (a student id column and submitted_at, ISO "
                                "8601 with a UTC offset), for the late penalty of `late:` in course.yaml; "
                                "nbgrader's timestamp.txt is read without it (docs/batch.md)")
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
    export.add_argument("--format", choices=FORMATS,
                        help="write the grade-import file of an LMS instead of grades.csv (needs --roster; "
                             "docs/batch.md, 'Grades into the LMS')")
    export.add_argument("--roster", metavar="FILE",
                        help="a CSV with the grader's student id column and the LMS's identifier columns "
                             "(Canvas: ID / SIS User ID / SIS Login ID; Moodle: email, username or idnumber; "
                             "Brightspace: OrgDefinedId / Username; Blackboard: Username)")
    export.add_argument("--column", help="the roster's column of the grader's student ids (default: student_id, "
                                         "sid or identifier: the LMS's own columns, Student, ID, email, ..., are "
                                         "never guessed to be it)")
    export.add_argument("--missing", choices=[m.value for m in Missing], default=Missing.BLANK.value,
                        help="the cell of a student with no graded submission (ungradable, refused upload, "
                             "grader error, none): blank (default) or zero")
    export.add_argument("--item", help="the grade item's column name (default: the assignment's title; Canvas "
                                       "'Name (id)' or Blackboard 'Name |id' updates an existing one)")
    export.add_argument("--identifier", help="Moodle: the roster column to identify students by (default: the "
                                             "first of email, username, idnumber)")
    export.set_defaults(func=cmd_export_grades)


def cmd_grade_all(args: argparse.Namespace) -> int:
    from autograder.batch import store
    from autograder.batch.executors import ExecutorError, open_executor
    from autograder.batch.progress import Progress
    from autograder.batch.runner import grade_all
    from autograder.batch.summary import summarize, summary_text
    from autograder.cli import EXIT_OK, UsageError, write_atomic
    from autograder.late import late_summary
    from autograder.reporters.csv import class_csv, mistakes_csv

    folder, out = Path(args.submissions), Path(args.out)
    course, assignment, found = submissions_of(args, folder)
    for note in found.ignored:
        print(f"ignored {note}", file=sys.stderr)
    only = _only(args.only, found.submissions, folder, args.force)
    times = _times(args.times, assignment, found.submissions)
    try:
        executor = open_executor(args.executor, args.jobs, args.scheduler, warm_pool(course, args.executor))
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    count = len(only) if only is not None else len(found.submissions)
    print(f"grading {count} submissions of {assignment.id} into {out}/ "
          f"({args.executor}, {executor.slots} at once)", file=sys.stderr)
    try:
        result = grade_all(course, assignment, found.submissions, out, executor, force=args.force,
                           progress=Progress(count), reports=_student_reports(args), times=times.at,
                           only=only)
    except store.StoreError as error:
        raise UsageError(str(error)) from None
    finally:
        executor.close()
    if result.not_graded:
        print(f"not in grades.csv, never graded: {', '.join(result.not_graded)} (run grade-all without --only)",
              file=sys.stderr)
    summary = summarize(result.runs)
    write_atomic(out / "grades.csv", class_csv(result.runs))
    write_atomic(out / "mistakes.csv", mistakes_csv(summary))
    table = summary_text(summary) + late_summary(result.runs, assignment.late, times.missing)
    write_atomic(out / "summary.txt", table)
    write_atomic(out / "class.html", _class_page(summary, course, assignment, out))
    sys.stdout.write(table)
    reports = "".join(f", {out}/<student>/{r.filename}" for r in _student_reports(args))
    done = f"regraded {', '.join(result.graded) or 'nobody'} (--only), kept the other {len(result.skipped)} as " \
        f"graded before" if only is not None else \
        f"graded {len(result.graded)}, skipped {len(result.skipped)} graded before"
    print(f"\n{done}; wrote {out}/<student>/results.json{reports}, {out}/grades.csv, {out}/mistakes.csv, "
          f"{out}/summary.txt, {out}/class.html")
    if result.failed:
        print(f"the grader failed for {', '.join(result.failed)} (details in their run.json); re-run to retry them",
              file=sys.stderr)
    return EXIT_OK


def warm_pool(course, executor: str) -> tuple | None:
    """Start the warm pool's server now, in this process, while the submissions are read: the job processes of a
    process pool share it (its socket, returned), a thread pool's gradings use it here; Dask's workers, on other
    machines, start their own."""
    from autograder.sandbox import SandboxOptions
    from autograder.sandbox.host import prestart_pool, share_pool

    if executor == "dask" or not course.warm_pool:
        return None
    options = SandboxOptions(warm_pool=True)
    if executor == "threads":
        prestart_pool(options, many=True)
        return None
    return share_pool(options)


def submissions_of(args: argparse.Namespace, folder: Path):
    """(course, assignment, discovered submissions) of a class folder, for grade-all and nbgrader record: the
    course found from `folder` (or --course), the assignment --assignment names; UsageError for a bad layout."""
    from autograder.batch.submissions import LayoutError, discover
    from autograder.cli import UsageError, chosen, load

    course = load(args, folder)
    assignment = chosen(course, args.assignment)
    try:
        return course, assignment, discover(folder, assignment.id)
    except LayoutError as error:
        raise UsageError(str(error)) from None


def _only(students: list[str] | None, submissions, folder: Path, force: bool) -> frozenset[str] | None:
    """--only's students, each of whom must have a submission in SUBMISSIONS_DIR."""
    from autograder.cli import UsageError

    if students is None:
        return None
    if force:
        raise UsageError("--only regrades just the students named, --force everybody: give one of them")
    known = {s.student for s in submissions}
    for student in students:
        if student not in known:
            close = difflib.get_close_matches(student, sorted(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"--only {student}: no submission of student {student!r} in {folder}{hint}")
    return frozenset(students)


def _times(path: str | None, assignment, submissions):
    """When each student submitted: --times FILE over nbgrader's timestamp.txt (batch/times.py)."""
    from autograder.batch.times import Times, read_times_csv, submission_times
    from autograder.cli import UsageError
    from autograder.roster import RosterError, decode

    listed = {}
    if path:
        try:
            listed = read_times_csv(decode(Path(path).read_bytes(), path), path)
        except OSError as error:
            raise UsageError(f"--times {path}: cannot be read ({error.strerror})") from None
        except RosterError as error:
            raise UsageError(str(error)) from None
        unknown = sorted(set(listed) - {s.student for s in submissions})
        if unknown:
            print(f"--times {path}: no submission for {', '.join(unknown)} (ignored)", file=sys.stderr)
        if assignment.late is None:
            print(f"--times {path}: assignment {assignment.id} has no deadline (`late:` in course.yaml), so nothing "
                  f"is late", file=sys.stderr)
    if assignment.late is None:
        return Times({}, {})
    return submission_times(submissions, listed)


def _student_reports(args: argparse.Namespace) -> tuple:
    """Extra reports written into each grades/<student>/ folder as the student finishes (batch/reports.py):
    rendered in the worker, where the case values are, and written next to results.json."""
    from autograder.batch.reports import HtmlReport

    return (HtmlReport(),) if args.html else ()


def _class_page(summary, course, assignment, grades: Path | None = None, page: Path | None = None) -> str:
    """The class page, the known mistakes explained by assignment.yaml's messages, and the closest pairs of
    `grades`/similarity/pairs.csv where `autograder similarity` was run there."""
    from autograder.reporters import classpage

    notes = {(e.id, m.id): m.message for e in assignment.exercises for m in e.mistakes}
    return classpage.page(summary, course=f"{course.code} {course.title}", title=assignment.title,
                          mistake_notes=notes, **_similar_pairs(grades, page))


def _similar_pairs(grades: Path | None, page: Path | None) -> dict:
    """classpage.page's `similar` and `similar_link`: the closest pairs of GRADES/similarity/pairs.csv, linked
    from the folder of `page` (default GRADES/class.html)."""
    import os

    from autograder.similarity.pages import read_closest

    similar = read_closest(grades / "similarity") if grades is not None else []
    if not similar:
        return {}
    link = os.path.relpath(grades / "similarity" / "index.html", (page or grades / "class.html").parent)
    return {"similar": similar, "similar_link": link}


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
    if args.format:
        return _export_lms(args, runs)
    if args.roster:
        raise UsageError("--roster goes with --format (canvas, moodle, brightspace, blackboard or csv)")
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


def _export_lms(args: argparse.Namespace, runs) -> int:
    """export-grades --format: the LMS's import file, and, on stderr, every student it could not give a grade."""
    from autograder.cli import EXIT_OK, UsageError, write_atomic
    from autograder.reporters.lms import LmsError, export, identity_columns
    from autograder.roster import ID_COLUMNS, RosterError, decode, read_table

    if not args.roster:
        raise UsageError(f"--format {args.format} needs --roster FILE: a CSV mapping the grader's student ids to "
                         f"the LMS's identifiers")
    if not args.out:
        raise UsageError(f"--format {args.format} needs --out FILE (the file to import into the LMS)")
    path = Path(args.roster)
    try:
        own = identity_columns()
        table = read_table(decode(path.read_bytes(), str(path)), str(path), args.column,
                           tuple(c for c in ID_COLUMNS if c not in own))
    except OSError as error:
        raise UsageError(f"{path}: cannot read the roster ({error.strerror or error})") from None
    except RosterError as error:
        raise UsageError(str(error)) from None
    ids = sorted({run.assignment for _, run in runs})
    if len(ids) > 1:
        raise UsageError(f"{args.grades}: runs of several assignments ({', '.join(ids)}); export one class "
                         f"folder at a time")
    try:
        done = export(args.format, runs, table, args.item or _assignment_title(args, ids[0]),
                      Missing(args.missing), args.identifier)
    except LmsError as error:
        raise UsageError(f"{path}: {error}") from None
    write_atomic(Path(args.out), done.data)
    print(f"wrote {args.out} ({args.format}, {done.rows} students of {path.name})")
    if done.not_in_roster:
        print(f"graded but not in {path.name}, so not in the file (add them to the roster): "
              f"{', '.join(done.not_in_roster)}", file=sys.stderr)
    if done.without_grade:
        cell = "0" if args.missing == Missing.ZERO.value else "an empty cell"
        print(f"no grade ({cell}): " + ", ".join(f"{s} ({status.replace('_', ' ')})"
                                                  for s, status in done.without_grade), file=sys.stderr)
    return EXIT_OK


def _assignment_title(args: argparse.Namespace, assignment_id: str) -> str:
    """The assignment's title where the course is found and has it, else its id."""
    from autograder.cli import UsageError, load
    from autograder.spec import SpecError

    try:
        return load(args).assignment(assignment_id).title
    except (UsageError, SpecError, KeyError, LookupError):
        return assignment_id


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
        return classpage.page(summary, title=", ".join(ids), **_similar_pairs(Path(args.grades), Path(args.html)))
    return _class_page(summary, course, assignment, Path(args.grades), Path(args.html))
