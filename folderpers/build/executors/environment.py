"""What decides a render's bytes besides its files: the code, the libraries, the fonts and the
machine's own files a writer reads (the CMYK profile). A worker whose environment differs from
the client's would render other bytes (or fail), so it is refused before it renders anything."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import folderpers

# The distributions whose code shapes the rendered bytes (layout, fonts, hyphenation, PDF writing, QR).
DISTRIBUTIONS = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "fonttools", "pyphen", "pillow", "pikepdf",
                 "pypdf", "jinja2", "markupsafe", "segno", "pyyaml")
PACKAGE_SUFFIXES = (".py", ".html")  # what an installed folderpers consists of (see package-data in pyproject.toml)
MISSING = "missing"


@dataclass(frozen=True)
class Environment:
    python: str
    folderpers: str  # its version
    code: str  # sha256 of the folderpers package's files as a wheel holds them (Python files, package data)
    distributions: tuple[tuple[str, str], ...]  # (name, version)
    pango: str
    fonts: tuple[tuple[str, str], ...]  # (family, sha256 of its font files, or MISSING)
    machine_files: tuple[tuple[str, str], ...]  # (absolute path, sha256, or MISSING)

    @property
    def digest(self) -> str:
        return hashlib.sha256(repr(self).encode()).hexdigest()


def environment(fonts: Iterable[str], machine_files: Iterable[str]) -> Environment:
    """This process's environment, for the font families and machine files a build needs."""
    from weasyprint.text.ffi import pango
    return Environment(
        python=".".join(map(str, sys.version_info[:3])),
        folderpers=_version("folderpers"),
        code=_package_digest(),
        distributions=tuple((name, _version(name)) for name in DISTRIBUTIONS),
        pango=str(pango.pango_version()),
        fonts=tuple((family, _font_digest(family)) for family in sorted(set(fonts), key=str.lower)),
        machine_files=tuple((path, _file_digest(Path(path))) for path in sorted(set(machine_files))),
    )


def differences(expected: Environment, actual: Environment) -> list[str]:
    """What `actual` (a worker's) lacks or has otherwise than `expected` (the client's), as sentences."""
    found = []
    if actual.code != expected.code:
        found.append(f"its folderpers {actual.folderpers} (code sha256 {actual.code[:12]}) is not the client's "
                     f"folderpers {expected.folderpers} (code sha256 {expected.code[:12]})")
    for (name, wanted), (_, got) in zip(expected.distributions, actual.distributions, strict=True):
        if wanted != got:
            found.append(f"it has {name} {got}, the client {wanted}")
    for label, wanted, got in (("Python", expected.python, actual.python), ("Pango", expected.pango, actual.pango)):
        if wanted != got:
            found.append(f"it has {label} {got}, the client {wanted}")
    for (family, wanted), (_, got) in zip(expected.fonts, actual.fonts, strict=True):
        if got == MISSING:
            found.append(f"font {family!r} is not installed on it")
        elif wanted != got:
            found.append(f"its font {family!r} has other files than the client's")
    for (path, wanted), (_, got) in zip(expected.machine_files, actual.machine_files, strict=True):
        if wanted != got:
            state = "missing" if got == MISSING else "another file than the client's"
            found.append(f"its {path} is {state}")
    return found


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return MISSING


@lru_cache(maxsize=1)
def _package_digest() -> str:
    package = Path(folderpers.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in PACKAGE_SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _font_digest(family: str) -> str:
    """The sha256 of the files fontconfig has for `family` (names compared as folderpers.render.fonts does)."""
    output = subprocess.run(["fc-list", "--format", "%{family}\t%{file}\n"], capture_output=True, text=True,
                            check=True).stdout
    files = sorted({line.split("\t")[1] for line in output.splitlines() if "\t" in line
                    and family.lower() in (name.strip().lower() for name in line.split("\t")[0].split(","))})
    if not files:
        return MISSING
    digest = hashlib.sha256()
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return MISSING
