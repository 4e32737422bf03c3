"""Are the built notebooks valid nbgrader source notebooks, with the course's statements, code, cases and points?"""
from __future__ import annotations

import re

import nbformat
import pytest
from nbgrader_fixtures import nbgrader_meta, notebook_of, source_of
from support import SMALL_MODULES
from nbgrader_fixtures import small_course, small_files  # noqa: F401 (fixtures used by name)
from support import ASSIGNMENT

from autograder.nbgrader.build import BuildError, build_course, default_timeout
from autograder.nbgrader.payload import unpack
from autograder.stubs import BEGIN, END


def test_one_notebook_per_module_and_a_config(small_files):
    assert sorted(small_files) == ["nbgrader_config.py"] + sorted(f"source/{ASSIGNMENT}/{m}.ipynb"
                                                                   for m in SMALL_MODULES)


@pytest.mark.parametrize("module", SMALL_MODULES)
def test_every_notebook_validates_and_runs_on_python3(small_files, module):
    notebook = nbformat.reads(small_files[f"source/{ASSIGNMENT}/{module}.ipynb"], as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("module", SMALL_MODULES)
def test_grade_ids_are_unique_and_cell_ids_valid(small_files, module):
    cells = notebook_of(small_files, module)["cells"]
    grade_ids = [nbgrader_meta(c)["grade_id"] for c in cells if nbgrader_meta(c)]
    assert len(grade_ids) == len(set(grade_ids))
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", c["id"]) for c in cells)


def test_each_exercise_has_a_statement_a_solution_and_a_test_cell_in_that_order(small_files, small_course):
    assignment = small_course.assignment(ASSIGNMENT)
    for module in SMALL_MODULES:
        cells = notebook_of(small_files, module)["cells"]
        roles = [(nbgrader_meta(c).get("grade_id"), c["cell_type"]) for c in cells]
        expected = [(f"{module}_intro", "markdown"), (None, "code")]
        for exercise in (e for e in assignment.exercises if e.module == module):
            expected += [(f"{exercise.id}_statement", "markdown"), (f"{exercise.id}_solution", "code"),
                         (f"{exercise.id}_tests", "code")]
        assert roles == expected


def test_cells_carry_nbgrader_metadata_by_role(small_files):
    cells = {nbgrader_meta(c).get("grade_id"): c for c in notebook_of(small_files, "shapes")["cells"]}
    assert nbgrader_meta(cells["output_size_statement"]) == {
        "grade": False, "solution": False, "locked": True, "grade_id": "output_size_statement", "schema_version": 3}
    assert nbgrader_meta(cells["output_size_solution"]) == {
        "grade": False, "solution": True, "locked": False, "grade_id": "output_size_solution", "schema_version": 3}
    assert nbgrader_meta(cells["output_size_tests"]) == {
        "grade": True, "solution": False, "locked": True, "points": 4.0, "grade_id": "output_size_tests",
        "schema_version": 3}
    assert cells[None]["metadata"] == {}  # the imports: the students may change them


def test_statements_come_from_the_yaml(small_files, small_course):
    exercise = small_course.assignment(ASSIGNMENT).exercise("same_padding")
    cells = {nbgrader_meta(c).get("grade_id"): c for c in notebook_of(small_files, "shapes")["cells"]}
    text = source_of(cells["same_padding_statement"])
    assert text.startswith(f"## {exercise.title} (3 points)\n\n")
    assert exercise.statement.strip() in text


def test_solution_cells_hold_the_reference_with_its_solution_regions(small_files):
    cells = {nbgrader_meta(c).get("grade_id"): c for c in notebook_of(small_files, "shapes")["cells"]}
    code = source_of(cells["same_padding_solution"])
    assert code.startswith("def same_padding(f: int) -> int:")
    assert code.count(BEGIN) == 1 and code.count(END) == 1
    assert "return int((f - 1) // 2)" in code
    assert "def output_size" not in code


def _test_cells(files, module):
    return {nbgrader_meta(c)["grade_id"]: c for c in notebook_of(files, module)["cells"]
            if nbgrader_meta(c).get("grade")}


def test_points_of_each_test_cell_are_the_exercise_points_and_its_cases_are_its_visible_ones(small_files,
                                                                                            small_course):
    """Does each test cell carry exactly the exercise's visible cases (the CPU ones), each with the share it has
    among all the exercise's cases, and the exercise's points?"""
    from autograder.cases import expand_exercise

    assignment = small_course.assignment(ASSIGNMENT)
    total = 0.0
    for module in SMALL_MODULES:
        for grade_id, cell in _test_cells(small_files, module).items():
            exercise = assignment.exercise(grade_id.removesuffix("_tests"))
            assert nbgrader_meta(cell)["points"] == exercise.points
            cases = [c for block in _blocks(source_of(cell)) for c in unpack(block).cases]
            every = expand_exercise(small_course.seed, assignment.id, exercise)
            assert [c.name for c in cases] == [c.name for c in every if c.visible and c.device != "cuda"
                                               and c.speed is None]
            assert round(sum(c.max_score for c in cases), 4) <= exercise.points
            assert {c.exercise for c in cases} == {exercise.id}
            total += nbgrader_meta(cell)["points"]
    assert total == 35


def _blocks(source: str) -> list[str]:
    return re.findall(r'"""\n(.*?)\n"""', source, flags=re.S)


def test_no_cell_carries_a_hidden_case(small_files, small_course):
    """Is every packed case of every cell visible, with no hidden-test region anywhere? nbgrader's feedback
    renders the autograded notebook, cells and all."""
    assignment = small_course.assignment(ASSIGNMENT)
    hidden = {(e.id, c.name) for e in assignment.exercises for c in e.cases if not c.visible}
    for module in SMALL_MODULES:
        text = small_files[f"source/{ASSIGNMENT}/{module}.ipynb"]
        assert "HIDDEN TESTS" not in text
        for cell in notebook_of(small_files, module)["cells"]:
            cases = [c for block in _blocks(source_of(cell)) for c in unpack(block).cases]
            assert all(c.visible for c in cases) and not {(c.exercise, c.name) for c in cases} & hidden
    cell = _test_cells(small_files, "shapes")["output_size_tests"]
    spec_visible = [c.name for c in assignment.exercise("output_size").cases if c.visible]
    assert [c.name for block in _blocks(source_of(cell)) for c in unpack(block).cases] == spec_visible
    assert source_of(cell).splitlines()[-1].startswith(
        "grade(output_size, cases, points=4, signature='(n: int, f: int, padding: int = 0, stride: int = 1)', "
        "rtol=1e-05, atol=1e-08, dtype='kind'")


def test_expected_values_are_the_references(small_files):
    cell = _test_cells(small_files, "shapes")["dense_param_count_tests"]
    cases = {c.name: c for block in _blocks(source_of(cell)) for c in unpack(block).cases}
    assert cases["lecture_megapixel_rgb"].expected == 3_000_001_000
    assert cases["lecture_megapixel_rgb"].args == {"height": 1000, "width": 1000, "channels": 3, "units": 1000}
    assert cases["zero_units"].raises == "ValueError"


def test_the_same_course_gives_the_same_bytes(small_course, small_files):
    again = build_course(small_course, small_course.assignment(ASSIGNMENT))
    assert again == small_files


def test_modules_restrict_the_notebooks_and_the_timeout_is_the_longest_exercise_limit(small_course):
    assignment = small_course.assignment(ASSIGNMENT)
    files = build_course(small_course, assignment, modules=("shapes",))
    assert sorted(files) == ["nbgrader_config.py", f"source/{ASSIGNMENT}/shapes.ipynb"]
    longest = max(e.limits.exercise_seconds for e in assignment.exercises if e.module == "shapes")
    assert default_timeout(assignment, ("shapes",)) == longest == 25  # course.yaml's exercise_seconds
    assert "c.Execute.timeout = 25\n" in files["nbgrader_config.py"]
    assert "c.Execute.timeout = 7\n" in build_course(small_course, assignment, ("shapes",), 7)["nbgrader_config.py"]


def test_an_unknown_module_is_refused_naming_the_known_ones(small_course):
    with pytest.raises(BuildError, match=r"no module 'shape' in assignment l10_convolutions; its modules are "
                                         r"shapes, filters"):
        build_course(small_course, small_course.assignment(ASSIGNMENT), modules=("shape",))


def test_the_config_names_the_course_the_gradebook_and_the_kernel(small_files):
    config = small_files["nbgrader_config.py"]
    assert "c.CourseDirectory.course_id = 'INF721'\n" in config
    assert 'c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, \'gradebook.db\')' in config
    assert 'c.Execute.kernel_name = "python3"' in config
    namespace = {"get_config": lambda: _Config(), "__file__": "/course/nbgrader_config.py"}
    exec(compile(config, "nbgrader_config.py", "exec"), namespace)
    c = namespace["c"]
    assert c.CourseDirectory.db_url == "sqlite:////course/gradebook.db"
    assert c.CourseDirectory.root == "/course"
    assert c.Execute.timeout == 25  # the small course's longest exercise_seconds


class _Config:
    """Enough of traitlets' Config to read the file: attributes made on first use."""

    def __getattr__(self, name):
        value = _Config()
        setattr(self, name, value)
        return value


def test_each_notebook_opens_with_the_conventions_and_the_slides_errata(small_files, small_course):
    """Does every notebook carry the assignment's introduction (conventions, errata) as the student kit does?"""
    for module in ("shapes", "filters"):
        cells = {nbgrader_meta(c).get("grade_id"): c for c in notebook_of(small_files, module)["cells"]}
        intro = source_of(cells[f"{module}_intro"])
        assert "Conventions" in intro and "0.0625" in intro and "244" in intro


def test_test_cells_carry_the_known_mistakes_outputs(small_files):
    """Do the packed cases hold each known mistake's output, so the kernel can diagnose without mistakes.py?"""
    cells = {nbgrader_meta(c).get("grade_id"): c for c in notebook_of(small_files, "shapes")["cells"]}
    packs = [unpack(block) for block in _blocks(source_of(cells["output_size_tests"]))]
    assert packs[0].mistakes and all(c.mistakes for c in packs[0].cases)
    assert {m.id for m in packs[0].mistakes} == set(packs[0].cases[0].mistakes)
