"""The false-alarm corpus (tests/sandbox/corpus/): correct submissions written many ways. Does the static scan
report nothing for any of them, and do they get full marks when graded?"""
from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from support import ASSIGNMENT, REPO

from autograder.pipeline import grade
from autograder.sandbox.static import Scan, scan_submission

CORPUS = Path(__file__).parent / "corpus"
MODULES = ("filters", "conv_numpy", "conv_torch")
VARIANTS = {module: sorted(p.stem for p in (CORPUS / module).glob("*.py")) for module in MODULES}
WHOLE = "# whole module"


def build(target: Path, variants: dict[str, str]) -> Path:
    """The reference solutions with corpus/<module>/<variant>.py appended to (or replacing) each named module."""
    shutil.copytree(REPO / "solutions" / ASSIGNMENT, target, ignore=shutil.ignore_patterns("__pycache__"))
    for module, variant in variants.items():
        source = (CORPUS / module / f"{variant}.py").read_text()
        path = target / f"{module}.py"
        path.write_text(source if source.startswith(WHOLE) else path.read_text() + "\n\n" + source)
    return target


def forbidding(assignment, module: str):
    return [e for e in assignment.exercises if e.module == module and e.forbidden]


def excused(assignment, exercise) -> frozenset[str]:
    """As the pipeline computes it: the module's other exercises that forbid nothing."""
    return frozenset(o.id for o in assignment.exercises
                     if o.module == exercise.module and o.id != exercise.id and not o.forbidden)


def test_the_corpus_is_large_enough():
    """Does the corpus hold at least 20 variants, some of each module?"""
    assert sum(len(v) for v in VARIANTS.values()) >= 20 and all(VARIANTS.values())


@pytest.mark.parametrize("module,variant", [(m, v) for m in MODULES for v in VARIANTS[m]])
def test_static_scan_finds_nothing(assignment, tmp_path, module, variant):
    """Does the static scan report no use and no refusal for this correct variant, for every exercise of its
    module that forbids APIs?"""
    folder = build(tmp_path / "sub", {module: variant})
    for exercise in forbidding(assignment, module):
        found = scan_submission(folder, module, exercise.id, exercise.forbidden, excused(assignment, exercise))
        assert found == Scan(), (exercise.id, found)


def submissions() -> list[dict[str, str]]:
    """One variant per module in each submission, until every variant has been graded once."""
    count = max(len(v) for v in VARIANTS.values())
    return [{m: VARIANTS[m][k % len(VARIANTS[m])] for m in MODULES} for k in range(count)]


def test_merged_corpus_submissions_get_full_marks(course, assignment, tmp_path):
    """Graded for real, does every exercise that forbids APIs get full marks in every merged submission?"""
    # learn_filter stays (one case): it may use F.conv2d, which conv2d_forward_torch may not
    kept = [e if e.forbidden else replace(e, cases=e.cases[:1]) for e in assignment.exercises
            if e.forbidden or e.id == "learn_filter"]
    only = replace(assignment, exercises=tuple(kept), questions=())

    def one(item):
        index, variants = item
        return variants, grade(course, only, build(tmp_path / f"sub{index}", variants), student="corpus")

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(one, enumerate(submissions())))
    for variants, run in runs:
        for exercise in (e for e in run.exercises if e.id != "learn_filter"):
            failing = [(c.case, c.status.value, c.message) for c in exercise.cases if not c.passed
                       and c.status.value != "skipped"]
            assert exercise.score == exercise.points, (variants, exercise.id, failing[:3])
