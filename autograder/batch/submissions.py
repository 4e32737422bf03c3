"""Which students are in a submissions folder, and what each one submitted.

One submission per entry of SUBMISSIONS_DIR, the student id being the entry's name:
    alice/                       a folder holding the modules (kind FOLDER)
    bob.zip                      a zip of them (kind ZIP; checked by `unzip.read_zip`)
    carol/<assignment>/          nbgrader's layout `submitted/<student>/<assignment>/` (kind NBGRADER), with
                                 notebooks `<module>.ipynb`; SUBMISSIONS_DIR may also be the nbgrader course
                                 folder that holds `submitted/`
Hidden entries (`.x`) are skipped; other files are listed as ignored.
"""
from __future__ import annotations

import enum
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from autograder.batch.notebooks import QUESTIONS_NOTEBOOK, notebook_answers, notebook_to_module
from autograder.batch.unzip import MAX_BYTES, MAX_MEMBERS, SubmissionRejected, read_zip
from autograder.questions.answers import FILE as ANSWERS_FILE

SKIPPED_NAMES = {"__pycache__", ".git", ".ipynb_checkpoints", ".venv", "venv", "node_modules"}
"""Folders never read from a submission (the sandbox skips the same ones)."""


class Kind(enum.Enum):
    FOLDER = "folder"
    ZIP = "zip"
    NBGRADER = "nbgrader"


@dataclass(frozen=True)
class Submission:
    student: str
    """The folder or zip name (without .zip), or nbgrader's student folder."""
    path: Path
    """The folder with the modules, or the zip file."""
    kind: Kind


@dataclass(frozen=True)
class Discovery:
    submissions: tuple[Submission, ...]
    ignored: tuple[str, ...]
    """Entries that are neither folders nor zips, each with the reason."""


class LayoutError(Exception):
    """SUBMISSIONS_DIR cannot be read as a class (missing, empty, two submissions of one student)."""


def discover(folder: Path, assignment_id: str) -> Discovery:
    """The submissions in `folder`, sorted by student id."""
    if not folder.is_dir():
        raise LayoutError(f"{folder}: no such submissions folder")
    if (folder / "submitted").is_dir():  # an nbgrader course folder
        folder = folder / "submitted"
    found: dict[str, Submission] = {}
    ignored = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            ignored.append(f"{entry.name}: a symbolic link (not followed)")
            continue
        if entry.is_dir() and (entry / assignment_id).is_dir():
            submission = Submission(entry.name, entry / assignment_id, Kind.NBGRADER)
        elif entry.is_dir():
            submission = Submission(entry.name, entry, Kind.FOLDER)
        elif entry.is_file() and entry.suffix.lower() == ".zip" and entry.stem and not entry.stem.startswith("."):
            submission = Submission(entry.stem, entry, Kind.ZIP)
        else:
            ignored.append(f"{entry.name}: neither a folder nor a .zip file")
            continue
        if submission.student in found:
            raise LayoutError(f"{folder}: two submissions of student {submission.student!r}: "
                              f"{found[submission.student].path.name} and {entry.name}; keep one")
        found[submission.student] = submission
    if not found:
        raise LayoutError(f"{folder}: no submissions there (expected one folder or .zip file per student)")
    return Discovery(tuple(found.values()), tuple(ignored))


def fingerprint(submission: Submission) -> str:
    """A SHA-256 of what the student submitted (the zip's bytes, or the folder's files and their names): a
    re-run grades the student again exactly when this changed."""
    digest = hashlib.sha256(f"{submission.kind.value}\0{submission.student}\0".encode())
    try:
        if submission.kind is Kind.ZIP:
            with open(submission.path, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    digest.update(chunk)
        else:
            left = MAX_BYTES + 1  # past what read_files accepts only names and sizes count: never read it all
            for relative, path in _walk(submission.path):
                digest.update(f"{relative}\0{path.stat().st_size}\0".encode())
                with open(path, "rb") as stream:
                    while left > 0 and (chunk := stream.read(min(1 << 20, left))):
                        digest.update(chunk)
                        left -= len(chunk)
    except OSError as error:  # unreadable: grade it again next time
        digest.update(f"unreadable {error}".encode())
    return digest.hexdigest()


def read_files(submission: Submission, modules: tuple[str, ...], questions: tuple[str, ...] = ()) -> dict[str, bytes]:
    """{relative POSIX path: content} of the submission, ready to be written into a fresh folder: a zip's
    members (checked), a lone top folder unwrapped (`alice.zip` holding `alice/shapes.py`), each notebook
    `<module>.ipynb` of an assignment module converted to `<module>.py` (the notebook wins over a `.py`), and
    with `questions` (their ids) nbgrader's `questions.ipynb` converted to answers.yaml (it wins likewise)."""
    if submission.kind is Kind.ZIP:
        files = read_zip(submission.path)
    else:
        files = _read_folder(submission.path)
    files = _unwrap(files)
    for module in modules:
        notebook = files.pop(f"{module}.ipynb", None)
        if notebook is not None:
            where = f"{submission.path.name}/{module}.ipynb"
            files[f"{module}.py"] = notebook_to_module(notebook, where).encode("utf-8")
    answers = files.pop(f"{QUESTIONS_NOTEBOOK}.ipynb", None) if questions else None
    if answers is not None:
        where = f"{submission.path.name}/{QUESTIONS_NOTEBOOK}.ipynb"
        files[ANSWERS_FILE] = notebook_answers(answers, where, questions).encode("utf-8")
    if not files:
        raise SubmissionRejected(f"{submission.path.name}: empty submission (no files)")
    return files


def _read_folder(folder: Path) -> dict[str, bytes]:
    files, total = {}, 0
    for relative, path in _walk(folder):
        total += path.stat().st_size
        if len(files) >= MAX_MEMBERS or total > MAX_BYTES:
            raise SubmissionRejected(f"{folder.name}: more than {MAX_MEMBERS} files or {MAX_BYTES // 2**20} MB; "
                                     f"submit only your .py files")
        files[relative] = path.read_bytes()
    return files


def _walk(folder: Path):
    """(relative POSIX path, path) of the folder's regular files, sorted, links and caches left out."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES and not os.path.islink(os.path.join(root, d)))
        for name in sorted(names):
            path = Path(root) / name
            if not path.is_symlink() and path.is_file():
                yield path.relative_to(folder).as_posix(), path


def _unwrap(files: dict[str, bytes]) -> dict[str, bytes]:
    """Strip a top folder that holds everything (archivers add one), as often as there is one."""
    while files:
        tops = {PurePosixPath(name).parts[0] for name in files}
        if len(tops) != 1 or any(len(PurePosixPath(name).parts) < 2 for name in files):
            return files
        files = {PurePosixPath(*PurePosixPath(name).parts[1:]).as_posix(): content for name, content in files.items()}
    return files
