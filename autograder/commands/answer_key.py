"""`autograder answer-key`: every question's params and right answer per student of a roster (for staff: TAs,
regrade requests), and `--reference`, which rewrites the reference's answers.yaml for the course seed
(docs/variants.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(commands) -> None:
    key = commands.add_parser(
        "answer-key", help="staff: the right answers of the questions for each student of a roster (CSV, JSON or "
                           "Markdown), or --reference: rewrite solutions/<id>/answers.yaml")
    which = key.add_mutually_exclusive_group(required=True)
    which.add_argument("--roster", metavar="FILE", help="the students: a .csv with a header (the id column: "
                                                        "student_id, student, sid, id, identifier or email; or "
                                                        "--column) or a text file with one id per line")
    which.add_argument("--student", action="append", metavar="ID", help="one student (repeat for more)")
    which.add_argument("--reference", action="store_true", help="write the default variant's answers to "
                                                                "solutions/<id>/answers.yaml (after a seed change)")
    key.add_argument("--column", help="the roster's id column (a CSV roster)")
    key.add_argument("--out", metavar="FILE", help="write the key to FILE (default: print it); it holds every "
                                                   "answer: keep it from students")
    key.add_argument("--format", choices=("csv", "json", "md"), help="default: from --out's extension, else csv")
    key.add_argument("--assignment", help="assignment id (default: the only one)")
    key.set_defaults(func=cmd_answer_key)


def cmd_answer_key(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, chosen, load, student_of, write_atomic
    from autograder.questions.key import FORMATS, key_text, reference_answers_text, roster_key
    from autograder.reference import ReferenceError_
    from autograder.roster import RosterError, decode, read_roster

    course = load(args)
    assignment = chosen(course, args.assignment)
    if not assignment.questions:
        raise UsageError(f"assignment {assignment.id!r} has no `questions:` in its assignment.yaml: no answer key")
    try:
        if args.reference:
            if args.out or args.format or args.column:
                raise UsageError("--reference writes solutions/<id>/answers.yaml: it takes no --out, --format or "
                                 "--column")
            target = assignment.solutions / "answers.yaml"
            write_atomic(target, reference_answers_text(course, assignment))
            print(f"wrote {target.relative_to(course.root)} (the default variant, course seed {course.seed})")
            return EXIT_OK
        if args.roster:
            path = Path(args.roster)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise UsageError(f"{path}: cannot read the roster ({error.strerror})") from None
            students = tuple(student_of(s, course) for s in
                             read_roster(decode(data, str(path)), str(path), args.column).students)
        else:
            if args.column:
                raise UsageError("--column goes with --roster")
            if not all(s.strip() for s in args.student):
                raise UsageError("--student is empty; give a student id (the default variant's answers are "
                                 "solutions/<id>/answers.yaml)")
            students = tuple(student_of(s, course) for s in args.student)
        form = args.format or _format_of(args.out, FORMATS)
        text = key_text(roster_key(course, assignment, students), form, title=assignment.title)
    except RosterError as error:
        raise UsageError(str(error)) from None
    except ReferenceError_ as error:  # the course's bug: a param range without an answer (validate finds it)
        raise UsageError(f"the reference has no answer for {error}; run `autograder validate`") from None
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"wrote {args.out}: {len(students)} students, {len(assignment.questions)} questions each "
              f"(course seed {course.seed})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _format_of(out: str | None, formats: tuple[str, ...]) -> str:
    suffix = Path(out).suffix.lower().lstrip(".") if out else ""
    return suffix if suffix in formats else "csv"
