"""Hyphenation a print shop signs off, checked in WeasyPrint's layout and fixed by laying out again.

WeasyPrint 70 has no CSS for two rules (there is no `hyphenate-limit-last`): no word hyphenated
across a page break, and no paragraph whose last line is the end of a hyphenated word ("uit-" /
"leg."). After layout the line boxes are inspected; a paragraph (or list item, cell) that breaks a
rule is set without automatic hyphenation and the document is laid out again. Its other lines may
then break differently; it concerns a few paragraphs per document at most.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator
from typing import Any

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

MAX_LAYOUTS = 4  # each pass can move later line and page breaks; in practice one extra pass settles it
KEEP_WORDS_WHOLE = "hyphens: manual"


def badly_hyphenated(document: Document) -> list[Any]:
    """The elements that break either rule, each once, in document order."""
    pages = body_lines(document)
    found = {id(element): element for element in [*split_across_pages(pages), *fragment_last_lines(pages)]}
    return list(found.values())


def split_across_pages(pages: list[list[boxes.LineBox]]) -> Iterator[Any]:
    """Elements whose text is hyphenated at the foot of a page and continued on the next one."""
    for lines, following in itertools.pairwise(pages):
        if lines and following and _hyphenated(lines[-1]) and lines[-1].element is following[0].element:
            yield lines[-1].element


def fragment_last_lines(pages: list[list[boxes.LineBox]]) -> Iterator[Any]:
    """Elements whose last line is a single word ending a word hyphenated on the line before."""
    lines = [line for page in pages for line in page]
    for line, last, after in zip(lines, lines[1:], [*lines[2:], None], strict=False):
        ends_element = after is None or after.element is not last.element
        if ends_element and _hyphenated(line) and line.element is last.element and len(_text_of(last).split()) == 1:
            yield line.element


def body_lines(document: Document) -> list[list[boxes.LineBox]]:
    """Per page, its line boxes in document order, without the margin boxes (running header, footer)."""
    return [list(_body_lines(page._page_box)) for page in document.pages]


def keep_words_whole(element: Any) -> None:
    """Switch automatic hyphenation off for one element of the document's tree (a style attribute the
    pipeline sets; content never writes style attributes)."""
    style = element.get("style")
    element.set("style", f"{style}; {KEEP_WORDS_WHOLE}" if style else KEEP_WORDS_WHOLE)


def _hyphenated(line: boxes.LineBox) -> bool:
    """Whether `line` ends in a word that automatic hyphenation broke."""
    # format characters (word joiners the templates put in) are invisible: "ka\u2060-" ends in "a-"
    text = "".join(c for c in _text_of(line) if unicodedata.category(c) != "Cf").rstrip()
    hyphen = line.style["hyphenate_character"]
    return (line.element is not None and line.style["hyphens"] == "auto" and text.endswith(hyphen)
            and text[:-len(hyphen)][-1:].isalpha())


def _body_lines(box: boxes.Box) -> Iterator[boxes.LineBox]:
    """The line boxes of a page in document order, leaving out its margin boxes (running header, footer)."""
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.LineBox):
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _body_lines(child)


def _text_of(box: boxes.Box) -> str:
    if isinstance(box, boxes.TextBox):
        return str(box.text)
    return "".join(_text_of(child) for child in getattr(box, "children", ()))
