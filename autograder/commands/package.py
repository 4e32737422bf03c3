"""`autograder package student|classroom|gradescope` (docs/student-kit.md, docs/classroom.md, docs/gradescope.md)
and the two commands the packages run on the platform: `gradescope-run` (run_autograder) and `classroom-grade`
(the opt-in grading workflow)."""
from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path


ALL_HELP = "every assignment of the course, each into OUT/<assignment id> (--out names a folder then)"


def register(commands) -> None:
    from autograder.cli import add_assignment_arguments

    package = commands.add_parser(
        "package", help="instructors: build the student kit, the GitHub Classroom template or the Gradescope zip")
    platforms = package.add_subparsers(dest="platform", required=True, metavar="PLATFORM")

    gradescope = platforms.add_parser("gradescope", help="the autograder zip to upload to Gradescope "
                                                         "(holds the solutions: keep it private)")
    add_assignment_arguments(gradescope, every=ALL_HELP)
    gradescope.add_argument("--out", required=True, metavar="FILE.zip", help="the zip to write")
    gradescope.set_defaults(func=cmd_package_gradescope)

    student = platforms.add_parser("student", help="the student kit: stubs, README, the visible cases as data and "
                                                   "the `autograder` command; no solutions, no hidden case")
    add_assignment_arguments(student, every=ALL_HELP)
    student.add_argument("--out", metavar="DIR", help="folder to write the kit into (empty or new)")
    student.add_argument("--zip", metavar="FILE.zip", help="write the kit as a zip instead (or as well)")
    student.set_defaults(func=cmd_package_student)

    classroom = platforms.add_parser("classroom", help="the GitHub Classroom template repository: the student kit "
                                                       "and a workflow that runs the visible checks (no secret)")
    add_assignment_arguments(classroom, every=ALL_HELP)
    classroom.add_argument("--out", required=True, metavar="DIR", help="folder to write the template into (new or "
                                                                      "empty)")
    classroom.add_argument("--hidden-grading", action="store_true",
                           help="also write the opt-in grading workflow, which checks out the private course "
                                "repository with a secret token that students can print (docs/classroom.md)")
    classroom.add_argument("--course-repo", metavar="OWNER/NAME",
                           help="with --hidden-grading: the private course repository the workflow checks out "
                                "(default: the AUTOGRADER_COURSE_REPO variable of the student's repository)")
    classroom.set_defaults(func=cmd_package_classroom)

    # Run by the packages on the platform, not by people: added without help, so `autograder -h` does not list them.
    gradescope_run = commands.add_parser("gradescope-run", description="Gradescope's run_autograder: grade "
                                         "ROOT/submission, write ROOT/results/results.json; always exits 0")
    gradescope_run.add_argument("--root", required=True, help="Gradescope's /autograder folder")
    gradescope_run.add_argument("--assignment", help="assignment id (default: the only one)")
    gradescope_run.set_defaults(func=cmd_gradescope_run)

    classroom_grade = commands.add_parser("classroom-grade", description="GitHub Classroom: grade a student's "
                                          "repository, print the feedback, write the reporter's result JSON")
    classroom_grade.add_argument("submission", metavar="SUBMISSION_DIR", help="the student's repository (the "
                                 "modules at its root or in assignments/<id>/)")
    classroom_grade.add_argument("--assignment", help="assignment id (default: the only one)")
    classroom_grade.add_argument("--student", help="student id (seeds the student's hidden random cases)")
    classroom_grade.add_argument("--output", metavar="FILE", help="where to write the results of the reporter's "
                                 "runners (earned, missed) as JSON, to read")
    classroom_grade.add_argument("--github-output", metavar="FILE", help="the file to append the step outputs "
                                 "`earned=<base64>` and `missed=<base64>` to ($GITHUB_OUTPUT), for "
                                 "classroom-resources/autograding-grading-reporter")
    classroom_grade.set_defaults(func=cmd_classroom_grade)


def package_root() -> Path:
    """The source checkout this package runs from: the folder holding its pyproject.toml."""
    import autograder
    from autograder.cli import UsageError

    root = Path(autograder.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise UsageError(f"{root}: no pyproject.toml there (the autograder is installed, not run from its source); "
                         f"run `autograder package` from a source checkout of the course repository, e.g. "
                         f"after `pip install -e .`")
    return root


def cmd_package_student(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, load, selected
    from autograder.packaging.student import zip_bytes

    if not args.out and not args.zip:
        raise UsageError("package student: give --out DIR (a folder) or --zip FILE.zip, or both")
    if args.all and args.zip:
        raise UsageError("package student --all: --zip names one file; give --out DIR, which gets one folder per "
                         "assignment (or build each with --assignment ID --zip FILE.zip)")
    out = _new_folder(args.out) if args.out else None
    if args.zip and Path(args.zip).suffix.lower() != ".zip":
        raise UsageError(f"--zip {args.zip}: name a .zip file")
    course = load(args)
    # every kit built before any is written: an assignment that cannot be packaged leaves no half of --all behind
    for assignment, files in [(a, _kit(course, a)) for a in selected(course, args, "package student")]:
        if out is not None:
            folder = out / assignment.id if args.all else out
            _write_folder(files, folder)
            print(f"wrote the student kit of {assignment.id} into {folder}/ ({len(files)} files)")
        if args.zip:
            target = Path(args.zip)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zip_bytes(files, f"{course.code.lower()}-{assignment.id}"))
            print(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    print("hand it to students as it is: it holds no solutions and no hidden case (docs/student-kit.md)")
    return EXIT_OK


def cmd_package_gradescope(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, load, selected
    from autograder.packaging.gradescope import build_zip

    out = Path(args.out)
    if args.all:
        if out.suffix.lower() == ".zip" or out.is_file():
            raise UsageError(f"package gradescope --all: --out {args.out} names a folder, which gets one "
                             f"<assignment id>.zip each")
    elif out.suffix.lower() != ".zip":
        raise UsageError(f"--out {args.out}: Gradescope takes a .zip file; name it e.g. {out.stem or 'autograder'}.zip")
    course = load(args)
    for assignment in selected(course, args, "package gradescope"):
        target = out / f"{assignment.id}.zip" if args.all else out
        target.parent.mkdir(parents=True, exist_ok=True)
        build_zip(course, assignment, target, package_root())
        print(f"wrote {target} ({target.stat().st_size // 1024} KiB): upload it as the autograder of "
              f"{assignment.id} (docs/gradescope.md); it holds the reference solutions, keep it private")
    return EXIT_OK


def cmd_package_classroom(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, load, selected
    from autograder.packaging.classroom import (CHECK_WORKFLOW_PATH, WORKFLOW_PATH, check_workflow,
                                                hidden_grading_notice, valid_repository, workflow)

    if args.course_repo is not None and not args.hidden_grading:
        raise UsageError("--course-repo names the repository the opt-in grading workflow checks out: give it with "
                         "--hidden-grading (the template's own workflow needs no course repository)")
    if args.course_repo is not None and not valid_repository(args.course_repo):
        raise UsageError(f"--course-repo {args.course_repo!r}: expected OWNER/NAME of a GitHub repository, "
                         f"e.g. inf721/course")
    out = _new_folder(args.out)
    course = load(args)
    for assignment, files in [(a, _kit(course, a)) for a in selected(course, args, "package classroom")]:
        files[CHECK_WORKFLOW_PATH.as_posix()] = check_workflow(assignment.id).encode()
        if args.hidden_grading:
            files[WORKFLOW_PATH.as_posix()] = workflow(assignment.id, args.course_repo).encode()
        folder = out / assignment.id if args.all else out
        _write_folder(files, folder)
        print(f"wrote the GitHub Classroom template repository of {assignment.id} into {folder}/ ({len(files)} "
              f"files): the student kit and {CHECK_WORKFLOW_PATH.as_posix()}, which runs `autograder check` on every "
              f"push with no secret. Push it as the assignment's template repository; grade the final commits with "
              f"`autograder grade-all` (docs/classroom.md).")
    if args.hidden_grading:
        print(f"warning: {hidden_grading_notice()}", file=sys.stderr)
    return EXIT_OK


def _new_folder(path: str) -> Path:
    from autograder.cli import UsageError

    out = Path(path)
    if out.is_file() or (out.is_dir() and any(out.iterdir())):
        raise UsageError(f"--out {out}: give a new or empty folder (a kit is never written over other files)")
    return out


def _kit(course, assignment) -> dict[str, bytes]:
    from autograder.cli import UsageError
    from autograder.packaging.student import KitBuildError, kit_files
    from autograder.packaging.wheel import WheelError
    from autograder.reference import ReferenceError_

    try:
        return kit_files(course, assignment, package_root())
    except (KitBuildError, WheelError, ReferenceError_) as error:
        raise UsageError(str(error)) from None


def _write_folder(files: dict[str, bytes], out: Path) -> None:
    from autograder.packaging.student import write_folder

    write_folder(files, out)


def cmd_gradescope_run(args: argparse.Namespace) -> int:
    """Always writes ROOT/results/results.json, even when the course cannot be loaded, and exits 0."""
    import traceback

    from autograder.cli import EXIT_OK, chosen, load
    from autograder.packaging.gradescope import run_submission, write_failure

    root = Path(args.root)
    try:
        course = load(args)
        assignment = chosen(course, args.assignment)
    except Exception:  # noqa: BLE001 (a bad package must still give the student a results.json)
        print(traceback.format_exc())
        write_failure(root)
        return EXIT_OK
    run_submission(course, assignment, root)
    return EXIT_OK


def cmd_classroom_grade(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, chosen, load, write_atomic
    from autograder.packaging.classroom import submission_folder
    from autograder.pipeline import grade
    from autograder.reporters import classroom, text

    repository = Path(args.submission)
    if not repository.is_dir():
        raise UsageError(f"{repository}: no such submission folder")
    course = load(args, repository)
    assignment = chosen(course, args.assignment)
    folder = submission_folder(repository, assignment)
    # The student reads this log: the feedback only, never staff details (a grader traceback shows solution code).
    # GitHub reads it too: a line the student printed, such as "::notice title=Autograding complete::Points
    # 100/100", would be an annotation beside the reporter's. Workflow commands are off from before the student's
    # code starts (without namespaces it can write to this process's stdout, /proc/<pid>/fd/1) until the feedback
    # has printed, resumed by a token drawn here, which no file or environment holds.
    token = secrets.token_hex(16)
    sys.stdout.write(f"::stop-commands::{token}\n")
    sys.stdout.flush()
    kept = _step_files(args.github_output)
    _not_dumpable()
    run = grade(course, assignment, folder, student=args.student or None)
    changed = _restore_step_files(kept)
    sys.stdout.write(text.feedback(run))
    for name in changed:
        sys.stdout.write(f"Note: ${name} changed while your code ran; it was put back as it was.\n")
    sys.stdout.write(f"::{token}::\n")
    if args.output:
        write_atomic(Path(args.output), classroom.dumps(run))
    if args.github_output:  # GitHub's file of step outputs: appended to, as every step does
        with open(args.github_output, "a", encoding="utf-8") as outputs:
            outputs.write(classroom.github_output(run))
    return EXIT_OK


STEP_FILES = ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY", "GITHUB_STATE")
"""The step's file commands (the runner reads them after the step): without namespaces the student's code can find
them (/proc/<pid>/environ) and write step outputs, the next steps' environment or a job summary of its own."""


def _step_files(github_output: str | None) -> dict[str, tuple[str, bytes | None]]:
    """{variable: (path, content or None when absent)} of the step's file commands (and --github-output's file),
    before the grading."""
    kept = {}
    for name in STEP_FILES:
        path = os.environ.get(name) or (github_output if name == "GITHUB_OUTPUT" else None)
        if path:
            try:
                kept[name] = (path, Path(path).read_bytes())
            except OSError:
                kept[name] = (path, None)
    return kept


def _restore_step_files(kept: dict[str, tuple[str, bytes | None]]) -> list[str]:
    """Put every step file back as `_step_files` saw it; the variables of those that had changed."""
    changed = []
    for name, (path, content) in kept.items():
        try:
            now = Path(path).read_bytes() if not os.path.islink(path) else None
        except OSError:
            now = None
        if now == content and not os.path.islink(path):
            continue
        changed.append(name)
        try:
            if os.path.lexists(path):
                os.unlink(path)  # a link the student put there is removed, not followed
            if content is not None:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                with os.fdopen(fd, "wb") as stream:
                    stream.write(content)
        except OSError:
            pass
    return changed


def _not_dumpable() -> None:
    """Close this process's /proc entries (fd/, environ, mem) to other processes of its user, the student's code
    included where the sandbox has no namespaces: the token that resumes workflow commands, the step's stdout and
    its file commands' paths are then out of its reach. Linux only; the workers' exec makes them dumpable again."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, SUID_DUMP_DISABLE
    except (OSError, AttributeError):
        pass
