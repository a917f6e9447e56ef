"""The screen PDF: tagged PDF/UA-1 for the intranet and for reading on screen."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import ClassVar

from ..errors import Location
from ..postprocess import stamp_pdf
from ..render_pdf import PdfRenderer
from ..resolve import Publication
from .base import Rendered, Theme, output_name


class ScreenPdfWriter:
    kind: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"

    def __init__(self, theme: Theme):
        self.theme = theme

    @cached_property
    def renderer(self) -> PdfRenderer:
        return PdfRenderer(self.theme.project)

    def path(self, publication: Publication) -> PurePosixPath:
        return output_name(publication, self.suffix)

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        html = self.theme.html.render(publication, "pdf", image_url=Path.as_uri)
        renderer = self.renderer
        stylesheets = [renderer.stylesheet("folder.css"), renderer.stylesheet("pdf.css")]
        pdf = renderer.render(html, publication.folder.directory, publication.asset_roots,
                              Location(publication.folder.source), stylesheets)
        return (Rendered(self.path(publication), self.kind, stamp_pdf(pdf.data, publication), pdf.pages, pdf.warnings),)
