"""`autograder nbgrader build`: an nbgrader course folder made from the course's spec and solutions;
`autograder nbgrader record`: the sandbox's grade of nbgrader's submissions written into its gradebook, the
grade of record (docs/nbgrader.md)."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(commands) -> None:
    from autograder.cli import add_assignment_arguments

    nbgrader = commands.add_parser("nbgrader", help="instructors: nbgrader notebooks made from the course "
                                                    "(see docs/nbgrader.md)")
    actions = nbgrader.add_subparsers(dest="nbgrader_command", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write an nbgrader course folder: nbgrader_config.py and "
                                             "source/<assignment>/<module>.ipynb, one notebook per module")
    add_assignment_arguments(build, every="every assignment of the course, into the same nbgrader course folder")
    build.add_argument("--out", required=True, metavar="DIR", help="the nbgrader course folder to write")
    build.add_argument("--modules", nargs="+", metavar="MODULE", help="only these modules' notebooks "
                                                                      "(default: every module)")
    build.add_argument("--timeout", type=int, metavar="SECONDS", help="nbgrader's limit on one cell "
                       "(c.Execute.timeout, one for the whole nbgrader course; default: the existing config's, "
                       "else the longest exercise_seconds of the course)")
    build.add_argument("--force", action="store_true", help="write into a folder that is not an nbgrader course "
                                                            "folder, or over notebooks and a config that differ")
    build.set_defaults(func=cmd_build)

    record = actions.add_parser("record", help="grade nbgrader's submitted/ notebooks in the sandbox (as grade-all) "
                                               "and write the scores into nbgrader's gradebook: the grade of record")
    record.add_argument("course_dir", metavar="NBGRADER_COURSE_DIR", help="the nbgrader course folder (with "
                                                                          "submitted/ and gradebook.db)")
    record.add_argument("--assignment", help="assignment id (default: the only one)")
    record.add_argument("--out", metavar="DIR", help="where the sandbox's grades go, as grade-all writes them "
                                                     "(default: NBGRADER_COURSE_DIR/sandbox_grades)")
    record.add_argument("--db", metavar="URL", help="nbgrader's gradebook (default: "
                                                    "sqlite:///NBGRADER_COURSE_DIR/gradebook.db)")
    record.add_argument("--jobs", "-j", type=int, help="gradings at once (default: the number of cores)")
    record.add_argument("--force", action="store_true", help="grade again students graded before (the "
                                                             "gradebook is written in any case)")
    record.set_defaults(func=cmd_record)


def cmd_build(args: argparse.Namespace) -> int:
    """Build one assignment (or --all) into an nbgrader course folder. Another assignment's notebooks and the
    course's config are kept: the config is the course's (its timeout kept once written), so a second assignment
    builds into the same folder without --force; --force is needed only to write into a folder that is not an
    nbgrader course folder, or over files of this build that differ from what it writes."""
    import sys

    from autograder.cli import EXIT_OK, UsageError, load, selected, write_atomic
    from autograder.nbgrader.build import CONFIG, BuildError, build_course, default_timeout
    from autograder.nbgrader.config import timeout_of
    from autograder.nbgrader.source import SourceError
    from autograder.reference import ReferenceError_

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder; --out names the nbgrader course folder to write")
    if args.timeout is not None and args.timeout < 1:
        raise UsageError(f"--timeout {args.timeout}: give at least 1 second")
    if args.all and args.modules:
        raise UsageError("nbgrader build: --modules names modules of one assignment; give --assignment ID with it")
    config = out / CONFIG
    if out.is_dir() and any(out.iterdir()) and not config.is_file() and not args.force:
        raise UsageError(f"{out}: the folder is not empty and holds no {CONFIG}; pass --force to write the nbgrader "
                         f"course there (its other files are kept)")
    course = load(args)
    assignments = selected(course, args, "nbgrader build")
    kept = timeout_of(config.read_text(encoding="utf-8")) if config.is_file() and args.timeout is None else None
    files: dict[str, str] = {}
    try:
        for assignment in assignments:
            files.update(build_course(course, assignment, tuple(args.modules) if args.modules else None,
                                      args.timeout or kept))
    except (BuildError, SourceError, ReferenceError_) as error:
        raise UsageError(str(error)) from None
    differing = [relative for relative, text in files.items()
                 if (out / relative).is_file() and (out / relative).read_text(encoding="utf-8") != text]
    if differing and not args.force:
        raise UsageError(f"{out}: {', '.join(differing)} would change; pass --force to overwrite (the gradebook and "
                         f"nbgrader's other folders are kept)")
    for relative, text in files.items():
        write_atomic(out / relative, text)
        print(f"wrote {out / relative}")
    if kept is not None:
        needed = max(default_timeout(a, a.modules) for a in assignments)
        if kept < needed:
            print(f"warning: {config} keeps its c.Execute.timeout = {kept}, less than the {needed} s an exercise "
                  f"built here may take; rebuild with --timeout {needed} --force to raise it", file=sys.stderr)
    for assignment in assignments:
        print(f"next, in {out}: nbgrader generate_assignment {assignment.id}")
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    import sys
    import traceback

    from autograder.batch import store
    from autograder.batch.executors import ExecutorError, open_executor
    from autograder.batch.progress import Progress
    from autograder.batch.runner import grade_all
    from autograder.cli import EXIT_FAILED, EXIT_OK, UsageError
    from autograder.commands.batch import submissions_of, warm_pool
    from autograder.nbgrader import gradebook
    from autograder.reporters.text import points

    folder = Path(args.course_dir)
    if not (folder / "submitted").is_dir():
        raise UsageError(f"{folder}: no submitted/ folder; run `nbgrader collect` (and `nbgrader autograde`) in "
                         f"the nbgrader course folder first")
    db_url = args.db or f"sqlite:///{(folder / 'gradebook.db').resolve()}"
    if not args.db and not (folder / "gradebook.db").is_file():
        raise UsageError(f"{folder}: no gradebook.db; run `nbgrader autograde` there first, or name the gradebook "
                         f"with --db URL")
    course, assignment, found = submissions_of(args, folder)
    out = Path(args.out) if args.out else folder / "sandbox_grades"
    try:
        executor = open_executor("processes", args.jobs, pool_share=warm_pool(course, "processes"))
    except ExecutorError as error:
        raise UsageError(str(error)) from None
    print(f"grading {len(found.submissions)} submissions of {assignment.id} in the sandbox into {out}/",
          file=sys.stderr)
    try:
        result = grade_all(course, assignment, found.submissions, out, executor, force=args.force,
                           progress=Progress(len(found.submissions)))
    except store.StoreError as error:
        raise UsageError(str(error)) from None
    finally:
        executor.close()
    recorded, broken = [], []
    for student, run in result.runs:
        if student in result.failed:  # the grader's fault: no grade of record rather than a false 0
            continue
        try:
            recorded.append(_record_student(course, assignment, folder, db_url, student, run))
        except gradebook.GradebookError as error:
            raise UsageError(str(error)) from None
        except Exception:  # noqa: BLE001 (one student's files, or our bug: the others are still recorded)
            print(f"autograder: recording {student} failed:\n{traceback.format_exc()}", file=sys.stderr)
            broken.append(student)
            continue
        for problem in recorded[-1].problems:
            print(f"warning: {problem}", file=sys.stderr)
    width = max([len(r.student) for r in recorded] + [7])
    print(f"{'student':<{width}}  gradebook  cells")
    for done in recorded:
        print(f"{done.student:<{width}}  {points(done.score):>5} / {points(done.max_score):<3}  {done.cells}")
    missing = [r.student for r in recorded if not r.cells]
    print(f"recorded the sandbox's grade of {len(recorded) - len(missing)} students in {db_url}; next: nbgrader "
          f"generate_feedback {assignment.id} --force, nbgrader export")
    if missing:
        print(f"not recorded (not autograded by nbgrader yet): {', '.join(missing)}", file=sys.stderr)
    if result.failed:
        print(f"not recorded: the grader failed for {', '.join(result.failed)} (details in {out}/<student>/run.json);"
              f" run `autograder nbgrader record` again to retry them", file=sys.stderr)
    if broken:
        print(f"not recorded: writing the grade failed for {', '.join(broken)} (tracebacks above)", file=sys.stderr)
    unrecorded = [*result.failed, *broken]
    if unrecorded:
        print(f"the gradebook still holds nbgrader's kernel score for {', '.join(unrecorded)}, which the student's "
              f"own code computed: do not export or release feedback before they are recorded", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _record_student(course, assignment, folder: Path, db_url: str, student: str, run):
    """Write one student's sandbox grade into the gradebook, then into their autograded notebooks (what
    `nbgrader generate_feedback` renders); what was written (autograder.nbgrader.gradebook.Recorded)."""
    import json

    from autograder.cli import write_atomic
    from autograder.nbgrader import gradebook
    from autograder.nbgrader.questions import NOTEBOOK as QUESTIONS_NOTEBOOK
    from autograder.nbgrader.record import cell_grades, with_grades
    from autograder.nbgrader.variant import questions_text
    from autograder.questions.draw import draw_all

    grades = cell_grades(run, _cell_lines(folder / "submitted" / student / assignment.id, assignment.modules))
    done = gradebook.record(db_url, assignment.id, student, grades)
    autograded = folder / "autograded" / student / assignment.id
    for path in sorted(autograded.glob("*.ipynb")) if done.cells else ():
        text = questions_text(draw_all(course, assignment, student), student) \
            if path.stem == QUESTIONS_NOTEBOOK and assignment.questions else None
        notebook = with_grades(json.loads(path.read_text(encoding="utf-8")),
                               tuple(g for g in grades if g.notebook == path.stem), text)
        write_atomic(path, json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return done


def _cell_lines(submitted: Path, modules: tuple[str, ...]) -> dict[str, tuple[tuple[int, str], ...]]:
    """Per module notebook the student submitted: where each code cell starts in the module graded."""
    import os
    import stat

    from autograder.batch.notebooks import MAX_NOTEBOOK_BYTES, cell_lines
    from autograder.batch.unzip import SubmissionRejected

    found = {}
    for module in modules:
        path = submitted / f"{module}.ipynb"
        try:  # as the grading reads it: a regular file (not a link to /dev/zero, not a FIFO), read up to the cap
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as stream:
                found[module] = cell_lines(stream.read(MAX_NOTEBOOK_BYTES + 1), path.name)
        except (OSError, SubmissionRejected):  # no notebook, or one the grading refused already (it says why)
            continue
    return found
