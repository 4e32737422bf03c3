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
    from autograder.cli import EXIT_OK, UsageError, chosen, load, student_kit, write_atomic
    from autograder.questions.answers import FILE
    from autograder.questions.draw import draw_all
    from autograder.questions.render import answers_template, questions_markdown

    kit = student_kit(args, None)  # in the student kit: the questions' templates and the seed from its data
    course = kit.course if kit is not None else load(args)
    assignment = chosen(course, args.assignment)
    if not assignment.questions:
        raise UsageError(f"assignment {assignment.id!r} has no `questions:` in its assignment.yaml")
    student = args.student or None  # as given: `grade --student` seeds with the same text
    if args.student is not None and not args.student.strip():
        raise UsageError("--student is empty; give your student id, or leave the option out for the default variant")
    markdown = questions_markdown(assignment, draw_all(course, assignment, student), student)
    if args.out:
        write_atomic(Path(args.out), markdown)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(markdown)
    target = Path(args.answers) if args.answers else Path(args.out).parent / FILE if args.out else None
    if target is not None:
        if target.exists():
            print(f"kept {target}: it exists already (your answers are never overwritten)", file=sys.stderr)
        else:
            write_atomic(target, answers_template(assignment))
            print(f"wrote {target}: replace each null by your answer")
    return EXIT_OK
