"""`autograder variant`: a student's own version of the questions computed by hand (docs/variants.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(commands) -> None:
    variant = commands.add_parser(
        "variant", help="students: your own version of the questions computed by hand (QUESTIONS.md, answers.yaml)")
    variant.add_argument("--student", help="your student id, as the grader knows it (docs/variants.md); without "
                                           "it: the default variant")
    variant.add_argument("--out", metavar="FILE", help="write the questions (Markdown) to FILE and an answers.yaml "
                                                       "template next to it; default: print the questions")
    variant.add_argument("--answers", metavar="FILE", help="where to write the answers.yaml template (default: "
                                                           "next to --out); an existing file is never overwritten")
    variant.add_argument("--assignment", help="assignment id (default: the only one)")
    variant.set_defaults(func=cmd_variant)


def cmd_variant(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_OK, UsageError, chosen, load, student_kit, student_of, write_atomic
    from autograder.questions.answers import FILE
    from autograder.questions.draw import draw_all
    from autograder.questions.render import answers_template, questions_markdown

    kit = student_kit(args, None)  # in the student kit: the questions' templates and the seed from its data
    course = kit.course if kit is not None else load(args)
    assignment = chosen(course, args.assignment)
    if not assignment.questions:
        raise UsageError(f"assignment {assignment.id!r} has no `questions:` in its assignment.yaml")
    student = student_of(args.student, course)  # as `grade --student` and every route take it
    variants = draw_all(course, assignment, student, kit.acceptance if kit is not None else None)
    markdown = questions_markdown(assignment, variants, student)
    if args.out:
        write_atomic(Path(args.out), markdown)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(markdown)
    target = Path(args.answers) if args.answers else Path(args.out).parent / FILE if args.out else None
    if target is not None:
        if target.exists():
            print(f"kept {target}: it exists already (your answers are never overwritten)", file=sys.stderr)
            _record_student(target, course, assignment, student)
        else:
            write_atomic(target, answers_template(assignment, student))
            print(f"wrote {target}: replace each null by your answer" +
                  (f"; keep its line `student_id: {student}`" if student else ""))
    return EXIT_OK


def _record_student(target: Path, course, assignment, student: str | None) -> None:
    """An existing answers.yaml (the kit's stub) gets the `student_id:` line at its top when it has none; one that
    records another id is left as it is, with a warning."""
    from autograder.cli import write_atomic
    from autograder.questions.answers import parse_answers
    from autograder.questions.render import student_line
    from autograder.student_id import canonical

    if student is None:
        return
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    sheet = parse_answers(text, tuple(q.id for q in assignment.questions)) if text is not None else None
    if sheet is None or sheet.error:
        print(f"add the line `{student_line(student)}` to {target}", file=sys.stderr)
    elif sheet.student is None:
        write_atomic(target, student_line(student) + "\n" + text)
        print(f"added `student_id: {student}` at the top of {target}: keep it (your answers are untouched)")
    elif canonical(sheet.student, course.student_id) != student:
        print(f"warning: {target} records student_id {sheet.student!r}, not {student!r}: these are the numbers of "
              f"{student!r}; fix the line (and your answers) if that is you", file=sys.stderr)
