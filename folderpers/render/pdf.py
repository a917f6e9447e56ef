"""Stage 4: HTML to PDF with WeasyPrint.

One PdfRenderer per process: it keeps the font configuration and parsed stylesheets warm for
every document it renders. Images are not kept between documents: WeasyPrint 70's image cache
stores a failed load as None (a later document would lose the image without the error that fails
the output) and ties an SVG to the layout of the first document that used it. WeasyPrint reports
many problems (missing alt text, a refused image, an unknown option) only as log records: those
at ERROR level fail the output here.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_import_started = time.perf_counter()
from weasyprint import CSS, HTML
from weasyprint.document import Document, Page
from weasyprint.text.fonts import FontConfiguration

from folderpers.errors import Location, Problem, RenderError
from folderpers.pdf.structure import StructureHints, recording
from folderpers.project import Project
from folderpers.render import hyphenation, weasyprint_patches
from folderpers.render.fetcher import AssetFetcher, AssetRefused

SCREEN_VARIANT = "pdf/ua-1"
# In this process, importing it included: lets the benchmark tell WeasyPrint's time from ours.
_seconds_in_weasyprint = time.perf_counter() - _import_started


def seconds_in_weasyprint() -> float:
    return _seconds_in_weasyprint


@contextlib.contextmanager
def _timed() -> Iterator[None]:
    """Count the time of the block as WeasyPrint's (parsing CSS, laying out, writing PDF)."""
    global _seconds_in_weasyprint
    started = time.perf_counter()
    try:
        yield
    finally:
        _seconds_in_weasyprint += time.perf_counter() - started


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[str, ...]  # WeasyPrint's warnings (e.g. ignored CSS); errors raise instead
    structure: StructureHints  # what the tagged PDF does not say about its structure (see pdf/structure.py)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class PdfRenderer:
    """Lays out HTML and writes PDFs, failing on WeasyPrint's logged errors."""

    def __init__(self, project: Project):
        weasyprint_patches.apply()
        self.project = project
        self.font_config = FontConfiguration()
        # Colour profiles declared by CMYK stylesheets (@color-profile device-cmyk): a document
        # rendered with them gets that profile as its output intent; RGB documents get none.
        self.cmyk_profiles: dict = {}

    @cache
    def stylesheet(self, name: str, css: str | None = None, profile_roots: tuple[Path, ...] = ()) -> CSS:
        """A parsed stylesheet: styles/<name>, or the given CSS text (cached under `name`).

        CSS text may declare colour profiles, read from `profile_roots` only."""
        with _timed():
            if css is None:
                return CSS(filename=self.project.styles / name, font_config=self.font_config)
            return CSS(string=css, font_config=self.font_config, color_profiles=self.cmyk_profiles,
                       url_fetcher=AssetFetcher(profile_roots))

    def layout(self, html: str, base: Path, asset_roots: Sequence[Path], source: Location,
               stylesheets: Sequence[CSS], variant: str | None, warnings: list[str], cmyk: bool = False) -> Document:
        """Lay out `html` (relative URLs against `base`); only files below `asset_roots` may be read."""
        with self._errors_fail(source, warnings):
            parsed = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=AssetFetcher(tuple(asset_roots)))
            for _ in range(hyphenation.MAX_LAYOUTS):
                document = parsed.render(stylesheets=list(stylesheets), font_config=self.font_config,
                                         pdf_variant=variant, color_profiles=self.cmyk_profiles if cmyk else None)
                defects = hyphenation.badly_hyphenated(document)
                for element in defects:  # changes the parsed tree that the next pass lays out
                    hyphenation.keep_words_whole(element)
                if not defects:
                    break
            return document

    def write(self, document: Document, pages: Sequence[Page] | None, source: Location, variant: str | None,
              warnings: list[str]) -> bytes:
        """Write `document` as PDF; with `pages`, only those (possibly from other documents), in that order."""
        if pages is not None:
            document = document.copy(list(pages))
        with self._errors_fail(source, warnings):
            return document.write_pdf(pdf_variant=variant)

    def render(self, html: str, base: Path, asset_roots: Sequence[Path], source: Location,
               stylesheets: Sequence[CSS], variant: str | None = SCREEN_VARIANT) -> RenderedPdf:
        warnings: list[str] = []
        document = self.layout(html, base, asset_roots, source, stylesheets, variant, warnings)
        with recording() as structure:
            data = self.write(document, None, source, variant, warnings)
        return RenderedPdf(data, len(document.pages), tuple(warnings), structure)

    @contextlib.contextmanager
    def _errors_fail(self, source: Location, warnings: list[str]) -> Iterator[None]:
        collector = _Collector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            with _timed():
                yield
        except AssetRefused as refused:
            raise RenderError(Problem(source, refused.args[0], "use images from the folder's own directory")) from None
        finally:
            logger.removeHandler(collector)
        errors = [record for record in collector.records if record.levelno >= logging.ERROR]
        if errors:
            raise RenderError(*(Problem(source, f"WeasyPrint: {record.getMessage()}",
                                        "fix the content or template this message points at") for record in errors))
        warnings.extend(record.getMessage() for record in collector.records)
