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
