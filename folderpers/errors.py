"""Error types. Every error a user can cause names where (file:line:column), what, and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a source file; line and column are 1-based, None when unknown."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = display_path(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One finding: where, what, and what to do about it."""

    location: Location
    message: str
    hint: str = ""
    kind: str = ""  # for grouping, e.g. "contact" for a missing contact (institution coverage); "" if none
    subject: str = ""  # what is missing or wrong, e.g. the contact key
    institution: str = ""  # the institution it concerns, if one

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n    fix: {self.hint}"
        return text


class FolderpersError(Exception):
    """Base for errors caused by input; carries one or more problems."""

    def __init__(self, *problems: Problem):
        if not problems:
            raise ValueError("an error needs at least one problem")
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # keep the problems when sent between processes
        return (type(self), self.problems)


class ProjectError(FolderpersError):
    """The project directory is not usable (missing folders/, templates/, ...)."""


class SourceError(FolderpersError):
    """A YAML file cannot be read, or does not match its schema."""


class ResolveError(FolderpersError):
    """A folder refers to something its institution or the project lacks (contact, snippet, image)."""


class FontError(FolderpersError):
    """An institution's font is not installed."""


class EngineError(FolderpersError):
    """The installed rendering engine is not the one folderpers is made for."""


class OutputError(FolderpersError):
    """The system refused to write an output (full disk, read-only, file-size limit, permissions)."""


class RenderError(FolderpersError):
    """Rendering an output failed (WeasyPrint reported an error, or an asset was refused)."""


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
