"""The `autograder` command: argument parsing, files and exit codes only.

Exit codes: 0 done (for `grade`: graded, whatever the score; for `check`: every visible case passed),
1 `check` found failing cases or `validate`/`release --check` found problems, 2 the command could not do
its job (bad spec, missing folder, bad arguments).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
from pathlib import Path

from autograder import tempfolders
from autograder.results import Status
from autograder.sandbox.isolation import IsolationError
from autograder.spec import CourseSpec, SpecError, load_course
from autograder.stubs import StubError

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2

# Commands that live in modules of their own. Each module has `register(commands)`, which adds its
# sub-parser(s) to the argparse sub-parsers object and sets `func` (args -> exit code) with set_defaults. Keep
# their imports light at module level: the parser is built on every command, also `check` on a student laptop.
COMMAND_MODULES: tuple[str, ...] = (
    "autograder.commands.variant",
    "autograder.commands.answer_key",
    "autograder.commands.batch",
    "autograder.commands.package",
    "autograder.commands.nbgrader",
    "autograder.commands.similarity",
    "autograder.commands.speed",
)


class UsageError(Exception):
    """A problem with the command line or the files it names; printed without a traceback."""


def find_course(explicit: str | None, *submissions: Path) -> Path:
    """The course root: --course, $AUTOGRADER_COURSE, or the nearest folder with course.yaml at or above the
    current folder. Never a submission's: a submission may hold a course.yaml and solutions/ of its own (which the
    grader would import as the reference), so the folders being graded are no hints, and a course found from the
    current folder that lies in one of `submissions` is refused."""
    if explicit or os.environ.get("AUTOGRADER_COURSE"):
        root = Path(explicit or os.environ["AUTOGRADER_COURSE"]).resolve()
        if not (root / "course.yaml").is_file():
            raise UsageError(f"{root}: no course.yaml there (given by --course or AUTOGRADER_COURSE)")
        return root
    here = Path.cwd().resolve()
    root = next((folder for folder in (here, *here.parents) if (folder / "course.yaml").is_file()), None)
    if root is None:
        raise UsageError("no course.yaml in the current folder or above it; run inside the course repository (or, "
                         "for `check` and `variant`, inside the student kit), pass --course PATH or set "
                         "AUTOGRADER_COURSE=PATH")
    for submission in submissions:
        folder = Path(submission).resolve()
        if root == folder or folder in root.parents:
            raise UsageError(f"{root}/course.yaml is inside the submission {submission}: a course is never taken "
                             f"from a submission; run from the course repository or pass --course PATH")
    return root


def load(args: argparse.Namespace, *submissions: Path) -> CourseSpec:
    """The course of the command line (--course), $AUTOGRADER_COURSE or the current folder upwards; never from
    the `submissions` being graded (see find_course)."""
    return load_course(find_course(args.course, *submissions))


def chosen(course: CourseSpec, assignment_id: str | None, flag: str = "--assignment ID"):
    """The assignment a command names (`--assignment ID`), or the course's only one. With several and none named,
    the message lists the ids and how to name one, so every command asks the same way."""
    if assignment_id is None and len(course.assignments) > 1:
        ids = ", ".join(a.id for a in course.assignments)
        raise UsageError(f"the course has {len(course.assignments)} assignments ({ids}): name one with {flag}, "
                         f"e.g. {flag.split()[0]} {course.assignments[0].id}")
    return course.assignment(assignment_id)


def cmd_validate(args: argparse.Namespace) -> int:
    from autograder import distinguish
    from autograder.validate import Options, check_assignment

    course = load(args)
    chosen = [course.assignment(args.assignment)] if args.assignment else list(course.assignments)
    failed = False
    for assignment in chosen:
        checked = check_assignment(course, assignment, Options(speed=args.speed, students=args.students))
        for line in distinguish.report(course, assignment):  # per listed mistake: the students it would pass for
            print(line)
        for problem in checked.problems:
            print(f"problem: {problem}")
        failed = failed or bool(checked.problems)
        state = "problems found" if checked.problems else "the reference passes every case" + (
            " and answers every question" if assignment.questions else "")
        questions = f", {len(assignment.questions)} questions" if assignment.questions else ""
        print(f"{assignment.id}: {checked.exercises} exercises, {checked.cases} cases{questions}: {state}")
    print(f"{course.code} {course.title} ({course.term}): spec {'INVALID' if failed else 'valid'}")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.statements import Placeholders
    from autograder.stubs import drifted, stub_files

    course = load(args)
    named = args.assignment is not None or args.assignment_positional is not None
    # --check only reads: without a name it checks every assignment, as validate does.
    assignments = course.assignments if args.check and not named else selected(course, args, "release")
    if args.check:
        stale = [(a, module) for a in assignments
                 for module in drifted(a.solutions, a.directory, a.modules, Placeholders(course, a).render_module)]
        for assignment, module in stale:
            print(f"{assignment.directory / module}.py is out of date; run `autograder release --assignment "
                  f"{assignment.id}`")
        return EXIT_FAILED if stale else EXIT_OK
    for assignment in assignments:
        render = Placeholders(course, assignment).render_module
        for module, text in stub_files(assignment.solutions, assignment.modules, render).items():
            target = assignment.directory / f"{module}.py"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target.relative_to(course.root)}")
            else:
                print(f"unchanged {target.relative_to(course.root)}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from autograder.pipeline import grade
    from autograder.reporters import text

    given = Path(args.directory) if args.directory else None
    kit = student_kit(args, given)
    if kit is not None:  # the student kit: no course repository, the visible cases from its case pack
        from autograder.kit.check import check_kit
        from autograder.kit.manifest import KitError

        assignment = kit.assignment

        def run_on(folder: Path):
            try:
                return check_kit(kit, folder, student_of(args.student, kit.course))
            except KitError as error:
                raise UsageError(str(error)) from None
    else:
        course = load(args, *([given] if given else []))
        assignment = chosen(course, args.assignment)

        def run_on(folder: Path):
            return grade(course, assignment, folder, student=student_of(args.student, course), visible_only=True)
    submission = given or _default_submission(assignment.directory, assignment.id)
    run = _checked(submission, assignment, run_on)
    sys.stdout.write(text.feedback(run, show_points=False, verbose=args.verbose))
    cases = [c for e in run.exercises for c in e.cases if c.status is not Status.SKIPPED]
    skipped = sum(c.status is Status.SKIPPED for e in run.exercises for c in e.cases)
    good = sum(c.passed for c in cases)
    not_run = f" ({skipped} skipped: they need a GPU this machine does not have)" if skipped else ""
    print(f"\n{good}/{len(cases)} visible cases pass{not_run}. Hidden cases run when your work is graded.")
    for measure in run.speed:
        print(f"Speed case {measure.text}.")
    if run.answers_problems:
        count = len(run.answers_problems)
        print(f"answers.yaml: {count} problem{'' if count == 1 else 's'} (above) that grading would score 0: fix "
              f"{'it' if count == 1 else 'them'} before you submit.")
    return EXIT_OK if good == len(cases) and not run.answers_problems else EXIT_FAILED


def _checked(submission: Path, assignment, run_on):
    """`run_on` a submission folder, or on an upload file (a .zip, a module, a notebook) read as `grade` reads it
    (autograder/upload.py), so that `check submission.zip` checks what grading will grade."""
    if submission.is_dir():
        return run_on(submission)
    if not submission.exists():
        raise UsageError(f"{submission}: no such submission folder or file")
    from autograder.batch.unzip import SubmissionRejected
    from autograder.upload import unpacked

    try:
        with unpacked(submission, assignment.modules, tuple(q.id for q in assignment.questions)) as folder:
            return run_on(folder)
    except (SubmissionRejected, OSError) as error:
        raise UsageError(f"{submission}: cannot be checked: {error}") from None


def student_of(raw: str | None, course: CourseSpec) -> str | None:
    """--student as every route uses it (autograder.student_id): trimmed, in the course's case, of its declared
    form; a usage error naming the form otherwise. None without the option (the default variant)."""
    from autograder.student_id import StudentIdError, checked

    if raw is not None and not raw.strip():
        raise UsageError("--student is empty; give your student id, or leave the option out for the default variant")
    try:
        return checked(raw, course.student_id, "--student")
    except StudentIdError as error:
        raise UsageError(str(error)) from None


def student_kit(args: argparse.Namespace, folder: Path | None):
    """The student kit `check` and `variant` run in, or None in the course repository: used only where no course
    is given (--course, $AUTOGRADER_COURSE) or found from the current folder (docs/student-kit.md)."""
    from autograder.kit.manifest import KitError, find_kit, load_kit

    if args.course or os.environ.get("AUTOGRADER_COURSE"):
        return None
    here = Path.cwd().resolve()
    if any((f / "course.yaml").is_file() for f in (here, *here.parents)):
        return None
    root = find_kit(here, *([folder] if folder else []))
    if root is None:
        return None
    try:
        kit = load_kit(root)
    except KitError as error:
        raise UsageError(str(error)) from None
    if args.assignment not in (None, kit.assignment.id):
        raise UsageError(f"--assignment {args.assignment}: this student kit ({root}) is for {kit.assignment.id}")
    return kit


def _default_submission(directory: Path, assignment_id: str) -> Path:
    cwd = Path.cwd()
    return cwd if (cwd / "assignment.yaml").is_file() or cwd.name == assignment_id else directory


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.reporters import gradescope, text

    submissions = [Path(s) for s in args.submissions]
    if args.out and len(submissions) > 1:
        raise UsageError("--out names one results file: with several submissions use --out-dir")
    _check_html(args.html, args.out_dir, submissions)
    for submission in submissions:
        if not submission.exists():
            raise UsageError(f"{submission}: no such submission folder or file")
    course = load(args, *submissions)
    assignment = chosen(course, args.assignment)
    submitted_at = _submitted_at(args.submitted_at, assignment)
    student = student_of(args.student, course)
    runs = []
    for submission in submissions:
        run, values = _graded(course, assignment, submission, student, submitted_at)
        runs.append(run)
        # No execution_time: the same upload gives the same bytes here and in grade-all (run_autograder adds it).
        results = gradescope.dumps(run, course.reporting.hidden_visibility)
        targets = []
        if args.out:
            targets.append(Path(args.out))
        if args.out_dir:
            targets.append(Path(args.out_dir) / _unique_name(submission, submissions) / "results.json")
            # Everything, staff details (grader tracebacks, hidden-case messages) included: for instructors only.
            write_atomic(Path(args.out_dir) / _unique_name(submission, submissions) / "run.json",
                         json.dumps(run.to_dict(), indent=1, sort_keys=True) + "\n")
            # A page of an earlier run must not sit beside these results (no --html now, or it fails below).
            (Path(args.out_dir) / _unique_name(submission, submissions) / "report.html").unlink(missing_ok=True)
        for target in targets:
            write_atomic(target, results)
        if args.html is not None:  # after results.json: a report that fails to render costs only itself
            try:
                _write_html(args.html, args.out_dir, _unique_name(submission, submissions), course, assignment, run,
                            values)
            except Exception:  # noqa: BLE001 (the grader's bug, for staff)
                print(f"autograder: the HTML report of {submission} could not be written:\n"
                      f"{traceback.format_exc()}", file=sys.stderr)
        if len(submissions) == 1 and not args.quiet:
            sys.stdout.write(text.feedback(run))
        for exercise in run.exercises:
            for case in exercise.cases:
                if case.status.value == "grader_error":
                    print(f"grader error in {run.submission} {exercise.id}: {case.case}:\n{case.staff}",
                          file=sys.stderr)
    if len(submissions) > 1 or args.quiet:
        sys.stdout.write(text.score_table(runs, [_unique_name(s, submissions) for s in submissions]))
    return EXIT_OK


def _named(args: argparse.Namespace, command: str) -> str | None:
    """`--assignment ID`, or the deprecated positional ASSIGNMENT of `release`, `package ...` and `nbgrader build`
    (kept working; both given must agree)."""
    positional = getattr(args, "assignment_positional", None)
    if positional is not None and args.assignment not in (None, positional):
        raise UsageError(f"{command}: the assignment is named twice ({positional} and --assignment "
                         f"{args.assignment}); give only --assignment ID")
    if positional is not None:
        print(f"autograder: {command} {positional}: naming the assignment without --assignment is deprecated; "
              f"write --assignment {positional}", file=sys.stderr)
    return args.assignment or positional


def selected(course: CourseSpec, args: argparse.Namespace, command: str) -> tuple:
    """The assignments a building command works on: every one with --all, else the one `chosen` names."""
    if getattr(args, "all", False):
        if args.assignment is not None or getattr(args, "assignment_positional", None) is not None:
            raise UsageError(f"{command}: give --assignment ID or --all, not both")
        return course.assignments
    return (chosen(course, _named(args, command), "--assignment ID (or --all)"),)


def add_assignment_arguments(parser: argparse.ArgumentParser, every: str | None = None) -> None:
    """`--assignment ID` and the deprecated positional form of the commands that took one (hidden from -h); with
    `every` (its help), also `--all`."""
    parser.add_argument("assignment_positional", nargs="?", metavar="ASSIGNMENT", help=argparse.SUPPRESS)
    parser.add_argument("--assignment", help="assignment id (default: the only one)")
    if every:
        parser.add_argument("--all", action="store_true", help=every)


def _submitted_at(text: str | None, assignment):
    """--submitted-at as a datetime (None without it); said on stderr when the assignment has no deadline."""
    from autograder.times import TimeError, parse_time

    if text is None:
        return None
    try:
        moment = parse_time(text)
    except TimeError as error:
        raise UsageError(f"--submitted-at: {error}") from None
    if assignment.late is None:
        print(f"autograder: --submitted-at: assignment {assignment.id} has no deadline (`late:` in course.yaml or "
              f"its assignment.yaml), so nothing is late", file=sys.stderr)
    return moment


def _graded(course: CourseSpec, assignment, submission: Path, student: str | None, submitted_at=None):
    """(run, case values) of one upload (a folder at any depth, a zip, notebooks: autograder/upload.py, as on
    Gradescope); a grading that raised (the grader's bug, never the submission's) still gives a run, every case
    GRADER_ERROR, so that results.json is always written."""
    from autograder.pipeline import failed_run
    from autograder.upload import grade_upload

    try:
        return grade_upload(course, assignment, submission, student=student, submitted_at=submitted_at)
    except (IsolationError, KeyboardInterrupt):
        raise  # the machine, or the person at it: no submission's fault
    except Exception:  # noqa: BLE001
        return failed_run(course, assignment, submission, student, traceback.format_exc()), ()


def _check_html(html: str | None, out_dir: str | None, submissions: list[Path]) -> None:
    """`--html FILE` is one submission's report; `--html` alone writes OUT_DIR/<submission>/report.html."""
    if html is None:
        return
    if html and len(submissions) > 1:
        raise UsageError(f"--html {html} names one report: with several submissions give --out-dir and --html "
                         f"without a file name (each OUT_DIR/<submission>/report.html)")
    if html and Path(html).is_dir():
        raise UsageError(f"--html {html}: that is a folder; name the report file (--html report.html), or put "
                         f"--html after the submission folders")
    if not html and not out_dir:
        raise UsageError("--html without a file name writes OUT_DIR/<submission>/report.html: give --out-dir, "
                         "or name the file (--html report.html)")


def _write_html(html_file: str, out_dir: str | None, name: str, course, assignment, run, values) -> None:
    from autograder.reporters import html

    page = html.report(run, values, course=f"{course.code} {course.title}", title=assignment.title)
    if html_file:
        write_atomic(Path(html_file), page)
    if out_dir:
        write_atomic(Path(out_dir) / name / "report.html", page)


def _unique_name(submission: Path, all_submissions: list[Path]) -> str:
    """The folder name, or its last two parts where two submissions share a name (solutions/x, examples/x)."""
    names = [s.resolve().name for s in all_submissions]
    if names.count(submission.resolve().name) == 1:
        return submission.resolve().name
    return "_".join(submission.resolve().parts[-2:])


def _require_folder(path: Path) -> None:
    if not path.is_dir():
        raise UsageError(f"{path}: no such submission folder")


def write_atomic(target: Path, content: str | bytes) -> None:
    """Write atomically (text as UTF-8): a reader never sees half a file, an interrupted run leaves the old one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    temporary.replace(target)


SAMPLE_STUDENTS = 200  # autograder.validate.model.SAMPLE_STUDENTS (not imported here: the parser stays light)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Auto-graded exercises: check your work, "
                                     "grade submissions, validate the course.")
    parser.add_argument("--course", help="course root (folder with course.yaml); default: found from the "
                                         "current folder upwards, or $AUTOGRADER_COURSE; never from a "
                                         "submission")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="students: run the visible cases on your modules")
    check.add_argument("directory", nargs="?", help="folder with your modules, or the .zip you will hand in "
                                                    "(default: the assignment folder)")
    check.add_argument("--assignment", help="assignment id (default: the only one)")
    check.add_argument("--student", help="your student id: warns when answers.yaml records another")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    check.set_defaults(func=cmd_check)

    grade = commands.add_parser("grade", help="instructors and CI: run every case, write Gradescope results.json")
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION_DIR")
    grade.add_argument("--out", help="results.json path (one submission)")
    grade.add_argument("--out-dir", help="write OUT_DIR/<submission>/results.json (for students) and run.json "
                                         "(everything, staff details included) for each submission")
    grade.add_argument("--student", help="student id (seeds the student's hidden random cases)")
    grade.add_argument("--assignment", help="assignment id (default: the only one)")
    grade.add_argument("--html", nargs="?", const="", metavar="FILE",
                       help="also write an HTML feedback report with pictures of image outputs: to FILE (one "
                            "submission), and with --out-dir to OUT_DIR/<submission>/report.html (give --html "
                            "after the submission folders)")
    grade.add_argument("--submitted-at", metavar="TIME", help="when the submission was handed in (ISO 8601 with a "
                                                              "UTC offset, e.g. 2026-12-11T02:10:00-03:00): applies "
                                                              "the late penalty of course.yaml's `late:`")
    grade.add_argument("-q", "--quiet", action="store_true", help="print only the score table")
    grade.set_defaults(func=cmd_grade)

    validate = commands.add_parser("validate", help="prove every assignment: the reference on all its cases, every "
                                                    "student's draws, the known mistakes, the APIs named, nothing "
                                                    "hidden in what students receive")
    validate.add_argument("--assignment", help="assignment id (default: every assignment of the course)")
    validate.add_argument("--speed", action="store_true", help="also time every speed case in the sandbox: the "
                                                               "reference passes its ratio, a naive loop fails it "
                                                               "(seconds per speed case)")
    validate.add_argument("--students", type=int, default=SAMPLE_STUDENTS, metavar="N",
                          help=f"how many student ids the per-student proofs draw (default {SAMPLE_STUDENTS})")
    validate.set_defaults(func=cmd_validate)

    release = commands.add_parser("release", help="regenerate the student stubs from the solutions")
    add_assignment_arguments(release, every="every assignment of the course")
    release.add_argument("--check", action="store_true", help="only report stubs that are out of date (of every "
                                                              "assignment, unless one is named)")
    release.set_defaults(func=cmd_release)

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:  # the folders of a grading that was killed (autograder/tempfolders.py): about 1 ms
        tempfolders.sweep()
    except Exception:  # noqa: BLE001 (it never raises; if it did, no command should be lost to it)
        pass
    try:
        return args.func(args)
    except (SpecError, StubError, UsageError, IsolationError) as error:
        print(f"autograder: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
