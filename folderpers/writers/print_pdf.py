"""Print output for the print shop and the office: print PDF, booklet and preflight report.

- Print PDF: single pages in reading order, 3 mm bleed, crop marks outside the bleed, padded to a
  multiple of 4 pages (a notes page, then blank pages, before the back cover). PDF/X-4 in CMYK
  when the institution gives CMYK brand colours, else RGB (with a warning).
- Booklet: the same pages imposed 2-up in saddle-stitch order (A5 on A4) for a duplex printer.
- Preflight report: JSON beside the PDF; its summary is printed with the build.

File names carry document code and version, so a print shop can never mix up two versions:
dist/<institution>/print/<CODE>_v<version>_<slug>.pdf (+ _booklet.pdf, _preflight.json).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path, PurePosixPath
from typing import ClassVar

from folderpers.errors import Location, Problem, RenderError
from folderpers.model.publication import Publication
from folderpers.prepress.colors import CmykConverter
from folderpers.prepress.conditions import CONDITIONS, PrintCondition, profile_of
from folderpers.render.html import PRINT, Medium
from folderpers.render.theme import Theme
from folderpers.writers.base import Rendered

PAGE_MULTIPLE = 4
PDFX_VARIANT = "pdf/x-4"
_STYLESHEETS = ("folder.css", "pdf.css", "print.css")


class PrintWriter:
    kind: ClassVar[str] = "print"
    medium: ClassVar[Medium] = PRINT
    relative_cost: ClassVar[float] = 2.0  # measured on the examples: CMYK, marks, imposition and preflight

    def __init__(self, theme: Theme):
        self.theme = theme

    def paths(self, publication: Publication) -> tuple[PurePosixPath, ...]:
        stem = f"{publication.document_code}_v{publication.folder.version}_{publication.stem}"
        directory = PurePosixPath(publication.institution.id) / "print"
        return (directory / f"{stem}.pdf", directory / f"{stem}_booklet.pdf", directory / f"{stem}_preflight.json")

    def inputs(self, publication: Publication) -> tuple[Path, ...]:
        converter = _converter(publication)
        return (converter.profile,) if converter else ()

    def render(self, publication: Publication) -> tuple[Rendered, ...]:
        from folderpers.pdf.finish import finish_print_pdf
        from folderpers.prepress.imposition import impose_booklet
        from folderpers.prepress.preflight import preflight
        converter = _converter(publication)
        cmyk = converter is not None
        source = Location(publication.folder.source)
        warnings: list[str] = []  # an RGB print file (no CMYK brand colours) is the preflight's to report
        stylesheets = self._stylesheets(converter)
        variant = PDFX_VARIANT if cmyk else None
        roots = publication.asset_roots
        palette = ({name: converter.css(value) for name, value in publication.institution.colors.rgb().items()}
                   if converter else None)

        def html(page_total: int | None = None) -> str:
            return self.theme.html.render(publication, self.medium,
                                          image_url=converter.image_url if converter else Path.as_uri,
                                          palette=palette, svg_url=converter.svg_url if converter else None,
                                          page_total=page_total)
        base, renderer = publication.folder.directory, self.theme.pdf_renderer
        document = renderer.layout(html(), base, roots, source, stylesheets, variant, warnings, cmyk)
        pages = list(document.pages)
        missing = -len(pages) % PAGE_MULTIPLE
        if missing:  # laid out again with the padded total in the footer ("1 of 8", not "1 of 7"): the
            # footer is a margin box, so the text flows as before; counted to be sure
            total = len(pages) + missing
            document = renderer.layout(html(total), base, roots, source, stylesheets, variant, warnings, cmyk)
            if len(document.pages) + missing != total:
                raise RenderError(Problem(source, "the print PDF changed length when its page total was set",
                                          "report this as a bug in folderpers"))
            pages = list(document.pages)
        if missing:  # notes and blank pages go before the back cover, never inside the text
            padding_html = self.theme.html.render_padding(publication, missing, palette)
            padding = renderer.layout(padding_html, base, roots, source, stylesheets, variant, warnings, cmyk)
            pages[-1:-1] = padding.pages
        data = renderer.write(document, pages, source, variant, warnings)
        condition = _condition(publication) if cmyk else None
        data = finish_print_pdf(data, publication, condition)
        path, booklet_path, report_path = self.paths(publication)
        report = preflight(data, path.name, PAGE_MULTIPLE, expect_condition=condition.identifier if condition else None)
        if report.errors:
            raise RenderError(*(Problem(source, f"preflight: {error}", "fix the content or the institution's print "
                                        "settings; see the preflight report") for error in report.errors))
        booklet = impose_booklet(data, f"{publication.folder.title} ({publication.document_code}, booklet)")
        warnings = list(dict.fromkeys(warnings + report.warnings))
        return (
            Rendered(path, "print-pdf", data, report.pages, tuple(warnings), (report.summary(),)),
            Rendered(booklet_path, "booklet", booklet, report.pages // 2),
            Rendered(report_path, "preflight", report.to_json()),
        )

    def _stylesheets(self, converter: CmykConverter | None):
        project, renderer = self.theme.project, self.theme.pdf_renderer
        if converter is None:
            return [renderer.stylesheet(name) for name in _STYLESHEETS]
        profile = f"@color-profile device-cmyk {{ src: url({converter.profile.as_uri()}); components: c, m, y, k; }}\n"
        return [renderer.stylesheet(f"{name} in CMYK {converter.fixed}",
                                    (profile if index == 0 else "") +
                                    converter.rewrite((project.styles / name).read_text("utf-8")),
                                    (converter.profile.parent,))
                for index, name in enumerate(_STYLESHEETS)]


@cache
def _converter_for(profile: Path, fixed: tuple) -> CmykConverter:
    return CmykConverter(profile, fixed)


def _condition(publication: Publication) -> PrintCondition:
    return CONDITIONS[publication.institution.print_condition]


def _converter(publication: Publication) -> CmykConverter | None:
    """The institution's CMYK conversion (brand colours fixed to its own values), None when it gives none."""
    colors = publication.institution.colors
    if colors.cmyk is None:
        return None
    rgb = colors.rgb()
    return _converter_for(profile_of(_condition(publication)),
                          tuple((rgb[name], value) for name, value in sorted(colors.cmyk.items())))
