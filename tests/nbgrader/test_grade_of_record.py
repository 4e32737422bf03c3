"""The grade of record on nbgrader, with the real nbgrader and a real exchange: build, `generate_assignment`,
`release_assignment`, each student's `fetch_assignment` and `submit`, `collect`, `autograde`, then `autograder
grade-all` and `autograder nbgrader record`, `generate_feedback`, `release_feedback` and `export` (and `nbgrader
validate` on the reference's notebooks before it submits).

The four students of issue 13, on the whole course (100 points, the questions included):

    reference  the reference solutions and the right answers for their own numbers
    buggy      the buggy example's code (examples/l10_convolutions/buggy_student) and its answers.yaml
    loop       the reference with an endless loop at the top level of conv2d's cell, and the right answers
    forger     the stubs plus two lines that replace autograder.nbgrader.checks.grade (in each module), no
               answers

Is the gradebook's score after `record` the one `grade-all` gives on the same submitted/ folder, and the one
`autograder grade` gives on the same code as .py files? Does the forger's kernel score stop counting? Does no
released feedback file hold a hidden case?
"""
from __future__ import annotations

import ast
import base64
import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from nbgrader_fixtures import nbgrader_meta
from support import ASSIGNMENT, REPO

from autograder.cli import EXIT_OK, main
from autograder.nbgrader.payload import LINE

pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e '.[nbgrader]')")
pytestmark = pytest.mark.slow

TIMEOUT = 15
"""nbgrader's cell timeout: the loop's cell runs this long in the kernel (the sandbox stops its import sooner)."""
STUDENTS = ("buggy", "forger", "loop", "reference")
MODULES = ("shapes", "filters", "conv_numpy", "conv_torch")
BUGGY = REPO / "examples" / ASSIGNMENT / "buggy_student"
LOOP = "\n\n# trying it out on a growing image\nsize = 3\nwhile True:\n    size += 1\n"
FORGERY = ("import autograder.nbgrader.checks as checks\n"
           "checks.grade = lambda function, cases, points, **options: float(points)\n")


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs alembic
           "PYTHONPATH": str(REPO),  # the kernel imports autograder.nbgrader
           "JUPYTER_DATA_DIR": str(home / ".jupyter" / "data"),  # no user kernel named python3 may win
           "JUPYTER_CONFIG_DIR": str(home / ".jupyter" / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / ".jupyter" / "runtime"),
           "IPYTHONDIR": str(home / ".jupyter" / "ipython")}
    env.pop("JUPYTER_PATH", None)
    return env


def _nbgrader(where: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=where, env=_env(where), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _chunks(text: str, exercises: list[str]) -> tuple[str, dict[str, str]]:
    """A module as (the code before its first exercise, {exercise: its function and what follows it})."""
    lines = text.splitlines()
    starts = sorted((min([n.lineno] + [d.lineno for d in n.decorator_list]), n.name)
                    for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name in exercises)
    bounds = [start for start, _ in starts] + [len(lines) + 1]
    chunks = {name: "\n".join(lines[bounds[i] - 1:bounds[i + 1] - 1]).strip("\n") for i, (_, name) in enumerate(starts)}
    return "\n".join(lines[:bounds[0] - 1]).strip("\n"), chunks


def _py_submission(student: str, course, target: Path) -> Path:
    """The student's code as .py files (and answers.yaml), as `autograder grade` takes it."""
    from autograder.questions.draw import answer_key

    if student == "forger":
        shutil.copytree(REPO / "assignments" / ASSIGNMENT, target, ignore=shutil.ignore_patterns("*.yaml", "__*"))
        for module in MODULES:  # each notebook runs in a kernel of its own: the two lines in each
            path = target / f"{module}.py"
            tree = ast.parse(path.read_text())
            futures = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
            after = (futures or tree.body[:1])[-1].end_lineno  # after the docstring and __future__ imports
            lines = path.read_text().splitlines(keepends=True)
            path.write_text("".join(lines[:after]) + FORGERY + "".join(lines[after:]))
        return target
    origin = BUGGY if student == "buggy" else REPO / "solutions" / ASSIGNMENT
    target.mkdir(parents=True)
    for module in MODULES:
        shutil.copy(origin / f"{module}.py", target)
    if student == "buggy":
        shutil.copy(BUGGY / "answers.yaml", target)
    else:
        key = answer_key(course, course.assignment(ASSIGNMENT), student)
        (target / "answers.yaml").write_text("".join(f"{q}: {list(a) if isinstance(a, tuple) else a}\n"
                                                     for q, a in key.items()))
    if student == "loop":
        conv = target / "conv_numpy.py"
        _, chunks = _chunks(conv.read_text(), ["conv2d"])
        conv.write_text(conv.read_text().replace(chunks["conv2d"], chunks["conv2d"] + LOOP, 1))
    return target


def _fill(notebook: dict, module: str, code: Path | None, answers: dict[str, str], forge: bool) -> dict:
    """The fetched notebook with the student's code in its cells (the module's preamble in the imports cell, each
    exercise's function in its solution cell) and the answers in the answer cells."""
    from autograder.nbgrader.questions import answer_id

    preamble, chunks = "", {}
    if code is not None:
        exercises = [nbgrader_meta(c)["grade_id"].removesuffix("_solution") for c in notebook["cells"]
                     if nbgrader_meta(c).get("solution") and c["cell_type"] == "code"]
        preamble, chunks = _chunks(code.read_text(), exercises)
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id", "")
        if cell["cell_type"] == "code" and not meta and (code is not None or forge):  # the imports cell
            cell["source"] = (FORGERY if forge else "") + (preamble or "".join(cell["source"]))
        elif meta.get("solution") and cell["cell_type"] == "code" and code is not None:
            cell["source"] = chunks[grade_id.removesuffix("_solution")]
        elif meta.get("solution") and cell["cell_type"] == "markdown":
            question = grade_id.removesuffix("_answer")
            if question in answers:
                assert grade_id == answer_id(question)
                cell["source"] = answers[question]
    return notebook


@pytest.fixture(scope="module")
def course_spec():
    from autograder.spec import load_course

    return load_course(REPO)


@pytest.fixture(scope="module")
def nbgrader_course(tmp_path_factory, course_spec):
    """The course after the whole nbgrader round, `grade-all` and `record`; {name: path} of its folders."""
    root = tmp_path_factory.mktemp("nbgrader_record")
    course, exchange, grades = root / "course", root / "exchange", root / "grades"
    exchange.mkdir()
    assert main(["--course", str(REPO), "nbgrader", "build", "--assignment", ASSIGNMENT, "--out", str(course),
                 "--timeout", str(TIMEOUT)]) == EXIT_OK
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"c.Exchange.root = {str(exchange)!r}\n")
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    _nbgrader(course, "release_assignment", ASSIGNMENT)
    py = {student: _py_submission(student, course_spec, root / "py" / student) for student in STUDENTS}
    graders = _grade_py(root / "py", root / "grade_py")  # in the background, while nbgrader runs
    for student in sorted(STUDENTS, key=lambda s: s != "reference"):  # the reference first: it validates meanwhile
        home = root / "home" / student
        home.mkdir(parents=True)
        (home / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n"
                                                 f"c.CourseDirectory.course_id = 'INF721'\n")
        _nbgrader(home, "fetch_assignment", ASSIGNMENT)
        answers = _answers(py[student])
        for path in (home / ASSIGNMENT).glob("*.ipynb"):
            code = py[student] / f"{path.stem}.py" if path.stem in MODULES and student != "forger" else None
            notebook = _fill(json.loads(path.read_text()), path.stem, code, answers,
                             forge=student == "forger" and path.stem in MODULES)
            path.write_text(json.dumps(notebook))
        if student == "reference":  # what a student sees before submitting: every cell passes (in the background)
            validating = subprocess.Popen([sys.executable, "-m", "nbgrader", "validate",
                                           *sorted(str(p) for p in (home / ASSIGNMENT).glob("*.ipynb"))],
                                          cwd=home, env=_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          text=True)
        _nbgrader(home, "submit", ASSIGNMENT, "--student", student)
    validated, _ = validating.communicate(timeout=600)
    _nbgrader(course, "collect", ASSIGNMENT)
    autograde = _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    kernel_scores = _totals(course)
    assert main(["--course", str(REPO), "grade-all", "--assignment", ASSIGNMENT, str(course), "--out", str(grades),
                 "--no-html"]) == EXIT_OK
    assert main(["--course", str(REPO), "nbgrader", "record", "--assignment", ASSIGNMENT, str(course), "--out",
                 str(grades)]) == EXIT_OK
    _nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    _nbgrader(course, "release_feedback", ASSIGNMENT)
    _nbgrader(course, "export")
    _, errors = graders.communicate(timeout=900)
    assert graders.returncode == 0, errors
    return {"course": course, "exchange": exchange, "grades": grades, "py": root / "grade_py",
            "kernel_scores": kernel_scores, "autograde_log": autograde.stdout + autograde.stderr,
            "validate_log": validated}


def _answers(folder: Path) -> dict[str, str]:
    """The answers of the .py submission's answers.yaml, as the student types them into the answer cells."""
    path = folder / "answers.yaml"
    if not path.is_file():
        return {}
    pairs = (line.split("#", 1)[0].split(":", 1) for line in path.read_text().splitlines())
    return {key.strip(): value.strip() for key, value in (p for p in pairs if len(p) == 2) if value.strip()}


def _totals(course: Path) -> dict[str, float]:
    """Each student's total in the gradebook (nbgrader's score: the manual score where given, else the auto score)."""
    query = """
        SELECT submitted_assignment.student_id, SUM(COALESCE(grade.manual_score, grade.auto_score, 0))
        FROM grade
        JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
        JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
        GROUP BY submitted_assignment.student_id"""
    with sqlite3.connect(course / "gradebook.db") as database:
        return {student: round(score, 4) for student, score in database.execute(query)}


def _cell_scores(course: Path, student: str) -> dict[tuple[str, str], float]:
    query = """
        SELECT notebook.name, base_cell.name, grade.auto_score FROM grade
        JOIN base_cell ON grade.cell_id = base_cell.id
        JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
        JOIN notebook ON submitted_notebook.notebook_id = notebook.id
        JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
        WHERE submitted_assignment.student_id = ?"""
    with sqlite3.connect(course / "gradebook.db") as database:
        return {(notebook, cell): score for notebook, cell, score in database.execute(query, (student,))}


def _results(path: Path) -> dict:
    return json.loads(path.read_text())


def _grade_py(py: Path, out: Path) -> subprocess.Popen:
    """`autograder grade --student S` on each student's .py files, one after the other, in another process."""
    calls = [["--course", str(REPO), "grade", "--assignment", ASSIGNMENT, str(py / s), "--student", s, "--out",
             str(out / f"{s}.json"), "--quiet"]
             for s in STUDENTS]
    script = f"from autograder.cli import main\nfor args in {calls!r}:\n    assert main(args) == 0, args\n"
    return subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def graded_py(nbgrader_course):
    """`autograder grade --student S` on each student's .py files: {student: results.json}."""
    return {student: _results(nbgrader_course["py"] / f"{student}.json") for student in STUDENTS}


def test_the_gradebook_after_record_is_grade_alls_score_and_grades_on_the_py_files(nbgrader_course, graded_py):
    gradebook = _totals(nbgrader_course["course"])
    grade_all = {s: _results(nbgrader_course["grades"] / s / "results.json")["score"] for s in STUDENTS}
    grade = {s: graded_py[s]["score"] for s in STUDENTS}
    print("gradebook", gradebook, "grade-all", grade_all, "grade", grade, "kernel", nbgrader_course["kernel_scores"])
    assert gradebook == grade_all == grade
    assert gradebook["reference"] == 100 and gradebook["forger"] == 0


def test_each_cell_holds_its_exercises_or_questions_sandbox_score(nbgrader_course):
    for student in STUDENTS:
        run = _results(nbgrader_course["grades"] / student / "run.json")
        cells = _cell_scores(nbgrader_course["course"], student)
        expected = {}
        for exercise in run["exercises"]:
            if exercise["id"] == "questions":
                expected.update({("questions", f"{c['case']}_answer"): c["score"] for c in exercise["cases"]})
            else:
                expected[(exercise["module"], f"{exercise['id']}_tests")] = exercise["score"]
        assert cells == expected


def test_the_forgers_kernel_score_does_not_count(nbgrader_course):
    """The kernel ran the forged `grade`: every test cell showed full points until `record` replaced them."""
    assert nbgrader_course["kernel_scores"]["forger"] == 95
    assert _totals(nbgrader_course["course"])["forger"] == 0


def test_the_loop_at_the_top_level_costs_its_module_everywhere(nbgrader_course):
    """An endless loop at the top level of a cell: the module never finishes importing in the sandbox, so its
    exercises are ungradable; the kernel only lost the cell that timed out."""
    run = _results(nbgrader_course["grades"] / "loop" / "run.json")
    conv_numpy = [e for e in run["exercises"] if e["module"] == "conv_numpy"]
    assert conv_numpy and all(c["status"] == "ungradable" for e in conv_numpy for c in e["cases"])
    assert "importing conv_numpy.py took longer than its time limit" in conv_numpy[0]["cases"][0]["message"]
    assert _totals(nbgrader_course["course"])["loop"] == 100 - sum(e["points"] for e in conv_numpy)
    assert nbgrader_course["kernel_scores"]["loop"] > _totals(nbgrader_course["course"])["loop"]


def test_the_questions_are_graded_from_the_answer_cells(nbgrader_course):
    questions = {s: next(e for e in _results(nbgrader_course["grades"] / s / "run.json")["exercises"]
                         if e["id"] == "questions") for s in STUDENTS}
    assert {s: sum(c["score"] for c in q["cases"]) for s, q in questions.items()}["reference"] == 5
    assert all(q["points"] == 5 for q in questions.values())
    assert all(c["status"] == "not_implemented" for c in questions["forger"]["cases"])
    assert "there is no answers.yaml" not in json.dumps(questions)


def test_export_totals_are_the_grade_of_record_out_of_100(nbgrader_course):
    with open(nbgrader_course["course"] / "grades.csv", newline="") as stream:
        rows = {row["student_id"]: row for row in csv.DictReader(stream)}
    assert {s: float(rows[s]["raw_score"]) for s in STUDENTS} == _totals(nbgrader_course["course"])
    assert {row["max_score"] for row in rows.values()} == {"100.0"}


def test_nbgrader_validate_passes_the_reference(nbgrader_course):
    """Does `nbgrader validate` on the reference's notebooks (its code, its answers) say that every one passes?"""
    log = nbgrader_course["validate_log"]
    assert "VALIDATION FAILED" not in log and "CHANGED" not in log
    assert log.count("Success! Your notebook passes all the tests.") == len(MODULES) + 1


def test_the_feedback_shows_the_sandboxs_scores_and_reports(nbgrader_course):
    """Does each student's feedback page of a module carry, per exercise, the sandbox's report and its score, and
    the questions' page, under each answer, how it was judged?"""
    for student in STUDENTS:
        run = _results(nbgrader_course["grades"] / student / "run.json")
        for module in MODULES:
            page = (nbgrader_course["course"] / "feedback" / student / ASSIGNMENT / f"{module}.html").read_text()
            exercises = [e for e in run["exercises"] if e["module"] == module]
            assert page.count("hidden cases included; this is the grade") == len(exercises)
            total, points = sum(e["score"] for e in exercises), sum(e["points"] for e in exercises)
            assert f"Score: {float(round(total, 4))} / {float(points)}" in page
    questions = (nbgrader_course["course"] / "feedback" / "reference" / ASSIGNMENT / "questions.html").read_text()
    assert questions.count("points: correct") == 3 and "Score: 5.0 / 5.0" in questions


def test_autograde_warns_of_no_changed_checksum(nbgrader_course):
    assert "checksum" not in nbgrader_course["autograde_log"]


def _hidden_cases(course_spec) -> list:
    """Every hidden case of every student (their random cases are drawn per student)."""
    from autograder.cases import expand_exercise

    assignment = course_spec.assignment(ASSIGNMENT)
    return [case for student in STUDENTS for exercise in assignment.exercises
            for case in expand_exercise(course_spec.seed, assignment.id, exercise, student=student)
            if not case.visible]


def _decoded(text: str) -> str:
    """The text, plus whatever its base64 runs decompress to (case data packed as in a test cell), with the arrays
    in it (`.npy` bytes) written out as numbers."""
    import numpy as np

    parts = [text]

    def walk(value) -> None:
        if isinstance(value, dict) and isinstance(value.get("npy"), str):  # an array, a tensor, a NumPy scalar
            array = np.load(io.BytesIO(base64.b64decode(value["npy"])), allow_pickle=False)
            parts.append(", ".join(repr(float(x)) for x in array.ravel()))
        for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
            walk(item)

    block: list[str] = []
    for token in re.findall(r"[A-Za-z0-9+/=]{16,}", text):  # a cell's data: lines of LINE characters, then a shorter
        if len(token) == LINE:                              # one, whatever markup (HTML, JSON) lies between them
            block.append(token)
            continue
        for run in (block + [token], block):
            try:
                data = zlib.decompress(base64.b64decode("".join(run), validate=True)).decode("utf-8")
            except (ValueError, zlib.error):
                continue
            parts.append(data)
            try:
                walk(json.loads(data))
            except ValueError:
                pass
            break
        block = []
    return "\n".join(parts)


def _numbers(text: str) -> tuple[set, set]:
    """The numbers a text shows (rounded to 4 decimals), alone and as runs of three in a row."""
    tokens = [round(float(t), 4) for t in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])", text)]
    return set(tokens), set(zip(tokens, tokens[1:], tokens[2:]))


def _telling(value) -> tuple[set, set]:
    """What would show an expected value and hardly anything else: its numbers of 5 or more significant digits
    (integers from 100000), and runs of three of its values with one of 4 or more."""
    import numpy as np

    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=float).ravel()[:64]
    except (TypeError, ValueError, AttributeError):
        return set(), set()
    numbers = [round(float(x), 4) for x in array]

    def digits(x: float) -> int:
        return len(f"{x:.4f}".replace("-", "").replace(".", "").strip("0"))

    singles = {x for x in numbers if (x.is_integer() and abs(x) >= 100_000) or (not x.is_integer() and digits(x) >= 5)}
    runs = {t for t in zip(numbers, numbers[1:], numbers[2:]) if max(digits(x) for x in t) >= 4}
    return singles, runs


def test_no_released_feedback_holds_a_hidden_case(nbgrader_course, course_spec):
    from autograder.reference import ReferenceSolutions, expected_for

    released = sorted((nbgrader_course["exchange"] / "INF721" / "feedback").rglob("*.html"))
    assert len(released) == len(STUDENTS) * (len(MODULES) + 1)
    texts = [_decoded(path.read_text(encoding="utf-8")) for path in released]
    assert all("Visible tests of" in t or "questions computed by hand" in t for t in texts)
    assignment = course_spec.assignment(ASSIGNMENT)
    visible = {c.name for e in assignment.exercises for c in e.cases if c.visible}
    reference = ReferenceSolutions(assignment.solutions, assignment.id)
    hidden = _hidden_cases(course_spec)
    names = {c.name for c in hidden} - visible
    assert len(names) > 100
    for text in texts:
        assert not [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?![\w\[])", text)]
    secret_singles, secret_runs = set(), set()
    for case in hidden:
        singles, runs = _telling(expected_for(case, assignment.exercise(case.exercise).module, reference).value)
        secret_singles |= singles
        secret_runs |= runs
    for path in (nbgrader_course["course"] / "release" / ASSIGNMENT).glob("*.ipynb"):
        public_singles, public_runs = _numbers(_decoded(path.read_text()))  # what every student has: no secret
        secret_singles -= public_singles
        secret_runs -= public_runs
    assert len(secret_singles) > 50 and len(secret_runs) > 50
    for path, text in zip(released, texts):
        singles, runs = _numbers(text)
        assert not singles & secret_singles and not runs & secret_runs, path
