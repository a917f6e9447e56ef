"""PDF → document tree, from the words pdfplumber finds with their font, size and position.

Rules, in order:
- running headers and footers (a line in the top or bottom tenth of the page whose text, digits
  aside, recurs on several pages) and page numbers are dropped, but kept for the metadata
  (code, version and dates are often there);
- a last page of centred lines is the back cover (address block), dropped;
- the most common size is the body size; a line clearly larger (or larger and bold) is a heading,
  a short bold line at body size the lowest heading; heading levels rank by size;
- a line that starts with a bullet glyph (•, dashes, ▪, private-use glyphs of symbol fonts, ...) starts
  a list item, one that starts with "1." or "1)" a step; indented lines continue the item;
- lines join into a paragraph while the spacing stays that of a line; a word broken at the line
  end with a hyphen is joined again when both halves are lower case (MRI- + scan keeps its hyphen);
- text on a framed or shaded rectangle (not a full-width band) is a box: a callout candidate;
- bold and italic words inside a paragraph stay bold and italic.
Encrypted, image-only (scanned) and damaged files are refused with what to do instead.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, NamedTuple

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from folderpers.importers.errors import UnreadableSourceError
from folderpers.importers.glyphs import HYPHENS, is_bullet, join_hyphenated
from folderpers.importers.tree import (
    Box,
    Document,
    Dropped,
    Heading,
    Image,
    ItemList,
    Node,
    Paragraph,
    Table,
    escape_markup,
)

_NUMBERED = re.compile(r"^(\d{1,2}|[a-z])[.)]$")
_PAGE_NUMBER = re.compile(r"^\W*(pagina|page|blz\.?|p\.)?\s*\d+(\s*(van|of|/)\s*\d+)?\W*$", re.IGNORECASE)
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)]*$")  # closing quotes may follow
_DRAWING_CURVES = 10  # a page with more curves than this holds a drawing (bullets and boxes are not curves)
_MIN_PICTURE = 20  # points: smaller images are decoration (icons, rules)
_PICTURE_DPI = 150
_CELL_GAP = 1.2  # a gap between words wider than this many font sizes separates table cells
_GLUE = "\u2060"  # marks where pdfplumber split one word at a font change (e.g. a bold number in brackets)


class _Word(NamedTuple):
    text: str
    bold: bool
    italic: bool


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    words: list[_Word]
    size: float
    box: int | None = None  # index of the box it stands in
    starts: list[float] = field(default_factory=list)  # x of each cell: where a wide gap starts new text
    breaks: list[int] = field(default_factory=list)  # index of the first word of each cell after the first

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words).replace(_GLUE, "")

    @property
    def bold(self) -> bool:
        letters = [len(word.text) for word in self.words if word.bold]
        return sum(letters) >= 0.7 * sum(len(word.text) for word in self.words)


@dataclass
class _Block:
    kind: str  # heading, paragraph, item, table
    lines: list[_Line]
    ordered: bool = False
    table: Table | None = None
    figure: _Figure | None = None


@dataclass(frozen=True)
class _Figure:
    page: int
    top: float
    png: bytes
    alt: str  # from the tagged PDF's Figure element, "" when it has none


def read_pdf(path: Path) -> Document:
    try:
        with pdfplumber.open(path) as pdf:
            return _PdfReader(path, pdf).read()
    except PdfminerException as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise UnreadableSourceError(path, "the PDF is encrypted with a password",
                                        "open it with the password and save an unprotected copy, or import the "
                                        "Word original") from None
        raise UnreadableSourceError(path, f"the PDF is damaged ({type(cause).__name__}: {cause})",
                                    "export the PDF again from its source, or import the Word original") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UnreadableSourceError(path, f"the PDF is damaged ({type(error).__name__}: {error})",
                                    "export the PDF again from its source, or import the Word original") from None


class _PdfReader:
    def __init__(self, path: Path, pdf: Any):
        self.path, self.pdf = path, pdf
        self.dropped: list[Dropped] = []
        self.running: list[str] = []

    def read(self) -> Document:
        pages = list(self.pdf.pages)
        lines_by_page = [self._lines(index, page) for index, page in enumerate(pages)]
        if not any(lines_by_page):
            if any(page.images for page in pages):
                raise UnreadableSourceError(self.path, "the PDF has no text, only images: it is a scan",
                                            "import the Word original, or run text recognition (OCR, e.g. "
                                            "ocrmypdf) on it first and check the text")
            raise UnreadableSourceError(self.path, "the PDF has no text", "import the Word original instead")
        self._drop_running(pages, lines_by_page)
        back_cover = self._drop_back_cover(pages, lines_by_page)
        for index, page in enumerate(pages):
            self._mark_boxes(page, lines_by_page[index])
        figures = self._figures(pages[:-1] if back_cover else pages)
        lines = [line for page_lines in lines_by_page for line in page_lines]
        body = _body_size(lines)
        nodes = self._nodes(lines, body, figures)
        return Document(self.path.name, tuple(nodes), _properties(self.pdf.metadata), tuple(self.dropped),
                        tuple(dict.fromkeys(self.running)))

    # --- lines -----------------------------------------------------------------------------------

    def _lines(self, index: int, page: Any) -> list[_Line]:
        words = page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
        words.sort(key=lambda word: (round(word["top"]), word["x0"]))
        lines: list[_Line] = []
        for word in words:
            current = lines[-1] if lines else None
            styled = _Word(word["text"], bool(_BOLD_FONT.search(word["fontname"])),
                           bool(_ITALIC_FONT.search(word["fontname"])))
            if current and abs(word["top"] - current.top) <= max(2.0, 0.3 * word["size"]) and \
                    word["x0"] >= current.x1 - 1:
                gap = word["x0"] - current.x1
                if gap < 0.15 * word["size"]:  # split only by a change of font: one word
                    before = current.words[-1]
                    if any(character.isalpha() for character in styled.text):  # punctuation takes the word's style
                        before = before._replace(bold=before.bold and styled.bold,
                                                 italic=before.italic and styled.italic)
                    current.words[-1] = before._replace(text=before.text + _GLUE + styled.text)
                else:
                    if gap > _CELL_GAP * word["size"]:  # far more than a space: the next table cell
                        current.breaks.append(len(current.words))
                        current.starts.append(word["x0"])
                    current.words.append(styled)
                current.x1, current.bottom = word["x1"], max(current.bottom, word["bottom"])
                current.size = max(current.size, word["size"]) if not is_bullet(word["text"]) else current.size
            else:
                lines.append(_Line(index, word["top"], word["bottom"], word["x0"], word["x1"], [styled],
                                   0.0 if is_bullet(word["text"]) else word["size"], starts=[word["x0"]]))
        for line in lines:
            line.size = round(line.size or 0.0, 1)
        return sorted(lines, key=lambda line: (line.top, line.x0))

    def _drop_running(self, pages: list[Any], lines_by_page: list[list[_Line]]) -> None:
        """Headers and footers: text in the top or bottom tenth that recurs, and page numbers there."""
        def in_band(line: _Line) -> bool:
            height = pages[line.page].height
            return line.bottom < 0.1 * height or line.top > 0.9 * height

        def key(line: _Line) -> str:
            return re.sub(r"\d+", "#", line.text)

        counts = Counter(text for page_lines in lines_by_page for text in {key(line) for line in page_lines
                                                                            if in_band(line)})
        needed = max(2, round(0.4 * len(pages)))
        for page_lines in lines_by_page:
            for line in [line for line in page_lines if in_band(line)]:
                if counts[key(line)] >= needed or _PAGE_NUMBER.match(line.text):
                    page_lines.remove(line)
                    self.running.append(line.text)
        if self.running:
            shown = "; ".join(dict.fromkeys(re.sub(r"\d+", "#", text) for text in self.running))
            self.dropped.append(Dropped(f"running headers/footers and page numbers ({shown[:120]})",
                                        "repeated on every page; read for the code, version and dates"))

    def _drop_back_cover(self, pages: list[Any], lines_by_page: list[list[_Line]]) -> bool:
        if len(pages) < 3 or not lines_by_page[-1]:
            return False
        last, width = lines_by_page[-1], pages[-1].width
        left = min((line.x0 for page_lines in lines_by_page[:-1] for line in page_lines), default=0.0)
        centred = [line for line in last if abs((line.x0 + line.x1) / 2 - width / 2) < 0.06 * width
                   and line.x0 > left + 10]
        if len(centred) >= 0.7 * len(last):
            self.dropped.append(Dropped(f"the last page ({len(last)} centred lines, e.g. {last[0].text[:40]!r})",
                                        "a back cover (address block); the build prints its own"))
            self.running.extend(line.text for line in last)
            last.clear()
            return True
        return False

    def _figures(self, pages: list[Any]) -> list[_Figure]:
        """The pictures: every raster image, and a page's vector drawing (many curves) as one picture,
        rendered to PNG (pdfium); their alt texts from a tagged PDF's Figure elements when a page has
        as many of those as pictures. Pictures in the running header/footer bands are left out."""
        alts: dict[int, list[str]] = {}
        for element in _figure_elements(self.pdf.structure_tree):
            alts.setdefault(element.get("page_number", 0), []).append(element.get("alt_text") or "")
        figures: list[_Figure] = []
        for index, page in enumerate(pages):
            regions = [(image["x0"], image["top"], image["x1"], image["bottom"]) for image in page.images
                       if image["x1"] - image["x0"] >= _MIN_PICTURE and image["bottom"] - image["top"] >= _MIN_PICTURE]
            if len(page.curves) > _DRAWING_CURVES:
                curves = page.curves
                regions.append((min(c["x0"] for c in curves), min(c["top"] for c in curves),
                                max(c["x1"] for c in curves), max(c["bottom"] for c in curves)))
            regions = sorted((max(x0, 0), max(top, 0), min(x1, page.width), min(bottom, page.height))
                             for x0, top, x1, bottom in regions
                             if bottom > 0.1 * page.height and top < 0.9 * page.height)
            page_alts = alts.get(index + 1, [])
            for number, region in enumerate(regions):
                picture = BytesIO()
                page.crop(region, strict=False).to_image(resolution=_PICTURE_DPI).original.save(picture, "PNG")
                alt = page_alts[number] if len(page_alts) == len(regions) else ""
                figures.append(_Figure(index, region[1], picture.getvalue(), alt))
        return figures

    def _mark_boxes(self, page: Any, lines: list[_Line]) -> None:
        """Lines on a framed or shaded rectangle that is not a full-width band or a table cell."""
        def table_cell(rect: dict[str, Any]) -> bool:  # another rectangle beside it in the same row
            return any(other is not rect and abs(other["top"] - rect["top"]) < 1 and abs(other["bottom"] -
                       rect["bottom"]) < 1 and (abs(other["x1"] - rect["x0"]) < 2 or abs(other["x0"] - rect["x1"]) < 2)
                       for other in page.rects)

        rects = [rect for rect in page.rects if rect["x0"] > 2 and rect["x1"] < page.width - 2
                 and rect["height"] > 24 and rect["width"] > 0.3 * page.width and not table_cell(rect)]
        boxes: list[tuple[float, float, float, float]] = []
        for rect in sorted(rects, key=lambda r: (r["top"], r["x0"])):
            bounds = (rect["x0"], rect["top"], rect["x1"], rect["bottom"])
            if not any(_overlap(bounds, box) > 0.8 for box in boxes):
                boxes.append(bounds)
        for line in lines:
            middle_x, middle_y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
            for number, (x0, top, x1, bottom) in enumerate(boxes):
                if x0 <= middle_x <= x1 and top <= middle_y <= bottom:
                    line.box = page.page_number * 1000 + number
                    break

    # --- blocks ----------------------------------------------------------------------------------

    def _nodes(self, lines: list[_Line], body: float, figures: list[_Figure]) -> list[Node]:
        heading_sizes = sorted({line.size for line in lines if _heading_kind(line, body) == "large"}, reverse=True)
        blocks: list[_Block] = []
        leading = _leading(lines, body)
        tables = _tables(lines, leading)
        skip_to = 0
        waiting = list(figures)
        for number, line in enumerate(lines):
            while waiting and (waiting[0].page, waiting[0].top) < (line.page, line.top):
                blocks.append(_Block("figure", [], figure=waiting.pop(0)))
            if number < skip_to:
                continue
            if number in tables:
                skip_to, table = tables[number]
                blocks.append(_Block("table", lines[number:skip_to], table=table))
                continue
            previous = blocks[-1] if blocks and blocks[-1].lines else None
            last = previous.lines[-1] if previous else None
            first_word = line.words[0].text
            heading = _heading_kind(line, body)
            marker = is_bullet(first_word) or (bool(_NUMBERED.match(first_word)) and len(line.words) > 1)
            same_place = last is not None and last.box == line.box
            gap = line.top - last.bottom if last and last.page == line.page else None
            close = (gap is not None and gap < 0.9 * leading) or (
                last is not None and last.page != line.page and not _SENTENCE_END.search(last.text))
            if heading and not marker:
                if previous and previous.kind == "heading" and same_place and last is not None and \
                        last.size == line.size and last.page == line.page and line.top - last.bottom < 0.6 * line.size:
                    previous.lines.append(line)
                else:
                    blocks.append(_Block("heading", [line]))
            elif marker:
                ordered = not is_bullet(first_word)
                blocks.append(_Block("item", [line], ordered=ordered))
                line.words = line.words[1:]
            elif previous and last is not None and same_place and close and (
                    (previous.kind == "item" and line.x0 > previous.lines[0].x0 + 1)  # an item's indented next line
                    or (previous.kind == "paragraph" and abs(last.size - line.size) < 0.3)):
                previous.lines.append(line)
            else:
                blocks.append(_Block("paragraph", [line]))
        blocks.extend(_Block("figure", [], figure=figure) for figure in waiting)
        return self._tree(blocks, body, heading_sizes)

    def _tree(self, blocks: list[_Block], body: float, heading_sizes: list[float]) -> list[Node]:
        flat: list[tuple[int | None, Node]] = []
        levels = {size: rank + 1 for rank, size in enumerate(heading_sizes)}
        pictures = 0
        for block in blocks:
            if block.figure is not None:
                pictures += 1
                flat.append((None, Image(f"afbeelding-{pictures}.png", block.figure.png, block.figure.alt)))
                continue
            box = block.lines[0].box
            markup = _markup(block.lines)
            if block.table is not None:
                flat.append((box, block.table))
            elif block.kind == "heading":
                plain = " ".join(line.text for line in block.lines)
                level = levels.get(block.lines[0].size, len(heading_sizes) + 1)
                flat.append((box, Heading(plain, level)))
            elif block.kind == "item":
                previous = flat[-1][1] if flat else None
                if isinstance(previous, ItemList) and previous.ordered == block.ordered and flat[-1][0] == box:
                    flat[-1] = (box, ItemList((*previous.items, markup), block.ordered))
                else:
                    flat.append((box, ItemList((markup,), block.ordered)))
            else:
                flat.append((box, Paragraph(markup)))
        nodes: list[Node] = []
        index = 0
        while index < len(flat):
            box, node = flat[index]
            if box is None:
                nodes.append(node)
                index += 1
                continue
            children = []
            while index < len(flat) and flat[index][0] == box:
                children.append(flat[index][1])
                index += 1
            title = ""
            first = children[0]
            if isinstance(first, Heading):
                title, children = first.text, children[1:]
            elif isinstance(first, Paragraph) and first.text.startswith("**") and first.text.endswith("**") \
                    and len(first.text.split()) <= 12:
                title, children = first.text.strip("*"), children[1:]
            nodes.append(Box(title, tuple(children)) if children else Paragraph(escape_markup(title)))
        return nodes


def _heading_kind(line: _Line, body: float) -> str:
    """'large' for a heading by size, 'bold' for a short bold line at body size, '' for body text."""
    words = len(line.words)
    if line.size >= body * 1.12 and (line.bold or line.size >= body * 1.3) and words <= 20:
        return "large"
    if line.bold and line.size >= body * 0.98 and words <= 12 and not _SENTENCE_END.search(line.text.rstrip("?")):
        return "bold"
    return ""


def _figure_elements(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for element in elements:
        if element.get("type") == "Figure":
            yield element
        yield from _figure_elements(element.get("children", []))


def _tables(lines: list[_Line], leading: float) -> dict[int, tuple[int, Table]]:
    """Runs of lines whose text stands in the same columns (cells apart by wide gaps), as tables:
    {index of the first line: (index after the last, table)}. A row starts after a gap wider than a
    line's; lines in between continue the cells of their row."""
    tables: dict[int, tuple[int, Table]] = {}
    index = 0
    while index < len(lines):
        first = lines[index]
        if len(first.starts) < 2:
            index += 1
            continue
        columns, end, with_cells = first.starts, index + 1, 1
        while end < len(lines):
            line, before = lines[end], lines[end - 1]
            if line.page != first.page or line.box != first.box or abs(line.size - first.size) > 0.5 or \
                    line.top - before.bottom > 4 * leading or not all(
                        any(abs(x - column) <= 3 for column in columns) for x in line.starts):
                break
            with_cells += len(line.starts) >= 2
            end += 1
        if with_cells >= 2:
            tables[index] = (end, _table(lines[index:end], columns, leading))
            index = end
        else:
            index += 1
    return tables


def _table(lines: list[_Line], columns: list[float], leading: float) -> Table:
    rows: list[list[list[list[_Word]]]] = []  # row -> column -> lines of words
    for number, line in enumerate(lines):
        if not rows or line.top - lines[number - 1].bottom > leading:
            rows.append([[] for _ in columns])
        bounds = [0, *line.breaks, len(line.words)]
        for start, stop, x in zip(bounds, bounds[1:], line.starts, strict=False):
            column = min(range(len(columns)), key=lambda c: abs(columns[c] - x))
            rows[-1][column].append(line.words[start:stop])
    return Table(tuple(tuple(_markup_words(cell) for cell in row) for row in rows))


def _markup(lines: list[_Line]) -> str:
    return _markup_words([line.words for line in lines])


def _markup_words(lines: list[list[_Word]]) -> str:
    """Lines of words as inline markup: hyphenated line ends joined, bold runs in **...**, italic
    runs in *...*."""
    tokens: list[_Word] = []
    for words in lines:
        for position, word in enumerate(words):
            if position == 0 and tokens:
                previous = tokens[-1]
                if previous.text[-1:] in HYPHENS and len(previous.text) > 1 and previous.text[-2].isalpha():
                    tokens[-1] = _Word(join_hyphenated(previous.text, word.text), previous.bold and word.bold,
                                       previous.italic and word.italic)
                    continue
            tokens.append(word)
    if not tokens:
        return ""
    # Bold only where it says something: not a whole paragraph (a heading, a table's header row).
    if all(token.bold for token in tokens):
        tokens = [token._replace(bold=False) for token in tokens]
    parts: list[str] = []
    for style, run in itertools.groupby(tokens, key=lambda token: (token.bold, token.italic)):
        text = _escaped(" ".join(token.text for token in run))
        # A styled number stays plain: a phone number becomes a placeholder the theme styles itself.
        marker = ("**" if style[0] else "") + ("*" if style[1] else "")
        parts.append(f"{marker}{text}{marker}" if marker and any(c.isalpha() for c in text) else text)
    return " ".join(parts)


def _escaped(text: str) -> str:
    return escape_markup(text.replace(_GLUE, ""))


def _body_size(lines: list[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _leading(lines: list[_Line], body: float) -> float:
    """The usual gap between two lines of body text: what keeps lines in one paragraph."""
    gaps = [second.top - first.bottom for first, second in itertools.pairwise(lines)
            if first.page == second.page and first.size == second.size == body and second.top > first.bottom]
    if not gaps:
        return body * 0.6
    usual = Counter(round(gap, 0) for gap in gaps).most_common(1)[0][0]
    return max(usual * 1.45, body * 0.3)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height / smaller if smaller else 0.0


def _properties(info: dict[str, Any]) -> dict[str, str]:
    properties = {}
    for key, value in info.items():
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip():
            properties[key.lower()] = value.strip()
    if "subject" in properties:
        properties["subtitle"] = properties.pop("subject")
    return properties
