"""A zip submission's members, read into memory after checking that none of them is hostile.

Refused (the student's submission becomes ungradable, the batch goes on): a file that is not a zip, members
with absolute paths or `..` components, symbolic links, encrypted members, more than MAX_MEMBERS members or
more than MAX_BYTES uncompressed (a zip bomb). Sizes are counted while reading, not trusted from the headers.
"""
from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath

MAX_MEMBERS = 2000
"""Files in one zip (the sandbox accepts as many files in a submission folder)."""
MAX_BYTES = 50 * 1024 * 1024
"""Uncompressed bytes of all members together (the sandbox's limit on a submission folder)."""
JUNK = ("__MACOSX/", ".DS_Store")
"""Members that archivers add on their own: left out silently."""
_CHUNK = 1 << 16
_UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError, struct.error,
               zlib.error, OverflowError)
"""What zipfile raises on a damaged archive: a corrupt deflate stream (zlib.error), a member name flagged UTF-8 that
is not (UnicodeDecodeError, a ValueError), headers that point outside the file (ValueError, struct.error)."""


class SubmissionRejected(Exception):
    """A submission that cannot be graded at all; the message names the file (and member) and the reason."""


def read_zip(path: Path, max_members: int = MAX_MEMBERS, max_bytes: int = MAX_BYTES) -> dict[str, bytes]:
    """{relative POSIX path: content} of the zip's regular files, or SubmissionRejected saying what is wrong."""
    try:
        archive = zipfile.ZipFile(path)
    except _UNREADABLE as error:
        raise SubmissionRejected(f"{path.name}: not a readable zip file ({str(error)[:200]}); make the zip again "
                                 f"from your files (or upload the .py files themselves)") from None
    files: dict[str, bytes] = {}
    total = 0
    with archive:
        members = [m for m in archive.infolist() if not _junk(m.filename)]
        if len(members) > max_members:
            raise SubmissionRejected(f"{path.name}: {len(members)} members, more than the {max_members} allowed")
        for member in members:
            name = _safe_name(path, member)
            if member.is_dir():
                continue
            if member.flag_bits & 0x1:
                raise SubmissionRejected(f"{path.name}: member {member.filename!r} is encrypted")
            content = bytearray()
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > max_bytes:
                            raise SubmissionRejected(
                                f"{path.name}: member {member.filename!r}: more than {max_bytes // 2**20} MB "
                                f"uncompressed in all (a zip bomb?); submit only your .py files")
                        content += chunk
            except _UNREADABLE as error:
                raise SubmissionRejected(f"{path.name}: member {member.filename!r} cannot be read "
                                         f"({str(error)[:200]}); make the zip again from your files") from None
            if name in files:
                raise SubmissionRejected(f"{path.name}: member {member.filename!r} appears twice")
            files[name] = bytes(content)
    return files


def _junk(name: str) -> bool:
    return name.startswith(JUNK[0]) or PurePosixPath(name).name == JUNK[1]


def _safe_name(path: Path, member: zipfile.ZipInfo) -> str:
    """The member's path, or SubmissionRejected for a path that would leave the extraction folder or a link."""
    raw = member.filename
    where = f"{path.name}: member {raw!r}"
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        raise SubmissionRejected(f"{where} has an absolute path")
    parts = raw.replace("\\", "/").split("/")
    if ".." in parts:
        raise SubmissionRejected(f"{where} has a '..' component (it would be written outside the folder)")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise SubmissionRejected(f"{where} is a symbolic link")
    clean = "/".join(p for p in parts if p not in ("", "."))
    if not clean and not member.is_dir():
        raise SubmissionRejected(f"{where} has an empty name")
    return clean
