"""The whole pipeline on the real course: reference, stubs, the bundled buggy example, broken submissions."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from autograder import devices
from autograder.pipeline import grade
from autograder.reporters import gradescope
from autograder.results import Status
from autograder.verdict import HIDDEN_BY_STATUS

from support import ASSIGNMENT, REPO, make_variant


@pytest.fixture(scope="module")
def graded(course, assignment):
    """Grade each bundled submission once for the whole module."""
    cache = {}

    def run(folder: Path, student: str | None = None):
        key = (str(folder), student)
        if key not in cache:
            cache[key] = grade(course, assignment, folder, student=student)
        return cache[key]
    return run


def scores(run):
    return {e.id: e.score for e in run.exercises}


def test_reference_scores_the_maximum(graded, assignment):
    """Does the reference solution, graded as a submission, get every point of every exercise?"""
    run = graded(REPO / "solutions" / ASSIGNMENT)
    failing = [(e.id, c.case, c.message) for e in run.exercises for c in e.cases
               if not c.passed and not (c.status is Status.SKIPPED and c.score == c.max_score)]
    assert failing == []  # CUDA cases are skipped without a GPU, and take the CPU case's score
    assert run.score == run.max_score == 100 == sum(e.points for e in assignment.exercises) + \
        sum(q.points for q in assignment.questions)  # the questions answered in solutions/.../answers.yaml


def test_untouched_stubs_score_zero_as_not_implemented(graded):
    """Do the generated stubs score 0, every case saying 'not implemented' (and nothing else)?"""
    run = graded(REPO / "assignments" / ASSIGNMENT)
    assert run.score == 0
    statuses = {c.status for e in run.exercises for c in e.cases} - {Status.SKIPPED}  # CUDA cases without a GPU
    assert statuses == {Status.NOT_IMPLEMENTED}
    assert all("not implemented" in c.message for e in run.exercises for c in e.cases
               if e.id != "questions" and c.status is not Status.SKIPPED)
    questions = next(e for e in run.exercises if e.id == "questions")  # the answers.yaml template: all null
    assert all(c.message.startswith("not answered: write your answer") for c in questions.cases)


def test_buggy_example_loses_exactly_one_exercise(graded, assignment):
    """Does the bundled buggy student (bias forgotten in conv_param_count and in the question computed by hand,
    a right but loop-over-pixels conv2d_forward_torch) lose that exercise's points, that question's and the
    speed case's only: 93 / 100?"""
    run = graded(REPO / "examples" / ASSIGNMENT / "buggy_student")
    points = {e.id: e.points for e in assignment.exercises}
    assert scores(run) == {**points, "conv_param_count": 0, "questions": 4, "conv2d_forward_torch": 13}
    assert run.score == 93
    torch_cases = next(e for e in run.exercises if e.id == "conv2d_forward_torch").cases
    assert [(c.case, c.status) for c in torch_cases if c.status not in (Status.PASSED, Status.SKIPPED)] == [
        ("vectorised_speed", Status.FAILED)]
    assert "slower than 10x the time of torch.nn.functional.conv2d" in next(
        c for c in torch_cases if c.case == "vectorised_speed").message
    questions = next(e for e in run.exercises if e.id == "questions")
    assert [c.case for c in questions.cases if not c.passed] == ["conv_layer_params"]
    visible = [c for c in run.exercises[[e.id for e in run.exercises].index("conv_param_count")].cases if c.visible]
    assert any("got 270, expected 280" in c.message for c in visible)


def test_a_syntax_error_costs_only_its_module(graded, tmp_path, assignment):
    """Is a module with a syntax error ungradable (file and line named) while the others get full marks?"""
    folder = make_variant(tmp_path / "sub", "filters", "def edge_kernels", "def edge_kernels(:\ndef _unused")
    run = graded(folder)
    for exercise in run.exercises:
        if exercise.module == "filters":
            assert exercise.score == 0
            assert all(c.status is Status.UNGRADABLE for c in exercise.cases)
            assert all("filters.py, line" in c.message for c in exercise.cases if c.visible)
            # hidden cases: the grader's own words only (the visible ones say where)
            assert all(c.message == HIDDEN_BY_STATUS[Status.UNGRADABLE] for c in exercise.cases if not c.visible)
        else:
            assert exercise.score == exercise.points, exercise.id
    from autograder.reporters import text

    out = text.feedback(run)  # one line with file and line, the code with a caret: once, not once per case
    assert out.count("SyntaxError") == 1 and "def edge_kernels(:" in out and out.count("^") == 1


def test_forbidden_conv2d_is_caught(graded, tmp_path):
    """Does an implementation that calls F.conv2d get 0 for that exercise, with a message naming the call?"""
    folder = make_variant(tmp_path / "sub", "conv_torch", '    """\n    ### BEGIN SOLUTION',
                          '    """\n    ### BEGIN SOLUTION\n    import torch.nn.functional as F\n'
                          '    return F.conv2d(x, weight, bias, stride=stride, padding=padding)')
    run = graded(folder)
    exercise = next(e for e in run.exercises if e.id == "conv2d_forward_torch")
    assert exercise.score == 0
    assert all(c.status is Status.FORBIDDEN for c in exercise.cases if c.status is not Status.SKIPPED)
    assert "torch.nn.functional.conv2d" in exercise.cases[0].message


def test_hidden_cases_do_not_reveal_expected_values(graded, tmp_path):
    """Do hidden cases of a wrong answer say how they failed, without details or expected values?"""
    run = graded(REPO / "examples" / ASSIGNMENT / "buggy_student")
    exercise = next(e for e in run.exercises if e.id == "conv_param_count")
    hidden = [c for c in exercise.cases if not c.visible]
    diagnosis = "This looks like the known mistake 'bias_forgotten': "  # said once, in the exercise's notes
    assert hidden and all("expected" not in c.message for c in hidden)
    assert all(c.details == "" for c in hidden)
    assert len(exercise.notes) == 1 and exercise.notes[0].startswith(diagnosis)
    assert all(c.staff for c in hidden)  # staff still see what happened


def test_results_json_is_deterministic(course, assignment, graded, tmp_path):
    """Does grading the same submission twice with the same student give byte-identical results.json?"""
    folder = REPO / "examples" / ASSIGNMENT / "buggy_student"
    first = gradescope.dumps(graded(folder, student="s1"))
    second = gradescope.dumps(grade(course, assignment, folder, student="s1"))
    assert first == second


def test_gradescope_format(graded):
    """Does results.json follow Gradescope's format, with every test named after its exercise?"""
    run = graded(REPO / "examples" / ASSIGNMENT / "buggy_student")
    results = gradescope.to_results(run)
    assert set(results) >= {"score", "tests"} and results["extra_data"]["max_score"] == run.max_score
    ids = {e.id for e in run.exercises}
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
        assert test["name"].split(":")[0] in ids
        assert test["visibility"] in gradescope.VISIBILITIES
    assert abs(sum(t["score"] for t in results["tests"]) - results["score"]) < 1e-6


NO_CUDA = "this machine has no CUDA device"


@pytest.mark.skipif(devices.cuda().available, reason="this machine has CUDA: the @cuda cases run instead "
                                                     "(test_cuda_cases_run_on_the_gpu)")
def test_cuda_cases_without_cuda_follow_the_course_policy(graded, course, assignment):
    """Without CUDA, is every @cuda case skipped with the reason, scored as its CPU twin under `cpu` (the maximum
    stays 100) and taken out of the maximum under `drop`?"""
    run = graded(REPO / "examples" / ASSIGNMENT / "buggy_student")
    cases = next(e for e in run.exercises if e.id == "conv2d_forward_torch").cases
    skipped = [c for c in cases if c.case.endswith("@cuda")]
    assert len(skipped) == 21 and all(c.status is Status.SKIPPED and "no GPU" in c.message for c in skipped)
    assert all(c.score == c.max_score > 0 and "which passed" in c.message for c in skipped)
    dropped = grade(replace(course, cuda_unavailable="drop"), assignment, REPO / "examples" / ASSIGNMENT / "buggy_student")
    exercise = next(e for e in dropped.exercises if e.id == "conv2d_forward_torch")
    share = sum(c.max_score for c in skipped)
    assert all(c.max_score == c.score == 0 for c in exercise.cases if c.status is Status.SKIPPED)
    assert exercise.points == pytest.approx(16 - share) and dropped.max_score == pytest.approx(100 - share)
    assert dropped.score == pytest.approx(run.score - share)


@pytest.mark.skipif(not devices.cuda().available, reason=NO_CUDA)
def test_cuda_cases_run_on_the_gpu(graded):
    """With CUDA, do the reference's @cuda cases run (inputs on the GPU, result expected there) and pass, and
    does learn_filter (devices: [auto]) run there too?"""
    run = graded(REPO / "solutions" / ASSIGNMENT)
    cases = next(e for e in run.exercises if e.id == "conv2d_forward_torch").cases
    on_gpu = [c for c in cases if c.case.endswith("@cuda")]
    assert len(on_gpu) == 21 and all(c.status is Status.PASSED for c in on_gpu)
    assert run.score == run.max_score == 100


def test_a_forbidden_call_seen_only_while_running_costs_every_case(course, assignment, tmp_path, monkeypatch):
    """Does a forbidden call that only the run-time guard sees (the static scan is switched off here: it now knows
    LazyConv2d too), caught while running the cases that reach it, give 0 for every case of the exercise, the
    raising ones included?"""
    from autograder import pipeline
    from autograder.sandbox.static import Scan

    monkeypatch.setattr(pipeline, "_static_scans", lambda assignment, submission, sources: {
        e.id: Scan() for e in assignment.exercises})
    folder = make_variant(tmp_path / "sub", "conv_torch", '    """\n    ### BEGIN SOLUTION',
                          '    """\n    ### BEGIN SOLUTION\n    if x.dim() == 4 and weight.dim() == 4 and stride >= 1 '
                          'and padding >= 0 and x.shape[1] == weight.shape[1] and bias is None:\n'
                          '        layer = torch.nn.LazyConv2d(weight.shape[0], tuple(weight.shape[2:]), stride, '
                          'padding, bias=False, dtype=x.dtype)\n'
                          '        return layer(x)')
    only = replace(assignment, exercises=tuple(e for e in assignment.exercises if e.id == "conv2d_forward_torch"),
                   questions=())
    run = grade(course, only, folder)
    cases = run.exercises[0].cases
    assert run.exercises[0].score == 0
    assert {c.status for c in cases} <= {Status.FORBIDDEN, Status.SKIPPED}
    assert any("called while running" in c.message for c in cases)
    assert any("a forbidden API anywhere in an exercise gives 0" in c.message for c in cases)


def test_the_run_keeps_the_ids_of_known_mistakes_and_not_the_value_hint(course, assignment):
    """Does each exercise of the run keep the ids of the known mistakes diagnosed (for the class's counts), the
    sentences in its notes, and a value hint (no mistake named) only as a sentence?"""
    from autograder.cases import expand_assignment
    from autograder.diagnose import Diagnosis
    from autograder.pipeline import _assemble
    from autograder.verdict import Verdict

    cases = expand_assignment(course, assignment, student="s1")
    verdicts = {c.key: Verdict(Status.FAILED, "the returned values are wrong") for c in cases}
    found = {"conv2d_single": (Diagnosis("flipped_kernel", "the kernel is flipped", ("a",)),
                               Diagnosis("padding_ignored", "the padding is ignored", ("b",))),
             "learn_filter": (Diagnosis("", "gradient descent did not converge", ("c",)),)}
    run = _assemble(assignment, Path("s1"), "s1", False, cases, verdicts, (), found)
    exercises = {e.id: e for e in run.exercises}
    assert exercises["conv2d_single"].mistakes == ("flipped_kernel", "padding_ignored")
    assert exercises["learn_filter"].mistakes == ()
    assert exercises["learn_filter"].notes == ("gradient descent did not converge",)
    assert all(e.mistakes == () for name, e in exercises.items() if name not in found)


def test_a_partial_run_carries_the_late_penalty_of_the_final_one(tmp_path):
    """Gradescope keeps the partial results.json of a grading it stops: is every partial run given to `progress`
    penalised as the final run is (here more than max_days late: 0 points), instead of claiming the points graded
    so far without the penalty?"""
    from datetime import datetime, timedelta, timezone

    from support import SMALL_MODULES, write_small_course

    from autograder.pipeline import grade_with_values
    from autograder.spec import load_course
    from autograder.spec.model import LateRule

    (tmp_path / "course").mkdir()
    write_small_course(tmp_path / "course", {"case_seconds": 2, "exercise_seconds": 4})
    course = load_course(tmp_path / "course")
    deadline = datetime(2026, 12, 10, 23, 59, tzinfo=timezone.utc)
    assignment = replace(course.assignment(ASSIGNMENT), late=LateRule(deadline, 10, 0))
    folder = tmp_path / "late_student"
    folder.mkdir()
    for module in SMALL_MODULES:
        (folder / f"{module}.py").write_bytes((REPO / "solutions" / ASSIGNMENT / f"{module}.py").read_bytes())
    partials = []
    run, _ = grade_with_values(course, assignment, folder, progress=partials.append,
                               submitted_at=deadline + timedelta(hours=1))
    assert run.raw_score == run.max_score and run.score == 0
    assert len(partials) > 2 and any(p.raw_score > 0 for p in partials)
    assert all(p.score == 0 and p.late is not None and p.late.percent == 100 for p in partials)
