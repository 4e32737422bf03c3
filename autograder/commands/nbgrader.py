"""`autograder nbgrader build`: an nbgrader course folder made from the course's spec and solutions
(docs/nbgrader.md)."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(commands) -> None:
    nbgrader = commands.add_parser("nbgrader", help="instructors: nbgrader notebooks made from the course "
                                                    "(see docs/nbgrader.md)")
    actions = nbgrader.add_subparsers(dest="nbgrader_command", required=True, metavar="ACTION")
    build = actions.add_parser("build", help="write an nbgrader course folder: nbgrader_config.py and "
                                             "source/<assignment>/<module>.ipynb, one notebook per module")
    build.add_argument("assignment", nargs="?", help="assignment id (default: the only one)")
    build.add_argument("--out", required=True, metavar="DIR", help="the nbgrader course folder to write")
    build.add_argument("--modules", nargs="+", metavar="MODULE", help="only these modules' notebooks "
                                                                      "(default: every module)")
    build.add_argument("--timeout", type=int, metavar="SECONDS", help="nbgrader's limit on one cell "
                       "(c.Execute.timeout; default: the longest exercise_seconds of the exercises built)")
    build.add_argument("--force", action="store_true", help="write into a folder that is not empty, "
                                                            "overwriting nbgrader_config.py and the notebooks")
    build.set_defaults(func=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, load, write_atomic
    from autograder.nbgrader.build import BuildError, build_course
    from autograder.nbgrader.source import SourceError
    from autograder.reference import ReferenceError_

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: not a folder; --out names the nbgrader course folder to write")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise UsageError(f"{out}: the folder is not empty; pass --force to overwrite nbgrader_config.py and the "
                         f"notebooks there (the gradebook and nbgrader's other folders are kept)")
    if args.timeout is not None and args.timeout < 1:
        raise UsageError(f"--timeout {args.timeout}: give at least 1 second")
    course = load(args)
    assignment = course.assignment(args.assignment)
    try:
        files = build_course(course, assignment, tuple(args.modules) if args.modules else None, args.timeout)
    except (BuildError, SourceError, ReferenceError_) as error:
        raise UsageError(str(error)) from None
    for relative, text in files.items():
        write_atomic(out / relative, text)
        print(f"wrote {out / relative}")
    print(f"next, in {out}: nbgrader generate_assignment {assignment.id}")
    return EXIT_OK
