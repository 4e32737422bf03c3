"""One student's upload, graded the same way by `autograder grade` and by Gradescope's run_autograder.

An upload is whatever Gradescope accepts: the files, a folder of them at any depth (`my-work/l10_convolutions/`),
a zip (uploaded as such, or unpacked by Gradescope), notebooks named after the modules. It is read and checked
by `batch.submissions.read_upload` (the same reading as `grade-all`'s), written into a fresh scratch folder and
graded there, so that both commands grade the same files. An upload that cannot be graded at all (empty, not a
readable zip, none of the modules) gives a run whose every case says why, which results.json says once.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Iterator

from autograder import tempfolders
from autograder.results import GradingRun
from autograder.spec import AssignmentSpec, CourseSpec
from autograder.values import CaseValues


def grade_upload(course: CourseSpec, assignment: AssignmentSpec, upload: Path, student: str | None = None,
                 progress=None, submitted_at: datetime | None = None) -> tuple[GradingRun, tuple[CaseValues, ...]]:
    """(run, visible case values) of the upload at `upload` (a folder or a file); `progress` and `submitted_at`
    as in `pipeline.grade_with_values`."""
    from autograder.batch.jobs import ungradable
    from autograder.batch.submissions import read_upload
    from autograder.batch.unzip import SubmissionRejected
    from autograder.pipeline import grade_with_values

    name = upload_name(upload)
    try:
        files = read_upload(upload, assignment.modules, tuple(q.id for q in assignment.questions))
    except (SubmissionRejected, OSError) as error:  # the student reads why, once
        run = ungradable(course, assignment, name, str(error))
        return replace(run, student=student, submission=name), ()
    with tempfolders.folder("autograder-upload-") as scratch:
        folder = scratch / name
        write_files(files, folder)
        return grade_with_values(course, assignment, folder, student=student, progress=progress,
                                 submitted_at=submitted_at)


@contextmanager
def unpacked(upload: Path, modules: tuple[str, ...], questions: tuple[str, ...] = ()) -> Iterator[Path]:
    """The upload at `upload` (a zip, a module, a notebook: what `grade` and Gradescope accept) read as grade_upload
    reads it, written into a scratch folder that lives as long as the `with`; SubmissionRejected says why it cannot
    be graded. `autograder check submission.zip` checks what grading will grade."""
    from autograder.batch.submissions import read_upload

    files = read_upload(upload, modules, questions)
    with tempfolders.folder("autograder-upload-") as scratch:
        folder = scratch / upload_name(upload)
        write_files(files, folder)
        yield folder


def upload_name(upload: Path) -> str:
    """The submission's name in the run: the folder's name, or the file's without `.zip`."""
    upload = Path(upload).absolute()
    name = upload.stem if upload.suffix.lower() == ".zip" else upload.name
    return name if name not in ("", ".", "..") else "submission"


def write_files(files: dict[str, bytes], folder: Path) -> None:
    """Write {relative POSIX path: content} (checked: no absolute path, no `..`) under `folder`."""
    folder.mkdir(parents=True)
    for name, content in files.items():
        target = folder.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
