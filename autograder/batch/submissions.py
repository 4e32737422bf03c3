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
from autograder.batch.unzip import JUNK, MAX_BYTES, MAX_MEMBERS, SubmissionRejected, read_zip
from autograder.intake import near_names
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


def read_files(submission: Submission, modules: tuple[str, ...], questions: tuple[str, ...] = (),
               where: str | None = None) -> dict[str, bytes]:
    """{relative POSIX path: content} of the submission, ready to be written into a fresh folder: a zip's
    members (checked), re-rooted at the folder that holds the modules (`locate`), each notebook `<module>.ipynb`
    of an assignment module converted to `<module>.py` (the notebook wins over a `.py`), and with `questions`
    (their ids) nbgrader's `questions.ipynb` converted to answers.yaml (it wins likewise). SubmissionRejected
    when nothing can be graded: no files, or none of the modules under any name; its message starts with `where`
    (default: the folder's or zip's name; "" for none)."""
    if submission.kind is Kind.ZIP:
        files = read_zip(submission.path)
    else:
        files = _read_folder(submission.path)
    return prepared(files, modules, submission.path.name if where is None else where, questions)


def read_upload(path: Path, modules: tuple[str, ...], questions: tuple[str, ...] = ()) -> dict[str, bytes]:
    """`read_files` of one student's upload as `grade` and Gradescope receive it: a folder (Gradescope's
    /autograder/submission), a folder holding nothing but one .zip, a .zip file, or a single module or notebook.
    Its messages do not name the folder (Gradescope's is always `submission`): the same upload reads the same
    wherever it lies."""
    path = Path(path)
    if path.is_file():
        if path.suffix.lower() == ".zip":
            return read_files(Submission(path.stem, path, Kind.ZIP), modules, questions, "")  # as in a folder
        if path.stat().st_size > MAX_BYTES:
            raise SubmissionRejected(f"{path.name}: more than {MAX_BYTES // 2**20} MB; submit only your .py files")
        return prepared({path.name: path.read_bytes()}, modules, "", questions)
    entries = [e for e in _walk(path) if not _junk(e[0])] if path.is_dir() else []
    if len(entries) == 1 and entries[0][0].lower().endswith(".zip"):
        return read_files(Submission(path.name, entries[0][1], Kind.ZIP), modules, questions, "")
    return read_files(Submission(path.name, path, Kind.FOLDER), modules, questions, "")


def prepared(files: dict[str, bytes], modules: tuple[str, ...], where: str,
             questions: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The files of an upload re-rooted where its modules are, notebooks converted (`questions.ipynb` too, given
    the question ids); SubmissionRejected saying why nothing can be graded."""
    files = {name: content for name, content in files.items() if not _junk(name)}
    at = f"{where}: " if where else ""
    if not files:
        raise SubmissionRejected(f"{at}your upload is empty (no files): upload {_listing(modules)} (the "
                                 f"files themselves, or one .zip of them)")
    files = locate(files, modules)
    for module in modules:
        notebook = files.pop(f"{module}.ipynb", None)
        if notebook is not None:
            location = f"{where}/{module}.ipynb" if where else f"{module}.ipynb"
            files[f"{module}.py"] = notebook_to_module(notebook, location).encode("utf-8")
    answers = files.pop(f"{QUESTIONS_NOTEBOOK}.ipynb", None) if questions else None
    if answers is not None:
        location = f"{where}/{QUESTIONS_NOTEBOOK}.ipynb" if where else f"{QUESTIONS_NOTEBOOK}.ipynb"
        files[ANSWERS_FILE] = notebook_answers(answers, location, questions).encode("utf-8")
    _check_names(files, where)  # after the notebooks: `shapes.ipynb` becomes a `shapes.py` a folder may be named
    found = {PurePosixPath(name).name for name in files}
    if not any(f"{m}.py" in found for m in modules) and not any(near_names(sorted(found), m) for m in modules):
        shown = sorted(files)[:5]
        more = f" and {len(files) - 5} more" if len(files) > 5 else ""
        notebooks = [n for n in files if n.lower().endswith(".ipynb")]
        hint = (f"; the grader reads one notebook per module, named after it ({modules[0]}.ipynb, ...): save "
                f"each module's code in its own notebook or .py file") if notebooks else ""
        raise SubmissionRejected(f"{at}your upload has none of the assignment's modules ({_listing(modules)}): it "
                                 f"holds {', '.join(shown)}{more}{hint}")
    return files


def locate(files: dict[str, bytes], modules: tuple[str, ...]) -> dict[str, bytes]:
    """The files re-rooted at the folder that holds most of the modules (`<module>.py` or `.ipynb`; else the most
    misnamed ones, whose names `intake.missing` then reports): the lone top folders archivers add, or
    `my-work/l10_convolutions/`, are unwrapped. A module (or answers.yaml, or the questions' notebook) missing
    there but found once elsewhere in the upload, at another folder level, is taken from there."""
    wanted = {f"{m}.{ext}" for m in modules for ext in ("py", "ipynb")}
    by_folder: dict[str, list[str]] = {}
    for name in files:
        path = PurePosixPath(name)
        by_folder.setdefault(path.parent.as_posix(), []).append(path.name)
    counts = {folder: sum(n in wanted for n in names) for folder, names in by_folder.items()}
    if not any(counts.values()):
        counts = {folder: sum(bool(near_names(names, m)) for m in modules) for folder, names in by_folder.items()}
    if not any(counts.values()):
        return files
    root = min(counts, key=lambda f: (-counts[f], 0 if f == "." else len(PurePosixPath(f).parts), f))
    prefix = "" if root == "." else root + "/"
    located = {name[len(prefix):]: content for name, content in files.items() if name.startswith(prefix)}
    for wanted_name in sorted(wanted | {ANSWERS_FILE, f"{QUESTIONS_NOTEBOOK}.ipynb"}):
        module = wanted_name.rsplit(".", 1)[0]
        if wanted_name in located or (module in modules and (f"{module}.py" in located or f"{module}.ipynb" in located)):
            continue
        elsewhere = [name for name in files if PurePosixPath(name).name == wanted_name]
        if len(elsewhere) == 1:
            located[wanted_name] = files[elsewhere[0]]
    return located


MAX_NAME_BYTES = 255
"""One file or folder name, in UTF-8 (Linux's NAME_MAX): a longer member name cannot be written."""
MAX_DEPTH = 32
"""Folders in one path: deeper trees are no course work, and copying them would recurse without bound (a folder's
walk stops there too: Python 3.11's os.walk recurses, 1,200 nested folders were a RecursionError)."""


def _check_names(files: dict[str, bytes], where: str) -> None:
    """SubmissionRejected for names no folder can hold: a name that is a file and also a folder of other files
    (zip members `shapes.py` and `shapes.py/x`), a name longer than a file system allows, a path too deep."""
    at = f"{where}: " if where else ""
    for name in files:
        parts = PurePosixPath(name).parts
        if len(parts) > MAX_DEPTH:
            raise SubmissionRejected(f"{at}{name[:80]!r}...: more than {MAX_DEPTH} folders deep; upload your "
                                     f"files in at most a folder or two")
        long = next((part for part in parts if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES
                     or "\0" in part), None)
        if long is not None:
            raise SubmissionRejected(f"{at}{long[:40]!r}...: a file name longer than {MAX_NAME_BYTES} bytes (or "
                                     f"holding a NUL); rename it")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in files:
                raise SubmissionRejected(f"{at}{folder!r} is both a file and a folder (holding {name!r}); "
                                         f"rename one of them and upload again")


def _listing(modules: tuple[str, ...]) -> str:
    names = [f"{m}.py" for m in modules]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _junk(name: str) -> bool:
    """What archivers and file managers add on their own (`__MACOSX/`, `.DS_Store`), never the student's work."""
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == JUNK[0].rstrip("/") or parts[-1] == JUNK[1])


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
    """(relative POSIX path, path) of the folder's regular files, sorted, links and caches left out. A name that is
    not UTF-8 on disk (Python holds its bytes as lone surrogates, which no report can write) is given with U+FFFD
    in their place: it is no module's name, and it may only be shown or copied."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES and not os.path.islink(os.path.join(root, d)))
        if dirs and len(Path(root).relative_to(folder).parts) >= MAX_DEPTH:
            raise SubmissionRejected(f"{folder.name}: folders nested more than {MAX_DEPTH} deep "
                                     f"({Path(root, dirs[0]).relative_to(folder).as_posix()[:200]}...); "
                                     "submit only your .py files")
        for name in sorted(names):
            path = Path(root) / name
            if not path.is_symlink() and path.is_file():
                relative = path.relative_to(folder).as_posix()
                yield relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), path
