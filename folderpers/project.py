"""Where a project's content, theme and outputs live, and which source files it has."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from folderpers.errors import Location, Problem, ProjectError

_TRANSLATION = re.compile(r"^folder\.([a-z]{2}(?:-[A-Z]{2})?)\.yaml$")


@dataclass(frozen=True)
class Project:
    """The directory layout of a folderpers project (see README, "Layout")."""

    root: Path
    output: Path | None = None  # where outputs go; dist/ below the root unless given

    def __post_init__(self) -> None:
        # absolute from the start: file: URIs for WeasyPrint need them, and the working directory may change
        object.__setattr__(self, "root", Path(self.root).absolute())
        if self.output is not None:
            object.__setattr__(self, "output", Path(self.output).absolute())

    @property
    def folders(self) -> Path:
        return self.root / "folders"

    @property
    def institutions(self) -> Path:
        return self.root / "institutions"

    @property
    def snippets(self) -> Path:
        return self.root / "snippets"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    @property
    def checks(self) -> Path:
        """Thresholds and word lists of `build.py check`."""
        return self.root / "checks.yaml"

    @property
    def dist(self) -> Path:
        return self.output or self.root / "dist"

    def check(self) -> None:
        """Raise ProjectError unless the directories a build needs are there."""
        missing = [name for name in ("folders", "institutions", "templates", "styles", "schemas")
                   if not (self.root / name).is_dir()]
        if missing:
            raise ProjectError(Problem(Location(self.root), f"not a folderpers project: no {', '.join(missing)} "
                                       f"directory here", "run the command in the project directory, or give it "
                                       "with --project DIR"))

    def folder_sources(self, slugs: Collection[str] = ()) -> list[Path]:
        """Every folder file: `folders/<slug>/folder.yaml` and its translations `folder.<lang>.yaml`; only
        those of the folders `slugs` names, when given (without listing every folder: a hospital group
        has thousands)."""
        if slugs:
            # a name that is not one directory of folders/ ("", ".", "..", "a/b") names none
            directories = sorted(self.folders / slug for slug in set(slugs) if (self.folders / slug).name == slug != "..")
        else:
            directories = sorted(self.folders.iterdir())
        sources = []
        for directory in (directory for directory in directories if directory.is_dir()):
            sources.extend(sorted(p for p in directory.glob("folder*.yaml")
                                  if p.name == "folder.yaml" or _TRANSLATION.match(p.name)))
        return sources

    def institution_sources(self) -> list[Path]:
        return sorted(self.institutions.glob("*/institution.yaml"))



def translation_language(source: Path) -> str | None:
    """The language a translation's file name declares (folder.en.yaml -> 'en'), None for folder.yaml."""
    match = _TRANSLATION.match(source.name)
    return match.group(1) if match else None
