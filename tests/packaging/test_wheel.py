"""Is the kit's wheel of the package a valid, installable, byte-deterministic wheel of the `autograder` modules
only, with pyproject.toml's metadata and console command?"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from support import REPO

from autograder.packaging.wheel import build_wheel, read_project


def test_the_wheel_holds_the_package_and_its_metadata_and_nothing_else():
    name, data = build_wheel(REPO)
    project = read_project(REPO)
    assert name == f"inf721_autograder-{project.version}-py3-none-any.whl"
    with zipfile.ZipFile(io.BytesIO(data)) as wheel:
        names = wheel.namelist()
        info = f"inf721_autograder-{project.version}.dist-info"
        assert {f"{info}/METADATA", f"{info}/WHEEL", f"{info}/RECORD", f"{info}/entry_points.txt"} <= set(names)
        assert all(n.startswith(("autograder/", info)) for n in names) and "autograder/cli.py" in names
        assert "autograder = autograder.cli:main" in wheel.read(f"{info}/entry_points.txt").decode()
        metadata = wheel.read(f"{info}/METADATA").decode()
        assert "Name: inf721-autograder" in metadata and "Requires-Dist: torch>=2.1" in metadata
        for line in wheel.read(f"{info}/RECORD").decode().splitlines():
            path, digest, size = line.rsplit(",", 2)
            if digest:
                content = wheel.read(path)
                expected = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
                assert digest == f"sha256={expected}" and int(size) == len(content)


def test_the_same_sources_give_the_same_bytes():
    assert build_wheel(REPO) == build_wheel(REPO)
