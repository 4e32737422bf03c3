"""Code similarity (autograder/similarity/): on a class of eight independent solutions written differently and
disguised copies of some (identifiers renamed, functions reordered, comments and layout changed, a helper
extracted, one function copied into an otherwise own submission), does every copied pair rank above every
independent pair, per exercise and for the whole submission? And the command's files."""
from __future__ import annotations

import csv
import itertools
import shutil

import pytest
from class_code import COPIED, DISGUISED, INDEPENDENT, STUB
from support import ASSIGNMENT, REPO

from autograder.cli import main
from autograder.similarity import WHOLE, compare_class, units_of
from autograder.similarity.pages import closest, pair_page

EXERCISES = {"out_size": "m", "correlate2d": "m"}
UNITS = (WHOLE, "out_size", "correlate2d")


@pytest.fixture(scope="module")
def pairs():
    code = {**INDEPENDENT, **DISGUISED}
    units = {student: units_of({"m": source}, EXERCISES) for student, source in code.items()}
    return compare_class(units, units_of({"m": STUB}, EXERCISES), UNITS), units


def _split(pairs, unit):
    """(similarities of copied pairs, of independent pairs) of one unit."""
    copied = {(a, b) for a, b, e in COPIED if e == unit} | {(b, a) for a, b, e in COPIED if e == unit}
    origin = {copy: original for copy, original, e in COPIED if e == unit}
    mine, theirs = [], []
    for pair in (p for p in pairs if p.exercise == unit):
        if (pair.a, pair.b) in copied:
            mine.append(pair.similarity)
        elif unit == WHOLE and "c05" in (pair.a, pair.b):
            continue
        elif origin.get(pair.a, pair.a) != origin.get(pair.b, pair.b):
            theirs.append(pair.similarity)
    return mine, theirs


@pytest.mark.parametrize("unit", UNITS)
def test_every_disguised_copy_ranks_above_every_independent_pair(pairs, unit):
    copied, independent = _split(pairs[0], unit)
    assert len(copied) == sum(1 for *_, e in COPIED if e == unit) and len(independent) > 40
    assert min(copied) > max(independent), f"{unit or 'whole'}: copies {sorted(copied)}, independent max " \
                                           f"{max(independent)}"
    assert min(copied) >= 0.5 > max(independent)  # the command's default threshold separates them here


def test_students_who_kept_the_stub_are_not_similar(pairs):
    """Two submissions that are the stub (and one that only added a line) share nothing once the stub is
    boilerplate."""
    units = {s: units_of({"m": text}, EXERCISES)
             for s, text in {"x": STUB, "y": STUB, "z": STUB.replace("import numpy as np", "import numpy as np\n"
                                                                        "import math")}.items()}
    found = compare_class(units, units_of({"m": STUB}, EXERCISES), UNITS)
    assert {p.similarity for p in found} == {0.0}


def test_pair_page_marks_the_matching_regions_and_escapes_the_code(pairs):
    found, units = pairs
    pair = closest(found, "correlate2d", 1, 0.5)[0]
    page = pair_page(pair, units[pair.a]["correlate2d"], units[pair.b]["correlate2d"], None)
    assert page.count("<mark>") >= 2 and "<script" not in page
    hostile = units_of({"m": STUB.replace("raise NotImplementedError()\n\n\ndef correlate2d",
                                          "return '</pre><script>alert(1)</script>'\n\n\ndef correlate2d")},
                       EXERCISES)["out_size"]
    page = pair_page(pair, hostile, hostile, None)
    assert "<script>" not in page and "&lt;/pre&gt;&lt;script&gt;" in page


def test_the_command_writes_pairs_csv_index_and_pages_from_zips_and_folders(tmp_path, capsys):
    """On the real course: the reference, a renamed copy of it as a zip, and the stubs. pairs.csv has a, b,
    exercise, similarity for every pair and unit; the copy is the closest pair; the stubs are alike to nobody."""
    submissions = tmp_path / "submissions"
    reference = REPO / "solutions" / ASSIGNMENT
    shutil.copytree(reference, submissions / "ref", ignore=shutil.ignore_patterns("__pycache__", "mistakes.py"))
    copy = tmp_path / "copy"
    shutil.copytree(submissions / "ref", copy)
    for path in copy.glob("*.py"):
        path.write_text(path.read_text().replace("padded", "with_zeros").replace("kernel", "filt"))
    shutil.make_archive(str(submissions / "copycat"), "zip", copy)
    shutil.copytree(REPO / "assignments" / ASSIGNMENT, submissions / "stub", ignore=shutil.ignore_patterns("*.yaml"))
    out = tmp_path / "similarity"
    assert main(["--course", str(REPO), "similarity", str(submissions), "--assignment", ASSIGNMENT,
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "pairs.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["a", "b", "exercise", "similarity"]
    whole = {(r["a"], r["b"]): float(r["similarity"]) for r in rows if r["exercise"] == ""}
    assert whole[("copycat", "ref")] > 0.9 and whole[("ref", "stub")] == 0 == whole[("copycat", "stub")]
    exercises = {r["exercise"] for r in rows} - {""}
    assert len(rows) == 3 * (1 + len(exercises)) and "conv2d_forward_torch" in exercises
    index = (out / "index.html").read_text(encoding="utf-8")
    links = index.count("side by side")
    assert links == len(list((out / "pairs").glob("*.html"))) and links >= len(exercises) - 2  # tiny functions
    # (dense_param_count: one line) can have no 25-character match left once names are set aside
    assert "3 submissions" in index and "pair pages" in capsys.readouterr().out


def test_pairs_scale_to_a_class(tmp_path):
    """300 submissions x 3 units, 134,550 rows: well within a minute on one core."""
    import time
    code = list({**INDEPENDENT, **DISGUISED}.values())
    units = {f"s{i:03d}": units_of({"m": code[i % len(code)].replace("np.", f"np.{'' if i % 2 else ''}")},
                                   EXERCISES) for i in range(300)}
    started = time.process_time()
    found = compare_class(units, units_of({"m": STUB}, EXERCISES), UNITS)
    assert len(found) == 3 * 300 * 299 // 2 and time.process_time() - started < 60


def test_the_class_page_lists_the_closest_pairs_when_similarity_ran_into_the_grades_folder(tmp_path):
    """export-grades --html (and grade-all's class.html) shows GRADES/similarity's closest pairs, escaped,
    linking to its index; without that folder, no such section."""
    import json

    from autograder.results import CaseResult, ExerciseResult, GradingRun, Status

    grades = tmp_path / "grades"
    for student in ("ana", "<b>bo</b>"):
        run = GradingRun("l99", student, student, (ExerciseResult("ex", "m", "Ex", 1.0, (
            CaseResult("ex", "c", True, Status.PASSED, 1.0, 1.0, "ok"),)),))
        (grades / student).mkdir(parents=True)
        (grades / student / "run.json").write_text(json.dumps(run.to_dict()), encoding="utf-8")
    assert main(["export-grades", str(grades), "--html", str(tmp_path / "class.html"), "--out",
                 str(tmp_path / "g.csv")]) == 0
    assert "Most similar code" not in (tmp_path / "class.html").read_text(encoding="utf-8")
    (grades / "similarity").mkdir()
    (grades / "similarity" / "pairs.csv").write_text("a,b,exercise,similarity\n<b>bo</b>,ana,,0.91\n"
                                                     "<b>bo</b>,ana,ex,0.4\n", encoding="utf-8")
    assert main(["export-grades", str(grades), "--html", str(tmp_path / "class.html"), "--out",
                 str(tmp_path / "g.csv")]) == 0
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "Most similar code" in page and "&lt;b&gt;bo&lt;/b&gt;" in page and "<b>bo" not in page
    assert 'href="grades/similarity/index.html"' in page and "91%" in page and "40%" not in page
