"""The student kit's README.md, generated from course.yaml and assignment.yaml: the assignment's introduction
(what to implement, the conventions, the slides' errata), every exercise's statement and points, what is graded
and how, and how to set up, check, answer the questions and submit. Pure: text from specs and counts.

It names no hidden case and shows none of their inputs: only how many there are and what they are worth.
"""
from __future__ import annotations

import re

from autograder.cases import Case, case_maxima
from autograder.questions.answers import FILE as ANSWERS
from autograder.spec import AssignmentSpec, CourseSpec, ExerciseSpec
from autograder.statements import Placeholders


def student_readme(course: CourseSpec, assignment: AssignmentSpec, cases: dict[str, list[Case]]) -> str:
    """README.md of the kit; `cases` are each exercise's concrete cases (without a student id)."""
    total = sum(e.points for e in assignment.exercises) + sum(q.points for q in assignment.questions)
    placeholders = Placeholders(course, assignment)
    parts = [f"# {course.code} {course.title} ({course.term}) — {assignment.title}", "",
             f"This folder is what you need for the assignment: the stubs of your modules in `{assignment.id}/`, "
             f"the `autograder` command that checks them, and the visible test cases with their expected values. "
             f"It holds no solutions and none of the hidden cases. {_points(total)} in all.", "",
             _START.format(id=assignment.id, answers=ANSWERS), "",
             _demoted(placeholders.render_intro().strip()), "",
             "## The exercises", ""]
    for module in assignment.modules:
        exercises = [e for e in assignment.exercises if e.module == module]
        points = sum(e.points for e in exercises)
        parts += [f"### `{assignment.id}/{module}.py` ({_points(points)})", ""]
        for exercise in exercises:
            parts += [f"#### `{exercise.id}`: {exercise.title} ({_points(exercise.points)})", "",
                      placeholders.render_statement(exercise).strip(), ""]
    if assignment.questions:
        parts += ["### Questions computed by hand "
                  f"({_points(sum(q.points for q in assignment.questions))}, in `{assignment.id}/{ANSWERS}`)", ""]
        parts += [f"- `{q.id}`: {q.title} ({_points(q.points)})" for q in assignment.questions]
        parts += ["", "Each student gets their own numbers: see \"Answering the questions\" below.", ""]
    parts += [_grading(course, assignment, cases), "", _HOW.format(id=assignment.id, answers=ANSWERS,
                                                                    modules=", ".join(f"`{m}.py`" for m in
                                                                                      assignment.modules))]
    return "\n".join(parts).rstrip() + "\n"


def _grading(course: CourseSpec, assignment: AssignmentSpec, cases: dict[str, list[Case]]) -> str:
    rows = []
    speed_lines = []
    for exercise in assignment.exercises:
        mine = cases.get(exercise.id, [])
        visible = sum(c.visible for c in mine)
        hidden = len(mine) - visible
        rows.append(f"| `{exercise.id}` | {_number(exercise.points)} | {visible} | {hidden} |")
        speed_lines += _speed(exercise, mine)
    questions = sum(q.points for q in assignment.questions)
    lines = ["## What is graded, and how", "",
             "Each exercise's points are split among its cases by weight (partial credit per case). The visible "
             "cases are the ones `autograder check` runs here, with their inputs and expected values; the "
             "hidden cases (more geometries, edge cases, random inputs drawn for your student id) run only when "
             "your work is graded, and show only how they failed (a wrong shape, wrong values, an exception, a "
             "time-out), never their inputs or expected values.", "",
             "| exercise | points | visible cases | hidden cases |", "| --- | --- | --- | --- |", *rows]
    if assignment.questions:
        lines.append(f"| questions (`{ANSWERS}`) | {_number(questions)} | checked for form only | "
                     f"{len(assignment.questions)} answers |")
    lines += ["", *speed_lines] if speed_lines else []
    rule = course.compare
    lines += ["", f"A value passes when every element satisfies `|got - expected| <= atol + rtol * |expected|` "
              f"(NumPy's `isclose`; by default rtol = {rule.rtol:g}, atol = {rule.atol:g}; NaN never passes). "
              "Integers, strings and booleans compare exactly. What a case can end as:", "",
              _OUTCOMES.format(forbidden=_forbidden_example(assignment))]
    cuda = [e.id for e in assignment.exercises if "cuda" in e.devices]
    if cuda:
        lines += ["", f"{', '.join(f'`{e}`' for e in cuda)} also runs every case on a GPU (`<case>@cuda`); on a "
                  "machine without CUDA those cases are skipped, saying so, and "
                  + ("score as the same case on the CPU." if course.cuda_unavailable == "cpu"
                     else "are left out of the maximum.")]
    return "\n".join(lines)


def _speed(exercise: ExerciseSpec, cases: list[Case]) -> list[str]:
    shares = case_maxima(exercise.points, cases)
    lines = []
    for case, share in zip(cases, shares):
        if case.speed is None:
            continue
        kind = "A visible" if case.visible else "A hidden"
        lines.append(f"{kind} speed case of `{exercise.id}` is worth {_points(share)}: besides being right, your "
                     f"function must run within {case.speed.max_ratio:g}x the CPU time of `{case.speed.baseline}` "
                     "on the same input, both measured from outside your process (the baseline in a process of "
                     "its own). " + ("`check` runs it too, on your machine, and prints the ratio and the limit."
                                     if case.visible else "Only grading runs it.") + _sentence(case.speed.hint))
    return lines


def _sentence(hint: str) -> str:
    """` Hint.` from a speed case's `hint:` clause, "" for none."""
    return f" {hint[0].upper()}{hint[1:]}{'' if hint.endswith('.') else '.'}" if hint else ""


def _forbidden_example(assignment: AssignmentSpec) -> str:
    """` (e.g. `torch.x` in `exercise`)`, from the assignment's first exercise that forbids an API; "" if none."""
    for exercise in assignment.exercises:
        if exercise.forbidden:
            return f" (e.g. `{exercise.forbidden[0]}` in `{exercise.id}`)"
    return ""


def _demoted(markdown: str) -> str:
    """The assignment's introduction with its headings one level down, under the README's title."""
    return re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", markdown, flags=re.MULTILINE)


def _points(points: float) -> str:
    return f"{_number(points)} point{'' if points == 1 else 's'}"


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


_START = """\
## In short

```bash
bash setup                                  # once: creates .venv/ with the autograder command (needs Python >= 3.10)
.venv/bin/autograder check                  # runs the visible cases on {id}/ and checks {id}/{answers}
.venv/bin/autograder variant --student ID --out {id}/QUESTIONS.md   # your own numbers for the questions
```

Replace the `raise NotImplementedError()` lines in `{id}/*.py` with your code (keep the names and signatures),
run `check` as often as you like, then submit `{id}/` (see "Submitting" below)."""

_OUTCOMES = """\
| what happened | status | points for the case |
| --- | --- | --- |
| right value (within the tolerance), or the expected `ValueError` | passed | its share |
| wrong value, type, shape, dtype or device; NaN; changed its input in place | failed | 0 |
| raised an exception the case did not expect | error | 0 |
| `raise NotImplementedError()` left in place | not implemented | 0 |
| ran past its time limit | timeout | 0 |
| killed its process (`os._exit`, a segmentation fault, the memory limit) | crashed | 0 |
| used an API the exercise forbids{forbidden} | forbidden | 0 |
| module does not import, function missing or with another signature | ungradable | 0, with file and line |"""

_HOW = """\
## Setting up

`bash setup` creates `.venv/` here and installs, with `pip`, the CPU build of PyTorch pinned in
`constraints.txt` and the `autograder` command from the wheel in `wheels/` (it holds the grader, no solutions).
It needs Python >= 3.10 (`PYTHON=python3.12 bash setup` picks another interpreter) and, the first time, access
to PyPI for NumPy, PyYAML and PyTorch; `bash setup --offline DIR...` installs from wheel folders instead,
without any index. On Linux without a GPU, `TORCH_INDEX=https://download.pytorch.org/whl/cpu bash setup` takes
the small CPU build of PyTorch (PyPI's is the CUDA one, gigabytes). Running it again reuses `.venv/`.

## Checking your work

```bash
.venv/bin/autograder check                  # the visible cases on {id}/
.venv/bin/autograder check path/to/folder   # ... on another folder with {modules}
.venv/bin/autograder check -v               # ... listing the cases that pass too
```

`check` prints, per exercise, how many visible cases pass and, for each failing case, what went wrong: the call it
made, what differed (type, shape, dtype, device, which elements and by how much), your traceback or what your
code printed, and, where your wrong answer matches a common mistake, which one and how to fix it. It runs your
code in a separate, limited process, exactly as the grader does, and prints what the grader's own `check` prints
for the same code. It also reads `{id}/{answers}` and says which questions are answered and which answers are
not of the form asked (a word where a number is asked, two numbers where a shape has three), with the line;
whether an answer is right is only known when you are graded. It exits 0 when every visible case passes and
`{answers}` has no such problem, 1 otherwise (so a GitHub Classroom push shows red). `check submission.zip` checks
the zip you will hand in, read as the grader reads it.

The first `check` (on Linux) leaves a helper process running that keeps NumPy and PyTorch loaded, so that the
next checks answer in about a second; it exits after 10 minutes without a check (and is never started when
`AUTOGRADER_CHECK_SERVER=0` is set). `.venv/bin/python -m autograder.kit.warm stop` stops it at once.

## Answering the questions

```bash
.venv/bin/autograder variant --student ID --out {id}/QUESTIONS.md
```

writes your questions, with your own numbers (`ID` is your student id as the grader knows it: your Gradescope
or GitHub user name, as your instructor says), and, if there is none yet, `{id}/{answers}` to fill in. Work each
answer out on paper and write it after its `question_id:`, replacing `null`: a whole number such as `280`, or a
shape as a list such as `[7, 7, 40]`.

## Submitting

Submit the folder `{id}/` ({modules} and `{answers}`), as your instructor asks. `QUESTIONS.md` need not be
handed in: the grader draws your numbers again from your student id and reads only `{answers}` (handing it in
does no harm).

- **a folder or a zip**: zip the folder (`cd {id} && zip ../submission.zip *.py {answers}`) or hand in the
  folder itself; the modules may be at the zip's root or inside `{id}/`;
- **Gradescope**: upload {modules} and `{answers}` to the assignment (drag the files, or the zip); the
  autograder there runs every case, hidden ones included, and shows your score;
- **GitHub Classroom**: commit and push your repository; every push runs `autograder check` in GitHub Actions
  (the visible cases only, the same feedback as here). Your grade is computed by your instructor from your last
  commit before the deadline, with the hidden cases.
"""
