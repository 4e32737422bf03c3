"""Is a zip submission read safely, and is each hostile zip refused with a message naming the zip and member?"""
from __future__ import annotations

import stat
import zipfile

import pytest

from autograder.batch.unzip import SubmissionRejected, read_zip


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            if isinstance(member, zipfile.ZipInfo):
                archive.writestr(member, b"target")
            else:
                archive.writestr(*member)
    return path


def test_members_are_read_in_memory_and_archiver_junk_is_left_out(tmp_path):
    """Does a plain zip give its files, folders flattened to POSIX paths, without __MACOSX and .DS_Store?"""
    path = make_zip(tmp_path / "alice.zip", [("alice/shapes.py", "x = 1\n"), ("alice/sub/./data.txt", "d"),
                                             ("__MACOSX/alice/._shapes.py", "junk"), ("alice/.DS_Store", "junk")])
    assert read_zip(path) == {"alice/shapes.py": b"x = 1\n", "alice/sub/data.txt": b"d"}


@pytest.mark.parametrize("name, reason", [
    ("../evil.py", "'..' component"),
    ("alice/../../evil.py", "'..' component"),
    ("/etc/evil.py", "absolute path"),
    ("\\windows\\evil.py", "absolute path"),
    ("C:/evil.py", "absolute path"),
])
def test_paths_leaving_the_folder_are_refused(tmp_path, name, reason):
    """Is a member that would be written outside the extraction folder refused, naming zip and member?"""
    path = make_zip(tmp_path / "mallory.zip", [("shapes.py", "x = 1\n"), (name, "evil")])
    with pytest.raises(SubmissionRejected, match=reason) as error:
        read_zip(path)
    assert str(error.value).startswith(f"mallory.zip: member {name!r}")


def test_symbolic_links_are_refused(tmp_path):
    """Is a member stored as a symbolic link (to /etc/passwd, say) refused?"""
    link = zipfile.ZipInfo("shapes.py")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = make_zip(tmp_path / "mallory.zip", [link])
    with pytest.raises(SubmissionRejected, match=r"mallory.zip: member 'shapes.py' is a symbolic link"):
        read_zip(path)


def test_a_zip_bomb_is_stopped_by_the_bytes_actually_read(tmp_path):
    """Is the uncompressed size capped while reading (not trusted from the headers), naming the member?"""
    path = make_zip(tmp_path / "bomb.zip", [("shapes.py", "x = 1\n"), ("zeros.bin", bytes(3000))])
    assert path.stat().st_size < 1000
    with pytest.raises(SubmissionRejected, match=r"bomb.zip: member 'zeros.bin': more than 0 MB uncompressed"):
        read_zip(path, max_bytes=2048)
    assert read_zip(path, max_bytes=4096)["zeros.bin"] == bytes(3000)


def test_too_many_members_are_refused(tmp_path):
    path = make_zip(tmp_path / "many.zip", [(f"f{i}.py", "") for i in range(11)])
    with pytest.raises(SubmissionRejected, match=r"many.zip: 11 members, more than the 10 allowed"):
        read_zip(path, max_members=10)


def test_a_file_that_is_no_zip_is_refused(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(SubmissionRejected, match=r"broken.zip: not a readable zip file"):
        read_zip(path)


def test_a_member_named_twice_is_refused(tmp_path):
    path = tmp_path / "twice.zip"
    make_zip(path, [("shapes.py", "a"), ("./shapes.py", "b")])
    with pytest.raises(SubmissionRejected, match=r"twice.zip: member './shapes.py' appears twice"):
        read_zip(path)


# ---- red team: damaged archives that made zipfile raise what read_zip did not catch ---------------------------------

def _zip_bytes(files: dict[str, str], compression: int = zipfile.ZIP_STORED) -> bytearray:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return bytearray(buffer.getvalue())


def test_a_member_name_flagged_utf8_that_is_not_is_an_unreadable_zip(tmp_path):
    """A zip whose central directory flags a member's name as UTF-8 (bit 11) though its bytes are not: is it
    refused as "not a readable zip file", instead of a UnicodeDecodeError that reads as "the grader failed"?"""
    import struct

    data = _zip_bytes({"shapes.py": "x = 1\n", "AAAAAA.py": "y = 2\n"}).replace(b"AAAAAA", b"\xff\xfe\xfdAA\xff")
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        data[at + 8:at + 10] = struct.pack("<H", struct.unpack("<H", data[at + 8:at + 10])[0] | 0x800)
        at += 4
    (tmp_path / "work.zip").write_bytes(bytes(data))
    with pytest.raises(SubmissionRejected, match=r"^work.zip: not a readable zip file \('utf-8' codec"):
        read_zip(tmp_path / "work.zip")


def test_a_corrupt_deflate_stream_is_a_member_that_cannot_be_read(tmp_path):
    """A member whose compressed bytes are damaged (zlib.error, neither BadZipFile nor OSError): is it refused
    naming the member?"""
    data = _zip_bytes({"shapes.py": "x = 1\n" * 1000, "filters.py": "y = 2\n"}, zipfile.ZIP_DEFLATED)
    start = 30 + len("shapes.py")  # the first member's data, after its local header
    data[start:start + 20] = b"\xff" * 20
    (tmp_path / "work.zip").write_bytes(bytes(data))
    with pytest.raises(SubmissionRejected, match=r"^work.zip: member 'shapes.py' cannot be read \(Error -3"):
        read_zip(tmp_path / "work.zip")
