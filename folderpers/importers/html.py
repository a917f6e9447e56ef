"""HTML → document tree: a hospital's web page, or the semantic HTML mammoth makes of a Word file.

The main content is found with plain rules rather than a readability score, so what is kept is
predictable and every removal can be reported: the page's <main> (or role=main, or its single
<article>) is read; inside it, navigation, page headers and footers, forms, scripts, hidden
elements and anything whose id/class names a cookie bar, consent dialog, breadcrumb, menu, share
or skip link are dropped. Headings, paragraphs, lists, tables, images and <aside>/alert boxes are
kept with their bold, italic and links.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

import lxml.html  # type: ignore[import-untyped]
from lxml.etree import ParserError, _Element  # type: ignore[import-untyped]
from PIL import Image as PillowImage

from folderpers.importers.errors import UnreadableSourceError
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

# Elements whose content is never the folder's text.
_NOISE_TAGS = {"script", "style", "noscript", "template", "nav", "form", "button", "iframe", "object", "embed",
               "select", "input", "textarea", "dialog", "svg", "canvas", "video", "audio", "map"}
_NOISE_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar"}
_NOISE_NAMES = re.compile(r"cookie|consent|gdpr|breadcrumb|skip-?link|(^|[-_ ])(nav|navbar|menu|share|social|"
                          r"sidebar|newsletter|footer|header)([-_ ]|$)", re.IGNORECASE)
_BOX_NAMES = re.compile(r"callout|alert|warning|waarschuwing|let-?op|notice|note|tip|info-?box|kader|box",
                        re.IGNORECASE)
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "img", "figure", "aside", "blockquote",
               "div", "section", "article", "main", "header", "footer", "dl", "pre", "address", "details", "hr"}
_SAFE_SCHEMES = ("https://", "http://")
_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/jpg": "jpg", "image/svg+xml": "svg"}
_SPACE = re.compile(r"\s+")

ImageLoader = Callable[[str], "tuple[bytes, str] | None"]  # src -> (data, extension), None when unavailable


def read_html_file(path: Path) -> Document:
    data = path.read_bytes()
    raw: bytes | str = data
    try:  # most pages are UTF-8, also those that do not say so; lxml would guess Latin-1 for them
        text = data.decode("utf-8")
        if not re.match(r"\s*<\?xml[^>]*encoding", text):  # lxml refuses text that declares an encoding
            raw = text
    except UnicodeDecodeError:
        pass
    base = path.parent.resolve()

    def load_local(src: str) -> tuple[bytes, str] | None:
        """Only files beside the page (or below it): an imported page cannot make us read elsewhere."""
        target = (base / unquote(src.split("?")[0].split("#")[0])).resolve()
        extension = target.suffix.lower().lstrip(".").replace("jpeg", "jpg")
        if target.is_relative_to(base) and target.is_file() and extension in ("png", "jpg", "svg"):
            return target.read_bytes(), extension
        return None

    return read_html(raw, path.name, load_local, whole_body=False)


def read_html(raw: bytes | str, source_name: str, load_image: ImageLoader | None = None, *,
              whole_body: bool = False) -> Document:
    """Read an HTML page. `whole_body`: the input is all content (mammoth's output), no page around it."""
    try:
        root = lxml.html.document_fromstring(raw)
    except (ParserError, ValueError) as error:
        raise UnreadableSourceError(source_name, f"not readable as HTML ({error})",
                                    "save the page again (File > Save as, 'Web page, HTML only') and import "
                                    "that") from None
    reader = _Reader(source_name, load_image)
    properties = _page_properties(root)
    main = root.find("body") if whole_body else _main_content(root, reader)
    if main is None:
        raise UnreadableSourceError(source_name, "the page has no body", "import the page as saved by a browser")
    reader.prune(main, main)
    nodes = tuple(reader.blocks(main))
    return Document(source_name, nodes, {**properties, **reader.properties}, tuple(reader.dropped))


def _page_properties(root: _Element) -> dict[str, str]:
    properties: dict[str, str] = {}
    title = root.findtext(".//title")
    if title and title.strip():  # "Maagonderzoek | Ziekenhuis X": the page's own part, and the site's
        parts = re.split(r"\s+[|\u2013\u2014-]\s+", _SPACE.sub(" ", title).strip(), maxsplit=1)
        properties["title"] = parts[0]
        if len(parts) > 1:
            properties["site"] = parts[1]
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        content = _SPACE.sub(" ", meta.get("content") or "").strip()
        if content and name in ("description", "keywords", "author", "dcterms.modified", "dcterms.created"):
            properties[name] = content
    language = (root.get("lang") or "").split("-")[0].lower()
    if re.fullmatch(r"[a-z]{2}", language):
        properties["language"] = language
    return properties


def _main_content(root: _Element, reader: _Reader) -> _Element | None:
    body = root.find("body")
    candidates = root.xpath("//main | //*[@role='main']")
    if not candidates:
        articles = root.xpath("//article")
        candidates = articles if len(articles) == 1 else []
    if candidates:
        if body is not None:
            reader.dropped.append(Dropped("everything outside the page's main content",
                                          f"the page marks <{candidates[0].tag}> as its main content"))
        return candidates[0]
    return body


class _Reader:
    def __init__(self, source_name: str, load_image: ImageLoader | None):
        self.source_name = source_name
        self.load_image = load_image
        self.dropped: list[Dropped] = []
        self.properties: dict[str, str] = {}  # what the content itself says about the document (its subtitle)
        self.image_count = 0

    def prune(self, element: _Element, main: _Element) -> None:
        """Remove what is never content below `element`, saying what and why (once: not again for
        what a removed element held)."""
        for child in list(element):
            if not isinstance(child.tag, str):  # comments, processing instructions
                child.drop_tree()
                continue
            reason = self._noise_reason(child, main)
            if reason:
                text = _SPACE.sub(" ", child.text_content()).strip()
                self.dropped.append(Dropped(f"<{child.tag}> {_preview(text)!r}" if text else f"<{child.tag}>", reason))
                child.drop_tree()
            else:
                self.prune(child, main)

    @staticmethod
    def _noise_reason(element: _Element, main: _Element) -> str:
        tag = element.tag
        names = f"{element.get('id', '')} {element.get('class', '')}"
        if tag in _NOISE_TAGS:
            return f"<{tag}> is {'navigation' if tag == 'nav' else 'not text content'}"
        if element.get("role") in _NOISE_ROLES:
            return f"role={element.get('role')} (page furniture, not content)"
        if element.get("hidden") is not None or element.get("aria-hidden") == "true" or re.search(
                r"display\s*:\s*none|visibility\s*:\s*hidden", element.get("style", "")):
            return "hidden on the page"
        if tag in ("header", "footer") and _outside_article(element, main):
            return f"page {tag}"
        if _NOISE_NAMES.search(names) and not _BOX_NAMES.search(names):
            return f"id/class {names.strip()!r} names page furniture (cookie bar, menu, breadcrumb, ...)"
        return ""

    def blocks(self, element: _Element) -> Iterator[Node]:
        """The block nodes in `element`, in order; loose text between blocks becomes paragraphs."""
        loose: list[str] = []
        if element.text and element.text.strip():
            loose.append(escape_markup(element.text))
        for child in element:
            if child.tag in _BLOCK_TAGS:
                yield from _paragraphs(self._join(loose))
                loose = []
                yield from self.block(child)
            else:
                loose.append(self.inline(child))
            if child.tail and child.tail.strip():
                loose.append(escape_markup(child.tail))
        yield from _paragraphs(self._join(loose))

    @staticmethod
    def _join(parts: list[str]) -> str:
        return _SPACE.sub(" ", "".join(parts)).strip()

    def block(self, element: _Element) -> Iterator[Node]:
        tag = element.tag
        if re.fullmatch(r"h[1-6]", tag):
            text = _SPACE.sub(" ", element.text_content()).strip()
            if text:  # a Word title (see docx.py) ranks above every heading
                yield Heading(text, 0 if "document-title" in element.get("class", "") else int(tag[1]))
        elif tag == "p" and "subtitle" in element.get("class", "") and "subtitle" not in self.properties:
            self.properties["subtitle"] = _SPACE.sub(" ", element.text_content()).strip()
        elif tag == "p" or tag in ("address", "pre", "dl"):
            for image in list(element.iter("img")):  # Word puts pictures inside a paragraph: keep them as figures
                yield from self.block(image)
                image.drop_tree()
            yield from _paragraphs(self.inline_content(element))
        elif tag in ("ul", "ol"):
            items = tuple(self._items(element))
            if items:
                yield ItemList(items, ordered=tag == "ol")
        elif tag == "table" and len(cells := element.xpath(".//td|.//th")) == 1:  # a one-cell table is a box
            yield from self._box(cells[0])
        elif tag == "table":
            table = self._table(element)
            if table:
                yield table
        elif tag == "img":
            image = self._image(element)
            if image:
                yield image
        elif tag == "aside" or tag == "blockquote" or (
                tag in ("div", "section") and _BOX_NAMES.search(f"{element.get('id', '')} {element.get('class', '')}")):
            yield from self._box(element)
        elif tag == "hr":
            return
        else:  # div, section, article, figure, header/footer inside the article: their blocks in order
            yield from self.blocks(element)

    def _box(self, element: _Element) -> Iterator[Node]:
        children = tuple(self.blocks(element))
        title = ""
        if children and isinstance(children[0], Heading):
            title, children = children[0].text, children[1:]
        if children:
            yield Box(title, children)
        elif title:
            yield Paragraph(escape_markup(title))

    def _items(self, element: _Element) -> Iterator[str]:
        """List items; a nested list's items follow their parent item (the schema has no nesting)."""
        for item in element.iterchildren("li"):
            nested = [child for child in item if child.tag in ("ul", "ol")]
            for child in nested:
                item.remove(child)
            text = self.inline_content(item)
            if text:
                yield text
            for child in nested:
                yield from self._items(child)

    def _table(self, element: _Element) -> Table | None:
        rows = []
        for row in element.iter("tr"):
            cells = tuple(self.inline_content(cell) for cell in row if cell.tag in ("td", "th"))
            if any(cells):
                rows.append(cells)
        if not rows:
            return None
        width = max(len(row) for row in rows)
        return Table(tuple(row + ("",) * (width - len(row)) for row in rows))

    def _image(self, element: _Element) -> Image | None:
        src = element.get("src", "")
        loaded = _data_uri(src) or (self.load_image(src) if self.load_image and src else None)
        if isinstance(loaded, str):
            self.dropped.append(Dropped(f"an image of type {loaded}", "only PNG, JPEG and SVG can be figures (and "
                                        "what converts to PNG): save it as PNG or SVG and add it as a figure"))
            return None
        if loaded is None:
            self.dropped.append(Dropped(f"image {src[:60]!r}", "not inside the import (a web address or a "
                                        "missing file): save it beside the page and add it as a figure"))
            return None
        data, extension = loaded
        self.image_count += 1
        alt = _SPACE.sub(" ", element.get("alt", "")).strip()
        return Image(f"afbeelding-{self.image_count}.{extension}", data, alt)

    def inline_content(self, element: _Element) -> str:
        parts = [escape_markup(element.text or "")]
        for child in element:
            parts.append(self.inline(child))
            parts.append(escape_markup(child.tail or ""))
        return _SPACE.sub(" ", "".join(parts)).strip()

    def inline(self, element: _Element) -> str:
        tag = element.tag
        if not isinstance(tag, str) or tag in _NOISE_TAGS:
            return ""
        if tag == "br":
            return "\n\n"  # a line break inside a paragraph: kept as a paragraph boundary
        if tag == "img":
            image_alt = element.get("alt", "")
            return escape_markup(image_alt)
        inner = self.inline_content(element)
        if not inner:
            return ""
        if tag in ("strong", "b"):
            return _wrap(inner, "**")
        if tag in ("em", "i"):
            return _wrap(inner, "*")
        if tag == "a":
            href = (element.get("href") or "").strip()
            if href.lower().startswith(_SAFE_SCHEMES) and "**" not in inner:
                return f"[{inner}]({href.replace(')', '%29').replace(' ', '%20')})"
        return inner


def _wrap(inner: str, marker: str) -> str:
    """Emphasis around the words only: markdown needs the markers against the text."""
    stripped = inner.strip()
    if not stripped or marker in stripped.replace("\\*", ""):
        return inner
    lead, trail = inner[:len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()):]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _paragraphs(text: str) -> Iterator[Paragraph]:
    for part in re.split(r"\s*\n\n\s*", text):
        part = _SPACE.sub(" ", part).strip()
        if part:
            yield Paragraph(part)


def _outside_article(element: _Element, main: _Element) -> bool:
    """A <header>/<footer> of the page (not one inside an <article> or <section>)."""
    parent = element.getparent()
    while parent is not None and parent is not main:
        if parent.tag in ("article", "section"):
            return False
        parent = parent.getparent()
    return main.tag not in ("article",)


def _data_uri(src: str) -> tuple[bytes, str] | str | None:
    """An embedded image as (data, extension); GIF, BMP, TIFF and WebP converted to PNG; the type
    when it cannot be a figure (EMF/WMF drawings from Word); None when `src` is no embedded image."""
    match = re.match(r"data:([\w/+.-]+);base64,(.*)", src, re.DOTALL)
    if not match:
        return None
    kind = match.group(1).lower()
    try:
        data = base64.b64decode(match.group(2), validate=False)
    except ValueError:
        return kind
    if kind in _IMAGE_TYPES:
        return data, _IMAGE_TYPES[kind]
    try:
        with PillowImage.open(BytesIO(data)) as picture:
            converted = BytesIO()
            picture.convert("RGBA").save(converted, "PNG")
            return converted.getvalue(), "png"
    except (OSError, ValueError):  # Pillow reads no EMF/WMF on Linux
        return kind


def _preview(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
