"""The screen PDF: tagged PDF/UA-1 for the intranet and for reading on screen.

Its structure tree is finished beyond WeasyPrint (pdf/structure.py), and the finished file must pass
the conformance layer (checks/conformance.py: page-validation, PDF/UA-1) and the house rules
(checks/pdf_ua.py): an error fails the output, so no inaccessible PDF is published. Its first page's
thumbnail for the index page (render/thumbnails.py) is made here too, from the bytes just rendered:
in the worker that rendered them, not by the build's parent process afterwards.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import ClassVar

from folderpers.errors import Location, Problem, RenderError
from folderpers.model.publication import Publication
from folderpers.render.html import PDF, Medium
from folderpers.render.thumbnails import render_thumbnail, thumbnail_path
from folderpers.writers.base import OneFileWriter, Rendered


class ScreenPdfWriter(OneFileWriter):
    kind: ClassVar[str] = "pdf"
    medium: ClassVar[Medium] = PDF
    relative_cost: ClassVar[float] = 1.0  # the reference for the other writers' relative_cost
    suffix: ClassVar[str] = ".pdf"

    def paths(self, publication: Publication) -> tuple[PurePosixPath, ...]:
        pdf = super().paths(publication)[0]
        return pdf, thumbnail_path(pdf)

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        html = self.theme.html.render(publication, self.medium, image_url=Path.as_uri)
        renderer = self.theme.pdf_renderer
        stylesheets = [renderer.stylesheet("folder.css"), renderer.stylesheet("pdf.css")]
        source = Location(publication.folder.source)
        pdf = renderer.render(html, publication.folder.directory, publication.asset_roots, source, stylesheets)
        from folderpers.checks.conformance import validate
        from folderpers.checks.findings import errors
        from folderpers.checks.pdf_ua import house_rules
        from folderpers.pdf.finish import finish_screen_pdf, save
        path, thumbnail = self.paths(publication)
        direction = self.theme.html.language(publication.language).direction
        with finish_screen_pdf(pdf.data, publication, pdf.structure, direction) as document:
            data = save(document)
            findings = house_rules(document, Path(path))
        findings += [f for validation in validate(data, Path(path)) for f in validation.findings]
        failures = errors(findings)
        if failures:
            raise RenderError(*(Problem(source, f"PDF/UA check [{f.kind}] of {path}: {f.message}", f.hint)
                                for f in failures))
        picture = render_thumbnail(data, hashlib.sha256(data).hexdigest())
        return Rendered(path, self.kind, data, pdf.pages, pdf.warnings), Rendered(thumbnail, "thumbnail", picture.png)
