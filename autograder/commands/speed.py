"""`autograder speed`: size a speed case in one run. For each speed case of an assignment, on this machine: the
baseline's CPU time per call, the reference's ratio and the slow implementation's ratio (`speed.slow`), timed by the
grader's own measurement in the sandbox (autograder.speedcases)."""
from __future__ import annotations

import argparse


def register(commands) -> None:
    speed = commands.add_parser("speed", help="authors: time every speed case on this machine (the baseline, the "
                                              "reference's ratio, a slow implementation's ratio) to size its input "
                                              "and threshold")
    speed.add_argument("--assignment", help="assignment id (default: the only one)")
    speed.set_defaults(func=cmd_speed)


def cmd_speed(args: argparse.Namespace) -> int:
    from autograder.cli import EXIT_FAILED, EXIT_OK, load
    from autograder.speedcases import measure_case, report_lines, speed_cases

    course = load(args)
    assignment = course.assignment(args.assignment)
    found = speed_cases(course, assignment)
    if not found:
        print(f"{assignment.id}: no speed case (a case with `speed:` in assignment.yaml)")
        return EXIT_OK
    failed = False
    for exercise, case in found:
        report = measure_case(course, assignment, exercise, case)
        print("\n".join(report_lines(report)))
        for problem in report.problems():
            print(f"  problem: {problem}")
        failed = failed or bool(report.problems())
    return EXIT_FAILED if failed else EXIT_OK
