"""Does the benchmark (benchmarks/, docs/benchmark.md) still run, and do the implementations it times agree with
F.conv2d? Tiny shapes and one repeat: the benchmark's numbers themselves are not tested."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `benchmarks` is a folder of the repository, not an installed package
    sys.path.insert(0, str(REPO))

from benchmarks import __main__ as cli, grading, kernels  # noqa: E402

TINY = ((2, 3, 6, 7, 4, 3), (1, 2, 5, 5, 3, 3))


@pytest.fixture(autouse=True)
def one_torch_thread():
    """One torch thread, as in tests/solutions: the tensors are tiny and the machine may be busy."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_every_implementation_agrees_with_conv2d_at_a_tiny_shape():
    """Do the naive loop, the NumPy reference and the torch reference all compute F.conv2d's values?"""
    import torch

    rows = kernels.measure(torch.device("cpu"), shapes=TINY[:1], repeats=1)
    names = {(row.name, row.dtype) for row in rows}
    assert names == {("F.conv2d", "float32"), ("F.conv2d", "float64"), ("torch reference (unfold + matmul)",
                     "float32"), ("NumPy reference (im2col)", "float64"), ("naive pixel loop (NumPy)", "float64")}
    for row in rows:
        assert row.max_error < (1e-5 if row.dtype == "float32" else 1e-12), row
        assert row.seconds > 0 and row.gflops > 0
    assert [row.ratio for row in rows if row.name == "F.conv2d"] == [1.0, 1.0]


def test_the_naive_loop_runs_on_the_smallest_benchmark_shape_only():
    flops = [kernels.conv_flops(*shape) for shape in kernels.SHAPES]
    assert flops[0] <= kernels.NAIVE_MAX_FLOPS < min(flops[1:])


def test_the_kernel_table_and_its_targets_are_printed_and_written(tmp_path, monkeypatch, capsys):
    """Does `python -m benchmarks --only kernels` print the table, the ceiling, the CUDA line and a target per
    larger shape, and write the same Markdown file?"""
    monkeypatch.setattr(kernels, "SHAPES", TINY)
    monkeypatch.setattr(kernels, "MATMUL_SIZE", 64)
    out = tmp_path / "bench.md"
    assert cli.main(["--only", "kernels", "--repeats", "1", "--seconds", "0", "--out", str(out)]) == 0
    text = out.read_text()
    assert text.strip() in capsys.readouterr().out.replace(f"\nwrote {out}", "")
    assert "| NumPy reference (im2col)" in text and "matmul ceiling on cpu: 64x64 float32" in text
    assert "CUDA" in text
    assert text.count("NumPy reference within 3x of F.conv2d") == 2  # float64 and float32, the larger shape only


def test_generated_submissions_mix_references_and_known_bugs(tmp_path):
    kinds = grading.make_submissions(tmp_path, 10)
    assert sum(kinds.values()) == 10 and kinds["reference"] < 10
    folders = sorted(tmp_path.iterdir())
    assert [f.name for f in folders] == [f"s{i:02d}" for i in range(10)]
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == ["answers.yaml", "conv_numpy.py", "conv_torch.py",
                                                             "filters.py", "shapes.py"]


def test_the_grading_table_reports_what_it_could_not_measure(tmp_path, monkeypatch, capsys):
    """When grade-all fails or nbgrader is missing, does the table say so, with n/a targets, instead of crashing?"""
    def fake_measure(submissions, nbgrader_submissions, import_repeats):
        return (1.5, grading.GradeAll(submissions, 0.0, 2, {"reference": submissions}, failed="exit 2: boom"),
                grading.Nbgrader(skipped="nbgrader is not installed"))

    monkeypatch.setattr(grading, "measure", fake_measure)
    assert cli.main(["--only", "grading", "--quick", "--out", str(tmp_path / "g.md")]) == 0
    text = (tmp_path / "g.md").read_text()
    assert "- grade-all: not measured (failed: exit 2: boom)" in text
    assert "- nbgrader: not measured (nbgrader is not installed)" in text
    assert text.count("| n/a") == 2


def test_the_grading_targets_compare_per_submission_times(tmp_path, monkeypatch):
    def fake_measure(submissions, nbgrader_submissions, import_repeats):
        return 2.0, grading.GradeAll(10, 10.0, 2, {"reference": 10}), grading.Nbgrader(3, 30.0)

    monkeypatch.setattr(grading, "measure", fake_measure)
    cli.main(["--only", "grading", "--quick", "--out", str(tmp_path / "g.md")])
    text = (tmp_path / "g.md").read_text()
    assert re.search(r"below one `import torch`\s*\|\s*0\.50x import torch\s*\|\s*PASS", text)  # 1 s against 2 s
    assert re.search(r"nbgrader autograde\s*\|\s*10\.0x\s*\|\s*PASS", text)  # 10 s per submission against 1 s


def test_the_kit_section_reports_check_against_import_torch():
    """Does the student kit's table give each check's ratio to one import torch, for the later checks (the server
    running), the first and without the server, and judge each later check against 1.5x?"""
    from benchmarks import kit

    by = lambda stubs, buggy, reference: {"untouched stubs": stubs, "buggy example": buggy,  # noqa: E731
                                          "reference": reference}
    timing = kit.KitTiming(1.0, {"later check": by(0.6, 1.4, 1.6), "first check": by(1.3, 2.2, 2.1),
                                 "no server": by(1.4, 2.1, 2.0)})
    lines, targets = kit.section(timing, 3)
    assert any("untouched stubs" in line and "first check" in line and "1.30" in line for line in lines)
    assert any("reference" in line and "no server" in line and "2.00" in line for line in lines)
    assert targets == [
        ["kit `check` (later check) on the untouched stubs within 1.5x one import torch", "0.60x", "PASS"],
        ["kit `check` (later check) on the buggy example within 1.5x one import torch", "1.40x", "PASS"],
        ["kit `check` (later check) on the reference within 1.5x one import torch", "1.60x", "MISS"]]


def test_every_stage_the_profile_times_exists():
    """Does every stage of `python -m benchmarks.stages` name a function the grader still has, where the grader
    looks it up (a renamed function would otherwise drop out of the profile unnoticed)?"""
    import importlib

    from benchmarks import stages

    for name, module_name, path, _ in stages.STAGES:
        owner = importlib.import_module(module_name)
        for part in path.split("."):
            assert hasattr(owner, part), f"{name}: {module_name}.{path}"
            owner = getattr(owner, part)
        assert callable(owner), name
