"""Does the reference get full marks every time, with the machine busy? (issue: the speed case's reliability)

    python -m benchmarks.stability                  # 50 gradings of the reference, 2 CPU-bound processes competing
    python -m benchmarks.stability --gradings 10 --competitors 0

Grades solutions/<assignment>/ again and again in one grader process (the warm pool reused, as `grade-all` does)
while `--competitors` processes spin on the CPU, and prints one line per grading (score, the speed case's
measured ratios) and a summary. Exits 1 when any grading is below the maximum.
"""
from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _spin(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stability", description=__doc__.splitlines()[0])
    parser.add_argument("--gradings", type=int, default=50)
    parser.add_argument("--competitors", type=int, default=2)
    parser.add_argument("--student", default=None, help="student id (default: none, the default question variant, "
                                                         "which the reference's answers.yaml answers)")
    args = parser.parse_args(argv)

    from autograder.pipeline import grade
    from autograder.spec import load_course

    course = load_course(REPO)
    assignment = course.assignment()
    stop = multiprocessing.Event()
    competitors = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.competitors)]
    for process in competitors:
        process.start()
    below, ratios, started = [], [], time.perf_counter()
    try:
        for number in range(1, args.gradings + 1):
            began = time.perf_counter()
            run = grade(course, assignment, REPO / "solutions" / assignment.id, student=args.student)
            speed = [c for e in run.exercises for c in e.cases if "speed" in c.case]
            measured = [float(x) for c in speed for part in re.findall(r"measurements: ([^;]*);", c.staff)
                        for x in re.findall(r"([\d.]+)x", part)]
            ratios.extend(measured)
            if run.score < run.max_score:
                failing = [(e.id, c.case, c.message) for e in run.exercises for c in e.cases
                           if not c.passed and c.status.value != "skipped"]
                below.append((number, run.score, failing))
            print(f"{number:3d}  {run.score:g}/{run.max_score:g}  speed ratios {measured}  "
                  f"{time.perf_counter() - began:.1f} s", flush=True)
    finally:
        stop.set()
        for process in competitors:
            process.join(timeout=5)
    print(f"{args.gradings} gradings with {args.competitors} CPU-bound competitors in "
          f"{time.perf_counter() - started:.0f} s: {args.gradings - len(below)} at full marks; speed ratio "
          f"min {min(ratios, default=0):.2f}, max {max(ratios, default=0):.2f}")
    for number, score, failing in below:
        print(f"  grading {number}: {score:g}: {failing[:3]}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
