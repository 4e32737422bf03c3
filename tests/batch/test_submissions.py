"""Are the students of a submissions folder found (folders, zips, nbgrader), and their files read as graded?"""
from __future__ import annotations

import json
import os

import pytest
from batch_helpers import notebook, write_folder, write_zip
from support import ASSIGNMENT

from autograder.batch.submissions import (Kind, LayoutError, Submission, discover, fingerprint, locate, read_files,
                                         read_upload)
from autograder import tempfolders
from autograder.batch.unzip import SubmissionRejected

MODULES = ("shapes", "filters")


def test_folders_zips_and_nbgrader_folders_are_one_student_each(tmp_path):
    write_folder(tmp_path / "alice", {"shapes.py": b"a"})
    write_zip(tmp_path / "bob.zip", {"shapes.py": b"b"})
    write_folder(tmp_path / "carol" / ASSIGNMENT, {"shapes.ipynb": notebook("c = 1")})
    write_folder(tmp_path / ".hidden", {"shapes.py": b"h"})
    (tmp_path / "notes.txt").write_text("hello")
    found = discover(tmp_path, ASSIGNMENT)
    assert [(s.student, s.path.relative_to(tmp_path).as_posix(), s.kind) for s in found.submissions] == [
        ("alice", "alice", Kind.FOLDER), ("bob", "bob.zip", Kind.ZIP),
        ("carol", f"carol/{ASSIGNMENT}", Kind.NBGRADER)]
    assert found.ignored == ("notes.txt: neither a folder nor a .zip file",)


def test_an_nbgrader_course_folder_is_read_from_its_submitted_folder(tmp_path):
    write_folder(tmp_path / "submitted" / "dave" / ASSIGNMENT, {"shapes.ipynb": notebook("d = 1")})
    write_folder(tmp_path / "source" / ASSIGNMENT, {"shapes.ipynb": notebook("d = 1")})
    found = discover(tmp_path, ASSIGNMENT)
    assert [(s.student, s.kind) for s in found.submissions] == [("dave", Kind.NBGRADER)]


def test_a_symbolic_link_entry_is_not_followed(tmp_path):
    write_folder(tmp_path / "alice", {"shapes.py": b"a"})
    os.symlink("/etc", tmp_path / "mallory")
    found = discover(tmp_path, ASSIGNMENT)
    assert [s.student for s in found.submissions] == ["alice"]
    assert found.ignored == ("mallory: a symbolic link (not followed)",)


@pytest.mark.parametrize("setup, message", [
    (lambda p: None, "no submissions there"),
    (lambda p: (write_folder(p / "alice", {"a.py": b""}), write_zip(p / "alice.zip", {"a.py": b""})),
     "two submissions of student 'alice': alice and alice.zip; keep one"),
])
def test_a_folder_that_is_no_class_is_refused(tmp_path, setup, message):
    setup(tmp_path)
    with pytest.raises(LayoutError, match=message):
        discover(tmp_path, ASSIGNMENT)
    with pytest.raises(LayoutError, match="no such submissions folder"):
        discover(tmp_path / "missing", ASSIGNMENT)


def test_files_are_unwrapped_and_notebooks_converted(tmp_path):
    """Is a zip's lone top folder stripped, and `<module>.ipynb` turned into `<module>.py` (winning over a
    stale .py), while other notebooks and caches stay as they are or are left out?"""
    write_zip(tmp_path / "bob.zip", {"shapes.ipynb": notebook("x = 1"), "shapes.py": b"stale", "filters.py": b"f",
                                     "scratch.ipynb": b"{}"}, prefix="bob/inner/")
    write_folder(tmp_path / "alice", {"shapes.py": b"s", "__pycache__/shapes.pyc": b"c", "data/x.txt": b"x"})
    found = {s.student: s for s in discover(tmp_path, ASSIGNMENT).submissions}
    bob = read_files(found["bob"], MODULES)
    assert sorted(bob) == ["filters.py", "scratch.ipynb", "shapes.py"]
    assert bob["shapes.py"].decode().endswith("# cell 3\nx = 1\n")
    assert read_files(found["alice"], MODULES) == {"data/x.txt": b"x", "shapes.py": b"s"}


def test_unreadable_submissions_are_rejected_with_their_name(tmp_path):
    write_folder(tmp_path / "empty", {"__pycache__/x.pyc": b""})
    write_folder(tmp_path / "nb" / ASSIGNMENT, {"shapes.ipynb": b"{broken"})
    found = {s.student: s for s in discover(tmp_path, ASSIGNMENT).submissions}
    with pytest.raises(SubmissionRejected, match=r"^empty: your upload is empty"):
        read_files(found["empty"], MODULES)
    with pytest.raises(SubmissionRejected, match=rf"^{ASSIGNMENT}/shapes.ipynb: not a Jupyter notebook"):
        read_files(found["nb"], MODULES)


def test_a_folder_nested_deeper_than_python_walks_is_refused_with_its_name(tmp_path):
    """Is a submission folder with 1,200 nested folders (the red team's: os.walk recursed into a RecursionError, a
    grader error) refused with a message naming it, and one nested to the limit read?"""
    deep = tmp_path / "deep"
    write_folder(deep, {"shapes.py": b"x = 1\n"})
    fd = os.open(deep, os.O_RDONLY)
    for _ in range(1200):
        os.mkdir("d", dir_fd=fd)
        inner = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.close(fd)
    try:
        with pytest.raises(SubmissionRejected, match=r"^deep: folders nested more than 32 deep \(d/d/d"):
            read_upload(deep, MODULES)
    finally:
        tempfolders.rmtree(deep)  # pytest's own clean-up of old tmp_paths recurses
    limit = tmp_path / "limit"
    write_folder(limit, {"shapes.py": b"x = 1\n", "/".join(["d"] * 31) + "/data.txt": b"ok"})
    assert "shapes.py" in read_upload(limit, MODULES)


def test_the_fingerprint_changes_with_the_content_and_only_with_it(tmp_path):
    alice = write_folder(tmp_path / "alice", {"shapes.py": b"a", "sub/filters.py": b"f"})
    submission = discover(tmp_path, ASSIGNMENT).submissions[0]
    first = fingerprint(submission)
    (alice / "__pycache__").mkdir()
    (alice / "__pycache__" / "x.pyc").write_bytes(b"cache")
    assert fingerprint(submission) == first
    (alice / "sub" / "filters.py").write_bytes(b"g")
    assert fingerprint(submission) != first


@pytest.mark.parametrize("files, expected", [
    ({"a/b/shapes.py": b"s", "a/b/filters.py": b"f", "a/README.md": b"r"}, {"shapes.py", "filters.py"}),
    ({"work/shapes.py": b"s", "work/filters.py": b"f", "answers.yaml": b"q"},
     {"shapes.py", "filters.py", "answers.yaml"}),
    ({"new/shapes.py": b"s", "new/filters.py": b"f", "old/shapes.py": b"old"}, {"shapes.py", "filters.py"}),
    ({"shapes.py": b"s", "sub/filters.py": b"f", "sub/data.txt": b"d"},
     {"shapes.py", "filters.py", "sub/filters.py", "sub/data.txt"}),
    ({"notes.txt": b"n", "x/Shapes.py": b"s"}, {"Shapes.py"}),
    ({"notes.txt": b"n"}, {"notes.txt"}),
])
def test_the_modules_are_found_at_whatever_folder_level_they_are(files, expected):
    """Is an upload re-rooted at the folder holding most modules (the deepest nesting unwrapped, a stale copy
    elsewhere ignored), with a module or answers.yaml found once at another level brought in, a misnamed module's
    folder taken where no module has its name, and an upload with none left as it is?"""
    located = locate(files, MODULES)
    assert set(located) == expected
    if "shapes.py" in located:
        assert located["shapes.py"] == b"s"


def test_a_single_upload_is_read_as_gradescope_keeps_it(tmp_path):
    """Are a folder holding only a zip, a zip file and a lone module each read as their files, and is an upload
    with none of the modules refused with what it holds?"""
    (tmp_path / "up").mkdir()
    write_zip(tmp_path / "up" / "work.zip", {"shapes.py": b"s", "filters.py": b"f"}, prefix="work/")
    assert read_upload(tmp_path / "up", MODULES) == {"shapes.py": b"s", "filters.py": b"f"}
    assert read_upload(tmp_path / "up" / "work.zip", MODULES) == {"shapes.py": b"s", "filters.py": b"f"}
    write_folder(tmp_path / "one", {"shapes.py": b"s"})
    assert read_upload(tmp_path / "one" / "shapes.py", MODULES) == {"shapes.py": b"s"}
    write_folder(tmp_path / "pdf", {"report.pdf": b"%PDF"})
    with pytest.raises(SubmissionRejected, match=r"^your upload has none of the assignment's modules \(shapes.py "
                                                 r"and filters.py\): it holds report.pdf$"):
        read_upload(tmp_path / "pdf", MODULES)
    write_folder(tmp_path / "junk", {"__MACOSX/._shapes.py": b"j", ".DS_Store": b"j"})
    with pytest.raises(SubmissionRejected, match=r"^your upload is empty \(no files\)"):
        read_upload(tmp_path / "junk", MODULES)


# ---- red team: names that no folder can hold ----------------------------------------------------------------------

@pytest.mark.parametrize("files, message", [
    ({"shapes.py": b"s", "filters.py": b"f", "shapes.py/x.py": b"x"}, r"'shapes.py' is both a file and a folder"),
    ({"shapes.ipynb": b'{"cells": []}', "filters.py": b"f", "shapes.py/x.py": b"x"},
     r"'shapes.py' is both a file and a folder"),
    ({"shapes.py": b"s", "filters.py": b"f", "a" * 300 + ".py": b"x"}, r"a file name longer than 255 bytes"),
    ({"shapes.py": b"s", "filters.py": b"f", "/".join(["d"] * 40) + "/x.py": b"x"}, r"more than 32 folders deep"),
])
def test_names_that_cannot_be_written_are_refused_naming_them(tmp_path, files, message):
    """A zip may hold `shapes.py` and `shapes.py/x.py`, a 300-byte name or 40 nested folders: is such an upload
    refused with a message naming the file (SubmissionRejected, shown to the student once), instead of an OSError
    when the grader writes the files (a crash of `grade`, "the autograder failed" on Gradescope, a grader error
    retried on every grade-all)?"""
    write_zip(tmp_path / "work.zip", files)
    with pytest.raises(SubmissionRejected, match=message):
        read_upload(tmp_path / "work.zip", MODULES)


def test_the_questions_notebook_is_found_elsewhere_as_answers_yaml_is():
    """An upload of `code/shapes.py`, `code/filters.py` and `questions.ipynb` at the top: is the questions'
    notebook brought in beside the modules (and made answers.yaml) as an answers.yaml there would be, instead of
    being dropped with its 5 points ("there is no answers.yaml")?"""
    from autograder.batch.submissions import prepared

    cell = {"cell_type": "markdown", "source": "280", "metadata": {"nbgrader": {"grade_id": "q1_answer"}}}
    files = {"code/shapes.py": b"s", "code/filters.py": b"f", "questions.ipynb": json.dumps({"cells": [cell]}).encode()}
    located = prepared(files, MODULES, "", ("q1",))
    assert sorted(located) == ["answers.yaml", "filters.py", "shapes.py"]
    assert located["answers.yaml"].decode().endswith('\nq1: "280"\n')


def test_a_file_name_that_is_not_utf8_neither_stops_the_class_nor_the_report(tmp_path):
    """A student's folder holding a file whose name is not UTF-8 (`notes\\xff.txt`; nbgrader submit copies any
    file of the assignment folder): are its fingerprint and files read, the name shown with U+FFFD, instead of a
    UnicodeEncodeError in `fingerprint` that stopped grade-all and nbgrader record for the whole class, or in
    writing results.json ("it holds notes\\udcff.txt")?"""
    folder = tmp_path / "mallory"
    folder.mkdir()
    (folder / "shapes.py").write_bytes(b"s")
    with open(os.path.join(os.fsencode(folder), b"notes\xff.txt"), "wb") as stream:
        stream.write(b"n")
    submission = Submission("mallory", folder, Kind.FOLDER)
    assert len(fingerprint(submission)) == 64
    files = read_files(submission, MODULES)
    assert sorted(files) == ["notes\ufffd.txt", "shapes.py"]
    "".join(files).encode("utf-8")
    with pytest.raises(SubmissionRejected, match="it holds notes\ufffd.txt$"):
        read_files(Submission("mallory", _only(folder / "shapes.py"), Kind.FOLDER), MODULES)


def _only(path):
    """The folder of `path` without `path`."""
    path.unlink()
    return path.parent
