"""The theme: a project's templates and styles, loaded once per process and shared by all writers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from folderpers.project import Project

if TYPE_CHECKING:
    from folderpers.render.html import HtmlRenderer
    from folderpers.render.pdf import PdfRenderer


@dataclass
class Theme:
    """The project's templates and styles, loaded once per process and shared by all writers."""

    project: Project

    @cached_property
    def html(self) -> HtmlRenderer:
        from folderpers.render.html import HtmlRenderer  # Jinja2 and the rest only when something is rendered
        return HtmlRenderer(self.project)

    @cached_property
    def pdf_renderer(self) -> PdfRenderer:
        """One WeasyPrint renderer per process, shared by the PDF writers (fonts and stylesheets stay warm)."""
        from folderpers.render.pdf import PdfRenderer  # WeasyPrint is imported only when something is rendered
        return PdfRenderer(self.project)

    @cached_property
    def files(self) -> tuple[Path, ...]:
        """Every template and style file: inputs of every output, recorded in the manifest."""
        return tuple(sorted(path for directory in (self.project.templates, self.project.styles)
                            for path in directory.rglob("*") if path.is_file()))
