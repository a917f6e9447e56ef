"""No word hyphenated across a page break: found in WeasyPrint's layout, fixed by laying out again.

WeasyPrint 70 has no CSS for it (no `hyphenate-limit-last`), so after layout the last line of each
page is inspected: when it ends in a hyphenated word and its paragraph goes on at the top of the next
page, that paragraph is set without automatic hyphenation and the document is laid out again. The
paragraph's other lines may then break differently; a few paragraphs per document at most.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

MAX_LAYOUTS = 4  # each pass can move later page breaks; in practice one extra pass settles it
KEEP_WORDS_WHOLE = "hyphens: manual"


def words_split_across_pages(document: Document) -> list[Any]:
    """The elements (paragraphs, list items, cells) whose text is hyphenated at the foot of a page and
    continued at the top of the next one."""
    pages = [list(_body_lines(page._page_box)) for page in document.pages]
    found = []
    for lines, following in itertools.pairwise(pages):
        if not lines or not following:
            continue
        last, first = lines[-1], following[0]
        text = _text_of(last).rstrip()
        hyphen = last.style["hyphenate_character"]
        if (text.endswith(hyphen) and text[:-len(hyphen)][-1:].isalpha() and last.element is not None
                and last.element is first.element and last.style["hyphens"] == "auto"):
            found.append(last.element)
    return found


def keep_words_whole(element: Any) -> None:
    """Switch automatic hyphenation off for one element of the document's tree (a style attribute the
    pipeline sets; content never writes style attributes)."""
    style = element.get("style")
    element.set("style", f"{style}; {KEEP_WORDS_WHOLE}" if style else KEEP_WORDS_WHOLE)


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
