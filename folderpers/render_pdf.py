"""Stage 4: HTML to a tagged PDF/UA-1 with WeasyPrint.

One PdfRenderer per process: it keeps the font configuration and the parsed stylesheets warm
for every document it renders. WeasyPrint reports many problems (missing alt text, a refused
image, an unknown option) only as log records: those at ERROR level fail the output here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .errors import Location, Problem, RenderError
from .fetcher import AssetFetcher, AssetRefused
from .project import Project

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    warnings: tuple[str, ...]  # WeasyPrint's warnings (e.g. ignored CSS); errors raise instead


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class PdfRenderer:
    def __init__(self, project: Project, stylesheets: tuple[str, ...] = ("folder.css", "pdf.css")):
        self.font_config = FontConfiguration()
        self.stylesheets = [CSS(filename=project.styles / name, font_config=self.font_config)
                            for name in stylesheets]

    def render(self, html: str, base: Path, asset_roots: tuple[Path, ...], source: Location) -> RenderedPdf:
        """Render `html` (whose relative URLs are relative to `base`); errors are reported at `source`."""
        collector = _Collector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=AssetFetcher(asset_roots)).render(
                stylesheets=self.stylesheets, font_config=self.font_config, pdf_variant=PDF_VARIANT)
            data = document.write_pdf(pdf_variant=PDF_VARIANT)
        except AssetRefused as refused:
            raise RenderError(Problem(source, refused.args[0], "use images from the folder's own directory")) from None
        finally:
            logger.removeHandler(collector)
        errors = [record for record in collector.records if record.levelno >= logging.ERROR]
        if errors:
            raise RenderError(*(Problem(source, f"WeasyPrint: {record.getMessage()}",
                                        "fix the content or template this message points at") for record in errors))
        warnings = tuple(record.getMessage() for record in collector.records)
        return RenderedPdf(data, len(document.pages), warnings)
