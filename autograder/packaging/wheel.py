"""A wheel of the `autograder` package (py3-none-any), written directly and byte-deterministically.

The student kit carries it so that its set-up installs the `autograder` command without the course repository
and without a build backend. It holds `autograder/**/*.py` and the `.dist-info` (PEP 427 / PEP 376) with the
metadata of pyproject.toml: nothing of `solutions/`, `assignments/` or `examples/`, which are no part of the
package. Every entry has the same date and mode, in sorted order, so the same sources give the same bytes.
"""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

ZIP_DATE = (2024, 1, 1, 0, 0, 0)
PACKAGE = "autograder"


class WheelError(Exception):
    """The package's metadata cannot be read; the message names pyproject.toml."""


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    summary: str
    requires_python: str
    dependencies: tuple[str, ...]
    scripts: tuple[tuple[str, str], ...]

    @property
    def distribution(self) -> str:
        """The name as wheel file names spell it: inf721_autograder."""
        return self.name.replace("-", "_").replace(".", "_")

    @property
    def filename(self) -> str:
        return f"{self.distribution}-{self.version}-py3-none-any.whl"


def read_project(root: Path) -> Project:
    """pyproject.toml's [project] table."""
    path = root / "pyproject.toml"
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser, installed as tomli
        try:
            import tomli as tomllib
        except ImportError:
            raise WheelError("building the student kit's wheel needs Python >= 3.11 (tomllib), or tomli on "
                             "Python 3.10: pip install tomli") from None
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        return Project(name=project["name"], version=project["version"], summary=project.get("description", ""),
                       requires_python=project.get("requires-python", ""),
                       dependencies=tuple(project.get("dependencies", ())),
                       scripts=tuple(sorted(project.get("scripts", {}).items())))
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise WheelError(f"{path}: cannot read the package's [project] metadata ({type(error).__name__}: {error})") \
            from None


def package_files(root: Path) -> dict[str, bytes]:
    """The package's modules by their path in the wheel (no caches, no other files)."""
    folder = root / PACKAGE
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*.py")) if "__pycache__" not in path.parts}


def build_wheel(root: Path) -> tuple[str, bytes]:
    """(file name, bytes) of the wheel of the package in the source checkout `root`."""
    project = read_project(root)
    files = package_files(root)
    info = f"{project.distribution}-{project.version}.dist-info"
    files[f"{info}/METADATA"] = _metadata(project).encode()
    files[f"{info}/WHEEL"] = ("Wheel-Version: 1.0\nGenerator: autograder.packaging.wheel\nRoot-Is-Purelib: true\n"
                              "Tag: py3-none-any\n").encode()
    if project.scripts:
        lines = "".join(f"{name} = {target}\n" for name, target in project.scripts)
        files[f"{info}/entry_points.txt"] = f"[console_scripts]\n{lines}".encode()
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in sorted(files.items()))
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):  # RECORD last is customary, not required; sorted keeps it deterministic
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, files[name])
    return project.filename, buffer.getvalue()


def _metadata(project: Project) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {project.name}", f"Version: {project.version}",
             f"Summary: {project.summary}"]
    if project.requires_python:
        lines.append(f"Requires-Python: {project.requires_python}")
    lines += [f"Requires-Dist: {dependency}" for dependency in project.dependencies]
    return "\n".join(lines) + "\n"


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
