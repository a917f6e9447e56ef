"""The fonts a PDF page uses, and whether each is embedded: one reading for the PDF/UA checks and
the print preflight (ISO 32000-1, 9.6-9.9)."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf

_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def page_fonts(resources: pikepdf.Object | None) -> Iterator[pikepdf.Dictionary]:
    """Every font of these resources and of the form XObjects (and Type3 glyph procedures) they
    use, each resource dictionary visited once."""
    yield from _fonts(resources, set())


def _fonts(resources: pikepdf.Object | None, visited: set[tuple[int, int]]) -> Iterator[pikepdf.Dictionary]:
    if not isinstance(resources, pikepdf.Dictionary) or (resources.is_indirect and resources.objgen in visited):
        return
    if resources.is_indirect:
        visited.add(resources.objgen)
    fonts = resources.get("/Font")
    for font in fonts.values() if isinstance(fonts, pikepdf.Dictionary) else ():
        if isinstance(font, pikepdf.Dictionary):
            yield font
            yield from _fonts(font.get("/Resources"), visited)
    xobjects = resources.get("/XObject")
    for xobject in xobjects.values() if isinstance(xobjects, pikepdf.Dictionary) else ():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == "/Form" \
                and xobject.objgen not in visited:
            visited.add(xobject.objgen)
            yield from _fonts(xobject.get("/Resources"), visited)


def font_name(font: pikepdf.Dictionary) -> str:
    """The font's PostScript name (a subset's has a tag: ABCDEF+Lato-Regular), else its resource name."""
    return str(font.get("/BaseFont", font.get("/Name", "/Type3")))[1:]


def is_type3(font: pikepdf.Dictionary) -> bool:
    """A Type3 font's glyphs are content streams in the file: always embedded."""
    return font.get("/Subtype") == "/Type3"


def is_embedded(font: pikepdf.Dictionary) -> bool:
    if is_type3(font):
        return True
    descendants = font.get("/DescendantFonts")
    described = descendants[0] if isinstance(descendants, pikepdf.Array) and len(descendants) else font
    descriptor = described.get("/FontDescriptor") if isinstance(described, pikepdf.Dictionary) else None
    return isinstance(descriptor, pikepdf.Dictionary) and any(key in descriptor for key in _FONT_FILES)


def has_unicode_map(font: pikepdf.Dictionary) -> bool:
    return "/ToUnicode" in font
